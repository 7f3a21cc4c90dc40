"""User-facing text: roles, /dx admin, channels and escalation."""

MESSAGES = {
    # --- roles, admin, channels and escalation -------------------------------------------------
    "admin_help": {
        "ja": (
            "*コーディネーター・管理者向け `/dx admin`*\n"
            "• `/dx admin members` … 自分の自治体のメンバー一覧\n"
            "• `/dx admin role @名前 coordinator` … 役割を変えます（learner／coordinator／admin。管理者は同じ都道府県の"
            "自治体のメンバーにも。まだ自治体のない人には `… coordinator 横須賀市`）\n"
            "• `/dx admin done @名前 ITパスポート` … メンバーに代わって受講完了を記録します\n"
            "• `/dx admin undo @名前 ITパスポート` … メンバーの記録を取り消します\n"
            "• `/dx admin audit` … 代理で行った変更の記録（監査ログ）\n"
            "• `/dx admin channel` … このチャンネルの設定を表示します\n"
            "• `/dx admin channel #チャンネル answer-all on|off` … メンションなしでも質問に答えるか\n"
            "• `/dx admin channel #チャンネル public|ephemeral` … 回答を全員に見せるか、質問した人だけに見せるか"
        ),
        "en": (
            "*`/dx admin`, for coordinators and admins*\n"
            "• `/dx admin members` … your municipality's members\n"
            "• `/dx admin role @name coordinator` … change a role (learner, coordinator or admin; admins: across "
            "their prefecture, and `… coordinator 横須賀市` for someone of no municipality yet)\n"
            "• `/dx admin done @name IT Passport` … record a completion on a member's behalf\n"
            "• `/dx admin undo @name IT Passport` … remove a member's record\n"
            "• `/dx admin audit` … the changes made on members' behalf (audit log)\n"
            "• `/dx admin channel` … this channel's settings\n"
            "• `/dx admin channel #channel answer-all on|off` … answer every question there, without a mention\n"
            "• `/dx admin channel #channel public|ephemeral` … show answers to everyone, or to the asker only"
        ),
    },
    "admin_refused": {
        "ja": "`/dx admin` はコーディネーターと管理者向けの機能です。役割の変更は、自治体のコーディネーターにご相談ください。",
        "en": "`/dx admin` is for coordinators and admins. Please ask your municipality's coordinator about roles.",
    },
    "admin_join_first": {
        "ja": "先に `/dx join 自治体名` で所属する自治体を登録してください。自分の自治体のメンバーだけを扱えます。",
        "en": "Please register your municipality first with `/dx join`: you manage your own municipality's members.",
    },
    "admin_unknown": {
        "ja": "`/dx admin {word}` という操作はありません。\n\n{help}",
        "en": "There is no `/dx admin {word}`.\n\n{help}",
    },
    "admin_mention_needed": {
        "ja": "相手は @ で名前を選んで指定してください（例: `/dx admin role @山田 coordinator`）。"
        "名前を打ち込んだだけでは、どなたか分かりませんでした。",
        "en": "Please pick the person with @ from Slack's list (e.g. `/dx admin role @Yamada coordinator`); "
        "I couldn't tell who a typed name is.",
    },
    "admin_role_usage": {
        "ja": "使い方: `/dx admin role @名前 learner|coordinator|admin`"
        "（まだどの自治体にも登録していない人を任命するときは、最後に自治体名: `… coordinator 横須賀市`）",
        "en": "Usage: `/dx admin role @name learner|coordinator|admin` (for someone of no municipality yet, add the "
        "municipality: `… coordinator 横須賀市`)",
    },
    "admin_role_name_municipality": {
        "ja": "<@{user}> さんはまだどの自治体にも登録されていません。役割は自治体ごとのものなので、"
        "どの自治体の役割かを添えてください（例: `/dx admin role @名前 coordinator 横須賀市`）。",
        "en": "<@{user}> belongs to no municipality yet. A role belongs to a municipality: please add which "
        "(e.g. `/dx admin role @name coordinator 横須賀市`).",
    },
    "admin_role_elsewhere": {
        "ja": "<@{user}> さんは{municipality}のメンバーです（「{name}」ではありません）。役割は、所属する自治体のものとして"
        "付けます: `/dx admin role @名前 coordinator` だけで{municipality}の役割になります。",
        "en": "<@{user}> is a member of {municipality}, not “{name}”. A role is given in the member's own "
        "municipality: `/dx admin role @name coordinator` alone makes it {municipality}'s.",
    },
    "admin_role_not_in_prefecture": {
        "ja": "「{name}」は{prefecture}の参加自治体に見つかりませんでした。管理者が任命できるのは自分の都道府県の自治体の役割です。",
        "en": "“{name}” is not a participating municipality of {prefecture}: admins appoint to their own "
        "prefecture's municipalities.",
    },
    "admin_role_ok": {
        "ja": "<@{user}> さんの役割を「{role}」にしました（以前は「{before}」）。",
        "en": "<@{user}> is now {role} (was {before}).",
    },
    "admin_role_not_allowed": {
        "ja": "<@{user}> さんを「{role}」にすることはできません。コーディネーターは自分の自治体のメンバーを"
        "learner か coordinator にできます。admin にするには管理者にご相談ください。",
        "en": "You can't make <@{user}> {role}: coordinators give learner or coordinator to their own "
        "municipality's members. Please ask an admin for anything else.",
    },
    "admin_not_your_member": {
        "ja": "<@{user}> さんは{municipality}のメンバーとして登録されていません。"
        "ご本人が `/dx join {municipality}` で登録すると操作できます。",
        "en": "<@{user}> is not registered as a member of {municipality}. Once they register with "
        "`/dx join {municipality}`, you can manage their records.",
    },
    "admin_not_your_prefecture": {
        "ja": "<@{user}> さんは{prefecture}の自治体のメンバーではないため、操作できません。"
        "管理者が扱えるのは自分の都道府県の自治体のメンバーだけです。",
        "en": "<@{user}> is not a member of a municipality in {prefecture}: admins manage their own prefecture's "
        "municipalities only.",
    },
    "admin_members_title": {"ja": "*{municipality}のメンバー（{count}人）*", "en": "*{municipality}: {count} members*"},
    "admin_members_line": {
        "ja": "• <@{user}> — {role}／{track}／{count}件完了／最終 {last}",
        "en": "• <@{user}> — {role} / {track} / {count} finished / last {last}",
    },
    "admin_members_none": {
        "ja": "{municipality}のメンバーはまだいません。`/dx join {municipality}` で登録してもらいましょう。",
        "en": "{municipality} has no members yet; they register with `/dx join {municipality}`.",
    },
    "admin_record_usage": {
        "ja": "使い方: `/dx admin {word} @名前 講座名`（例: `/dx admin {word} @山田 ITパスポート`）",
        "en": "Usage: `/dx admin {word} @name course` (e.g. `/dx admin {word} @Yamada IT Passport`)",
    },
    "admin_done_ok": {
        "ja": "<@{user}> さんの受講完了を記録しました: *{title}*{hours}（代理記録として監査ログに残ります）",
        "en": "Recorded for <@{user}>: *{title}*{hours} (kept in the audit log as recorded on their behalf)",
    },
    "admin_done_already": {
        "ja": "<@{user}> さんは *{title}* を {date} に記録済みです。",
        "en": "<@{user}> already recorded *{title}* on {date}.",
    },
    "admin_done_choose": {
        "ja": "「{text}」に近い講座がいくつかあります。講座名をもう少し正確に書いてください: {titles}",
        "en": "Several courses look like “{text}”; please write the title more exactly: {titles}",
    },
    "admin_undo_ok": {
        "ja": "<@{user}> さんの記録を取り消しました: *{title}*（監査ログに残ります）",
        "en": "Removed <@{user}>'s record: *{title}* (kept in the audit log)",
    },
    "admin_undo_none": {
        "ja": "<@{user}> さんの記録に「{text}」は見つかりませんでした。`/dx admin members` で件数を確認できます。",
        "en": "<@{user}> has no record matching “{text}”. `/dx admin members` shows their counts.",
    },
    "admin_audit_title": {
        "ja": "*{municipality}の監査ログ（新しい順）*",
        "en": "*{municipality}: audit log, newest first*",
    },
    "admin_audit_none": {
        "ja": "{municipality}の監査ログはまだありません。",
        "en": "{municipality} has no audit entries yet.",
    },
    "admin_audit_line": {"ja": "• {at} {actor} — {action} {what}"},
    "admin_audit_cli": {"ja": "コマンドライン", "en": "command line"},
    "audit_set_role": {"ja": "役割の変更", "en": "role changed"},
    "audit_record_on_behalf": {"ja": "代理記録", "en": "recorded on behalf"},
    "audit_undo_on_behalf": {"ja": "代理取り消し", "en": "removed on behalf"},
    "audit_configure_channel": {"ja": "チャンネル設定", "en": "channel settings"},
    "audit_move_municipality": {"ja": "都道府県の移動", "en": "moved to another prefecture"},
    "role_learner": {"ja": "learner（受講者）", "en": "learner"},
    "role_coordinator": {"ja": "coordinator（コーディネーター）", "en": "coordinator"},
    "role_admin": {"ja": "admin（管理者）", "en": "admin"},
    "admin_channel_usage": {
        "ja": "使い方: `/dx admin channel #チャンネル answer-all on|off` または "
        "`/dx admin channel #チャンネル public|ephemeral`（チャンネルを省くとこのチャンネル）",
        "en": "Usage: `/dx admin channel #channel answer-all on|off` or `/dx admin channel #channel public|ephemeral` "
        "(without a channel: this one)",
    },
    "admin_channel_pick": {
        "ja": "チャンネルは # で一覧から選んで指定してください（例: `/dx admin channel #dx-質問 answer-all on`）。",
        "en": "Please pick the channel with # from Slack's list (e.g. `/dx admin channel #dx-questions answer-all on`).",
    },
    "admin_channel_state": {
        "ja": "<#{channel}>: メンションなしの質問に{answer_all}、回答は{visibility}",
        "en": "<#{channel}>: {answer_all} without a mention; answers {visibility}",
    },
    "admin_channel_saved": {"ja": "設定しました。", "en": "Saved."},
    "admin_channels_none": {
        "ja": "設定済みのチャンネルはまだありません（どのチャンネルもメンションされたときだけ全員に見える形で答えます）。",
        "en": "No channel is configured yet (everywhere, dxbot answers mentions, visible to all).",
    },
    "admin_channels_title": {
        "ja": "*{municipality}の設定済みチャンネル*",
        "en": "*{municipality}: configured channels*",
    },
    "admin_channel_not_yours": {
        "ja": "<#{channel}> は別の自治体のチャンネルのため、変更できません。設定できるのはその自治体のコーディネーターと"
        "県の管理者です。",
        "en": "<#{channel}> is another municipality's channel, so you can't change it: its coordinators and its "
        "prefecture's admins can.",
    },
    "admin_channel_shared": {
        "ja": "<#{channel}> は都道府県の共有チャンネルのため、設定できるのはその都道府県の管理者だけです。",
        "en": "<#{channel}> is a prefecture's shared channel: only that prefecture's admins can configure it.",
    },
    "admin_channel_unowned": {
        "ja": "<#{channel}> はまだどの自治体のチャンネルでもありません。新しいチャンネルを設定できるのは県の管理者です。"
        "管理者に設定を依頼してください（設定後は、あなたの自治体のコーディネーターも変更できます）。",
        "en": "<#{channel}> is nobody's channel yet: a new channel is configured by an admin of the prefecture. "
        "Please ask one (once it is set up for your municipality, its coordinators can change it).",
    },
    "channel_answer_all_on": {"ja": "答える", "en": "answers every question"},
    "channel_answer_all_off": {"ja": "答えない", "en": "answers only mentions"},
    "channel_visibility_public": {"ja": "全員に見えます", "en": "visible to everyone"},
    "channel_visibility_ephemeral": {"ja": "質問した人だけに見えます", "en": "shown to the asker only"},
    "escalate_button": {"ja": "🆘 コーディネーターに聞く", "en": "🆘 Ask the coordinator"},
    "escalation_posted": {
        "ja": "🆘 {coordinators} <@{user}> さんの質問に dxbot の回答では足りませんでした。フォローをお願いします。",
        "en": "🆘 {coordinators} dxbot's answer did not help <@{user}>; could you follow up?",
    },
    "escalation_no_coordinator": {
        "ja": "🆘 <@{user}> さん、{municipality}にはまだ dxbot のコーディネーターが登録されていません。"
        "お手数ですが、DX推進の担当部署か研修担当の方に直接ご相談ください。"
        "（管理者は `dxbot members set-role` でコーディネーターを登録できます）",
        "en": "🆘 <@{user}>, {municipality} has no dxbot coordinator yet. Please ask your DX or training "
        "office directly (an admin can appoint one with `dxbot members set-role`).",
    },
    "escalation_no_municipality": {
        "ja": "🆘 <@{user}> さんの所属する自治体が分からないため、コーディネーターをお呼びできませんでした。"
        "`/dx join 自治体名` で登録すると、次からはコーディネーターに届きます。"
        "いまは DX推進の担当部署か研修担当の方に直接ご相談ください。",
        "en": "🆘 <@{user}>, I don't know your municipality, so I couldn't call a coordinator. Register with "
        "`/dx join` and next time they will be told; for now, please ask your DX or training office directly.",
    },
    "escalation_sent": {
        "ja": "スレッドでコーディネーターにお知らせしました。",
        "en": "I've told the coordinators in the thread.",
    },
    "escalation_already": {
        "ja": "この質問はすでにコーディネーターにお知らせ済みです。",
        "en": "The coordinators have already been told about this question.",
    },
    "escalation_only_asker": {
        "ja": "コーディネーターに聞けるのは、質問したご本人だけです。ご自分の質問として dxbot に聞いてみてください。",
        "en": "Only the person who asked can call the coordinator; please ask dxbot your own question.",
    },
    "escalation_resolve_button": {"ja": "✅ 解決済みにする", "en": "✅ Mark resolved"},
    "escalation_resolved": {
        "ja": "✅ <@{by}> さんが解決済みにしました。",
        "en": "✅ Marked resolved by <@{by}>.",
    },
    "escalation_resolve_refused": {
        "ja": "解決済みにできるのは、この自治体のコーディネーターか質問したご本人だけです。",
        "en": "Only the municipality's coordinators or the person who asked can mark this resolved.",
    },
    "escalation_already_resolved": {"ja": "この質問はすでに解決済みです。", "en": "This question is already resolved."},
}
