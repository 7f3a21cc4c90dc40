"""User-facing text: the App Home and the record modal."""

MESSAGES = {
    # --- app home and the record modal ---------------------------------------------------------
    "assistant_home_hint": {
        "ja": "受講の記録・学ぶコースの選択・気づきの共有は、dxbot の「ホーム」タブのボタン"
        "（または ⚡ ショートカットの「受講を記録」）からもできます。",
        "en": "You can also record a course, choose your track and share a tip from the buttons on dxbot's Home tab "
        "(or the ⚡ shortcut “受講を記録”).",
    },
    "home_join_pick": {
        "ja": "まだ自治体が登録されていません。所属する自治体を選んでください（`/dx join 自治体名` でも登録できます）。",
        "en": "You haven't joined a municipality yet: pick yours (or use `/dx join <name>`).",
    },
    "home_join_placeholder": {"ja": "自治体名を入力", "en": "Type your municipality"},
    "home_undo_button": {"ja": "取り消す", "en": "Remove"},
    "home_undo_confirm_title": {"ja": "記録の取り消し", "en": "Remove a record"},
    "home_undo_confirm": {"ja": "「{title}」の記録を取り消しますか？", "en": "Remove your record of “{title}”?"},
    "home_pick_track": {"ja": "学ぶコースを選ぶ", "en": "Choose your track"},
    "home_hours": {
        "ja": "今年度（{year}年度）の受講時間：*{hours}時間*",
        "en": "Training hours this fiscal year ({year}): *{hours} h*",
    },
    "home_recent_title": {"ja": "*最近の記録*", "en": "*Recent records*"},
    "home_more": {"ja": "ほか{count}件", "en": "and {count} more"},
    "home_record_button": {"ja": "受講を記録する", "en": "Record a course"},
    "home_share_button": {"ja": "気づきを共有", "en": "Share a tip"},
    "home_skill_check_button": {"ja": "スキル診断", "en": "Skill check"},
    "home_ask_hint": {
        "ja": "質問は、上の「メッセージ」タブで dxbot に送るか、チャンネルで @dxbot にメンションしてください。",
        "en": "To ask a question, write to dxbot in the Messages tab above, or mention @dxbot in a channel.",
    },
    "home_tips_title": {"ja": "*みんなの気づき*", "en": "*Latest tips*"},
    "home_tips_empty": {"ja": "まだ共有された気づきはありません。", "en": "No tips have been shared yet."},
    "home_coordinator_title": {"ja": "{name}（コーディネーター向け）", "en": "{name} (for coordinators)"},
    "home_members": {
        "ja": "メンバー：*{members}人*　今月受講した人：*{active}人*",
        "en": "Members: *{members}*　Finished a course this month: *{active}*",
    },
    "home_required_rate": {
        "ja": "必修講座の修了率：*{rate}%*（{done}/{total}）",
        "en": "Required courses finished: *{rate}%* ({done}/{total})",
    },
    "home_required_none": {"ja": "必修講座の修了率：—", "en": "Required courses finished: —"},
    "home_licences": {
        "ja": "ライセンス：*{used}/{allocated}* を利用中（過去30日に受講した人）",
        "en": "Licences in use: *{used}/{allocated}* (members active in the last 30 days)",
    },
    "home_not_started": {"ja": "*まだ受講記録がない人*", "en": "*Not started yet*"},
    "home_not_started_none": {"ja": "全員が受講を始めています。", "en": "Everyone has started."},
    "home_escalations_title": {"ja": "*未解決の質問（🆘）*", "en": "*Open questions (🆘)*"},
    "home_escalations_none": {"ja": "未解決の質問はありません。", "en": "No open questions."},
    "home_escalation": {
        "ja": "• <#{channel}> の<{link}|スレッド>（{age}）",
        "en": "• <{link}|A thread> in <#{channel}> ({age})",
    },
    "home_age_days": {"ja": "{count}日前", "en": "{count} days ago"},
    "home_age_hours": {"ja": "{count}時間前", "en": "{count} h ago"},
    "home_export_button": {"ja": "受講記録を書き出す（CSV）", "en": "Export records (CSV)"},
    "home_digest_button": {"ja": "今週の週報をプレビュー", "en": "Preview this week's digest"},
    "record_modal_title": {"ja": "受講を記録", "en": "Record a course"},
    "record_modal_submit": {"ja": "記録する", "en": "Record"},
    "record_modal_cancel": {"ja": "やめる", "en": "Cancel"},
    "record_modal_close": {"ja": "閉じる", "en": "Close"},
    "record_course_label": {"ja": "講座", "en": "Course"},
    "record_course_placeholder": {"ja": "講座名の一部を入力して探す", "en": "Type part of the course name"},
    "record_as_written": {"ja": "「{text}」のまま記録する", "en": "Record “{text}” as written"},
    "record_hours_label": {"ja": "受講時間（任意）", "en": "Hours (optional)"},
    "record_hours_hint": {
        "ja": "空欄なら講座の標準時間で記録します。",
        "en": "Leave it empty to use the course's usual length.",
    },
    "record_date_label": {"ja": "修了した日", "en": "Date finished"},
    "record_behalf_label": {"ja": "代わりに記録するメンバー（任意）", "en": "On behalf of (optional)"},
    "record_behalf_hint": {
        "ja": "あなたの自治体のメンバーを選べます。空欄ならあなた自身の記録です。",
        "en": "A member of your municipality; leave it empty to record for yourself.",
    },
    "record_error_course": {"ja": "一覧から講座を選んでください。", "en": "Please pick a course from the list."},
    "record_error_hours": {
        "ja": "0より大きく{limit}以下の数で入力してください（例：1.5）。",
        "en": "Please enter a number above 0 and at most {limit} (e.g. 1.5).",
    },
    "record_error_date": {"ja": "カレンダーから日付を選んでください。", "en": "Please pick a date from the calendar."},
    "record_error_future": {
        "ja": "未来の日付は選べません。今日までの日付を選んでください。",
        "en": "That date is in the future; please pick today or an earlier day.",
    },
    "record_error_behalf": {
        "ja": "この方はあなたの自治体のメンバーではないため、代わりに記録できません。",
        "en": "This person is not a member of your municipality, so you can't record for them.",
    },
    "record_saved": {"ja": ":tada: 記録しました：*{title}*（{date}）", "en": ":tada: Recorded: *{title}* ({date})"},
    "record_saved_for": {
        "ja": ":memo: <@{user}> さんの記録として保存しました：*{title}*（{date}）",
        "en": ":memo: Recorded for <@{user}>: *{title}* ({date})",
    },
    "home_reminders": {"ja": "お知らせ: {nudges}", "en": "Reminders: {nudges}"},
    "home_reminders_on_leave": {"ja": "（休職・休暇中のため送りません）", "en": " (paused while you are on leave)"},
    "home_nudges_off": {"ja": "お知らせを止める", "en": "Stop reminders"},
    "home_nudges_on": {"ja": "お知らせを受け取る", "en": "Get reminders"},
    "home_leave_on": {"ja": "休職・休暇中にする", "en": "I am on leave"},
    "home_leave_off": {"ja": "休職・休暇から戻りました", "en": "I am back"},
}
