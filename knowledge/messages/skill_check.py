"""User-facing text: the skill check."""

MESSAGES = {
    # --- skill check ---------------------------------------------------------------------------
    "skill_check_title": {"ja": "DXスキルチェック", "en": "DX skill check"},
    "skill_check_submit": {"ja": "結果を見る", "en": "See my plan"},
    "skill_check_cancel": {"ja": "やめる", "en": "Cancel"},
    "skill_check_close": {"ja": "閉じる", "en": "Close"},
    "skill_check_intro": {
        "ja": "{count}問の質問に、いまの自分にいちばん近いものを選んでください（3分ほど）。"
        "答えから、おすすめのコース（ICT系／事業系）と講座を受ける順番（学習計画）をお示しします。"
        "結果はあなたの学習計画として保存されます。",
        "en": "Answer {count} questions with what is closest to you today (about 3 minutes). Your answers suggest a "
        "track (ICT or business) and the order to take courses in (your learning plan), which is saved for you.",
    },
    "skill_check_question": {"ja": "{number}. 【{area}】{text}", "en": "{number}. [{area}] {text}"},
    "skill_check_unanswered": {
        "ja": "この質問にお答えください（ほかの答えはそのまま残っています）。",
        "en": "Please answer this question (your other answers are kept).",
    },
    "skill_check_scores": {
        "ja": "*あなたのスキル*（各分野の得点率）",
        "en": "*Your skills* (share of each area's points)",
    },
    "skill_check_score_line": {"ja": "• {area}：{score}%", "en": "• {area}: {score}%"},
    "skill_check_track_ict": {
        "ja": "*おすすめのコース：ICT系デジタル人材*\n「{area}」が{score}%（{threshold}%以上）なので、"
        "専門的な知識で各所属をサポートする ICT系（基本情報技術者試験レベル）をおすすめします。",
        "en": "*Suggested track: ICT*\nYour {area} score is {score}% ({threshold}% or more), so the ICT track "
        "(Fundamental IT Engineer level, supporting other sections with specialist knowledge) fits you.",
    },
    "skill_check_track_business": {
        "ja": "*おすすめのコース：事業系デジタル人材*\n「{area}」が{score}%（{threshold}%未満）なので、"
        "業務の効率化や改善を進める事業系（ITパスポート試験レベル）から始めるのをおすすめします。",
        "en": "*Suggested track: business*\nYour {area} score is {score}% (under {threshold}%), so start with the "
        "business track (IT Passport level, improving and streamlining work).",
    },
    "skill_check_plan": {"ja": "*学習計画*（上から順に）", "en": "*Your learning plan* (in this order)"},
    "skill_check_plan_line": {"ja": "{number}. {title}（{reason}）", "en": "{number}. {title} ({reason})"},
    "skill_check_reason_required": {"ja": "必修", "en": "required"},
    "skill_check_reason_recommended": {"ja": "推奨", "en": "recommended"},
    "skill_check_reason_gap": {"ja": "「{area}」の強化", "en": "to strengthen {area}"},
    "skill_check_plan_done": {
        "ja": "おすすめの講座はすべて受講済みです。すばらしいです！",
        "en": "You have finished every course we would suggest. Well done!",
    },
    "skill_check_skipped": {
        "ja": "受講済みの{count}講座は計画から外しました。",
        "en": "{count} course(s) you already finished are left out.",
    },
    "skill_check_adopt": {"ja": "このコースで学ぶ", "en": "Choose this track"},
    "skill_check_on_track": {
        "ja": "いまのコースも「{track}」です。`/dx progress` で進み具合を確かめられます。",
        "en": "Your track is already the {track}. `/dx progress` shows where you stand.",
    },
    "skill_check_other_track": {
        "ja": "いまのコースは「{track}」です。変えるときは、右のボタンを押してください。",
        "en": "Your track is now the {track}. Press the button to change it.",
    },
    "skill_check_no_track": {
        "ja": "まだコースを選んでいません。このコースで学ぶときは、右のボタンを押してください。",
        "en": "You have not chosen a track yet. Press the button to take this one.",
    },
    "skill_check_saved": {
        "ja": "この結果は学習計画として保存しました。`/dx check` でいつでも受け直せます。",
        "en": "This result is saved as your learning plan. Take the check again any time with `/dx check`.",
    },
}
