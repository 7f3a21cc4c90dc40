"""User-facing text: help and usage."""

MESSAGES = {
    # --- help and usage ---------------------------------------------------------------------
    "help": {
        "ja": (
            "*dxbot の使い方*\n"
            "• `/dx join 横須賀市` … 所属する自治体を登録します\n"
            "• `/dx track ict` または `/dx track business` … ICT系／事業系のどちらで学ぶかを登録します\n"
            "• `/dx done ITパスポート` … 受講を終えた講座を記録します（講座名はあいまいで大丈夫です）\n"
            "• `/dx undo ITパスポート` … 記録を取り消します（講座名を省くと最後の記録を取り消します）\n"
            "• `/dx progress` … これまでの記録と、ラーニングパスの進み具合を表示します\n"
            "• `/dx ask 助成率は？` … 講座・ラーニングパス・助成金について質問できます\n"
            "• `/dx subsidy 60時間 30万円 中小` … 人材開発支援助成金の目安を計算します\n"
            "• `/dx share 学んだこと・おすすめ` … 週報でみんなに共有したいヒントを投稿します\n"
            "• `/dx privacy names on|off` … 週報にお名前を載せるかどうかを選べます（最初は載せません）\n"
            "• `/dx check` … DXスキルチェック（10問）に答えると、おすすめのコースと学習計画をお示しします\n"
            "• `/dx nudges on|off` … 学習が止まっているときのお知らせ（週1回まで）を受け取る／止める\n"
            "• `/dx leave on|off` … 休職・休暇中はお知らせを止めます（戻ったら off）\n"
            "• `/dx digest` … （コーディネーター向け）今週の週報をプレビューします\n"
            "• `/dx export csv|xlsx` … （コーディネーター向け）自治体の修了記録と研修時間台帳をDMでお送りします\n"
            "• `/dx admin` … （コーディネーター・管理者向け）役割・メンバー・代理記録・監査ログ・チャンネル設定\n"
            "ホームタブと ⚡ショートカット「受講を記録」からも、記録・コース選び・共有ができます。\n"
            "チャンネルで @dxbot にメンションするか、DMで質問しても答えます。"
            "回答が役に立たなかったときは「🆘 コーディネーターに聞く」でコーディネーターを呼べます。"
        ),
        "en": (
            "*How to use dxbot*\n"
            "• `/dx join 横須賀市` … register the municipality you belong to (its Japanese name)\n"
            "• `/dx track ict` or `/dx track business` … choose your learning track\n"
            "• `/dx done IT Passport` … record a course you finished (the name can be approximate)\n"
            "• `/dx undo IT Passport` … remove a record (without a name: your latest one)\n"
            "• `/dx progress` … your records and where you stand on your learning path\n"
            "• `/dx ask which course for IT Passport?` … ask about courses, learning paths and subsidies\n"
            "• `/dx subsidy 60h 300000yen sme` … estimate the 人材開発支援助成金 subsidy\n"
            "• `/dx share a tip` … share a tip for the weekly digest\n"
            "• `/dx privacy names on|off` … whether the digest may show your name (off by default)\n"
            "• `/dx check en` … a 10-question DX skill check that suggests a track and a learning plan\n"
            "• `/dx nudges on|off` … reminders when your learning has paused (at most weekly)\n"
            "• `/dx leave on|off` … pause reminders while you are on leave\n"
            "• `/dx digest` … (coordinators) preview this week's digest\n"
            "• `/dx export csv|xlsx` … (coordinators) your municipality's records and training-hours ledger, by DM\n"
            "• `/dx admin` … (coordinators and admins) roles, members, records on a member's behalf, audit log, "
            "channel settings\n"
            "The Home tab and the ⚡ shortcut “受講を記録” record, choose a track and share without slash commands.\n"
            "You can also mention @dxbot in a channel or send it a DM. "
            "If an answer did not help, “🆘 Ask the coordinator” calls your coordinators into the thread."
        ),
    },
    "help_in_english": {"en": "_In English: `/dx help en`_"},
    "unknown_command": {
        "ja": "「{word}」というコマンドは見つかりませんでした。使い方はこちらです。",
        "en": "I don't know the command “{word}”. Here is how to use dxbot.",
    },
    "bad_input": {
        "ja": "入力を読み取れませんでした（空、または長すぎるようです。{limit}文字以内でお願いします）。",
        "en": "I couldn't read that (it was empty or too long; please keep it under {limit} characters).",
    },
    "not_installed": {
        "ja": "dxbot はこのワークスペースにまだインストールされていないか、アンインストールされました。"
        "ワークスペースの管理者に、dxbot をもう一度インストールするようお伝えください。",
        "en": "dxbot is not installed in this workspace (or was uninstalled). "
        "Please ask your workspace's admin to install it again.",
    },
    "sorry_error": {
        "ja": "申し訳ありません。いま処理できませんでした。少し時間をおいてもう一度お試しください。"
        "同じ記録が二重になることはありません。",
        "en": "Sorry, I couldn't do that just now. Please try again in a moment; nothing will be recorded twice.",
    },
}
