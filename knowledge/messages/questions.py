"""User-facing text: the questions report."""

MESSAGES = {
    # --- questions report
    "questions_report_unanswered_group": {"ja": "　• 「{text}」（{count}件）"},
    "questions_report_not_helpful": {"ja": "👎（役に立たなかった）がついた回答：{count}件"},
    "questions_report_pointer": {
        "ja": "🛠 コーディネーター向け：`dxbot questions report` で一覧（答えられなかった質問と 👎 の回答）"
    },
}
