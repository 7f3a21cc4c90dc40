"""User-facing text: nudges and leave."""

MESSAGES = {
    # --- nudges and leave ------------------------------------------------------------------------
    "nudge_next": {
        "ja": "こんにちは、dxbot です。最近の学びはいかがですか？ 少し間が空いたので、ラーニングパスの次の講座をご案内します: "
        "「{title}」{hours}。\n修了したら `/dx done {title}` で記録できます。無理のないペースで大丈夫です。",
        "en": "Hello, it's dxbot. How is your learning going? It has been a while, so here is the next course on your "
        "path: “{title}”{hours}.\nWhen you finish it, record it with `/dx done {title}`. Go at your own pace.",
    },
    "nudge_hours": {"ja": "（約{hours:g}時間）", "en": " (about {hours:g} h)"},
    "nudge_pick_track": {
        "ja": "こんにちは、dxbot です。最近の学びはいかがですか？ コースを選ぶと、次に受ける講座をご案内できます: "
        "`/dx track ict`（ICT系）または `/dx track business`（事業系）。",
        "en": "Hello, it's dxbot. How is your learning going? Pick a track and I can suggest your next course: "
        "`/dx track ict` (ICT) or `/dx track business` (business).",
    },
    "nudge_how_to_stop": {
        "ja": "このお知らせは週に1回までです。不要なら `/dx nudges off`、休職・休暇中は `/dx leave on` で止められます。",
        "en": "At most one of these a week. Turn them off with `/dx nudges off`, or pause them while away with "
        "`/dx leave on`.",
    },
    "nudges_usage": {
        "ja": "学習が止まっているときのお知らせ（週1回まで）を選べます: `/dx nudges on`（受け取る）／`/dx nudges off`"
        "（受け取らない）。いまは「{state}」です。",
        "en": "Choose whether dxbot may remind you when your learning has paused (at most once a week): "
        "`/dx nudges on` or `/dx nudges off`. Now: {state}.",
    },
    "nudges_state_on": {"ja": "受け取る", "en": "on"},
    "nudges_state_off": {"ja": "受け取らない", "en": "off"},
    "nudges_on": {
        "ja": "お知らせを受け取る設定にしました。しばらく修了の記録がないとき、次の講座を週1回までご案内します。",
        "en": "Reminders are on: when you have not recorded a course for a while, dxbot suggests your next one, at "
        "most once a week.",
    },
    "nudges_off": {
        "ja": "お知らせを止めました。また受け取りたいときは `/dx nudges on` と入力してください。",
        "en": "Reminders are off. Type `/dx nudges on` to have them again.",
    },
    "leave_usage": {
        "ja": "休職・休暇中は `/dx leave on` でお知らせを止め、戻ったら `/dx leave off` で再開できます。"
        "記録や週報はそのままです。いまは「{state}」です。",
        "en": "While you are on leave, `/dx leave on` pauses reminders; `/dx leave off` resumes them when you are "
        "back. Your records and the digest are not affected. Now: {state}.",
    },
    "leave_state_on": {"ja": "休職・休暇中", "en": "on leave"},
    "leave_state_off": {"ja": "勤務中", "en": "at work"},
    "leave_on": {
        "ja": "休職・休暇中として記録しました。戻るまでお知らせを送りません（記録はそのまま残ります）。"
        "戻ったら `/dx leave off` と入力してください。",
        "en": "You are marked as on leave: dxbot sends you no reminders until you are back (your records stay). "
        "Type `/dx leave off` when you return.",
    },
    "leave_off": {
        "ja": "おかえりなさい。休職・休暇中の記録を外しました。{nudges}",
        "en": "Welcome back. You are no longer marked as on leave. {nudges}",
    },
    "leave_off_nudges_on": {
        "ja": "しばらく修了の記録がないときは、また週1回までお知らせします。",
        "en": "Reminders resume when you have not recorded a course for a while.",
    },
    "leave_off_nudges_off": {
        "ja": "お知らせは止めたままです（`/dx nudges on` で再開）。",
        "en": "Reminders stay off (`/dx nudges on` turns them on).",
    },
}
