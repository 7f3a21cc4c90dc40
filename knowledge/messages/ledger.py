"""User-facing text: exports, imports and licences."""

MESSAGES = {
    # --- export, import and licences (ledger) ---
    "export_preparing": {
        "ja": "修了記録と研修時間台帳（{format}）を作成しています。できあがったら DM でファイルをお送りします。",
        "en": "Preparing the completions and the training-hours ledger ({format}); I'll send the files to you in a DM.",
    },
    "export_for_coordinators": {
        "ja": "記録のエクスポートは、自治体のコーディネーター向けの機能です。"
        "必要なときは、所属する自治体のコーディネーターにご相談ください。",
        "en": "Exporting records is for your municipality's coordinators: please ask one of them.",
    },
    "export_own_only": {
        "ja": "エクスポートできるのは、ご自身の自治体（{own}）の記録だけです。`/dx export csv` でお試しください。",
        "en": "You can export only your own municipality's records ({own}): try `/dx export csv`.",
    },
    "export_usage": {
        "ja": "使い方：`/dx export csv` または `/dx export xlsx`（{own}の修了記録と研修時間台帳をお送りします）",
        "en": "Usage: `/dx export csv` or `/dx export xlsx` (the completions and training-hours ledger of {own})",
    },
    "export_ready": {
        "ja": "{municipality}の修了記録（{count}件）と研修時間台帳です。"
        "台帳は年度（4月始まり）ごと・職員ごとの受講時間で、人材開発支援助成金の書類にお使いいただけます。",
        "en": "The completions of {municipality} ({count}) and the training-hours ledger: hours per member and "
        "fiscal year (April start), for 人材開発支援助成金 paperwork.",
    },
    "digest_part_licences": {"ja": "ライセンス {used}/{allocated} 利用中", "en": "licences {used}/{allocated} in use"},
}
