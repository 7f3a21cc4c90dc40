"""User-facing text: joining a municipality (open, by e-mail domain, by a coordinator's approval)."""

MESSAGES = {
    "join_usage": {
        "ja": "自治体名を添えてください。例: `/dx join 横須賀市`",
        "en": "Please add your municipality's Japanese name, e.g. `/dx join 横須賀市`.",
    },
    "join_ok": {
        "ja": "{municipality}の参加メンバーとして登録しました。ようこそ！\n"
        "次に `/dx track ict` または `/dx track business` で学ぶコースを選んでください。",
        "en": "You are now registered with {municipality}. Welcome!\n"
        "Next, choose your track with `/dx track ict` or `/dx track business`.",
    },
    "join_unknown": {
        "ja": "「{text}」は参加自治体に見つかりませんでした。{suggestions}",
        "en": "I couldn't find “{text}” among the participating municipalities. {suggestions}",
    },
    "join_suggestions": {"ja": "近い名前: {names}", "en": "Close matches: {names}"},
    "join_none_close": {
        "ja": "参加自治体の一覧はコーディネーターにお尋ねください。",
        "en": "Please ask your coordinator for the list of participating municipalities.",
    },
    "join_already": {
        "ja": "すでに{municipality}のメンバーとして登録されています。",
        "en": "You are already registered with {municipality}.",
    },
    "join_role_dropped": {
        "ja": "※ 役割（{role}）は前の自治体でのものなので、{municipality}では受講者（learner）になりました。"
        "{municipality}で役割が必要なときは、{municipality}のコーディネーターか管理者にご相談ください。",
        "en": "Note: your role ({role}) belonged to your previous municipality, so you are a learner in "
        "{municipality}. If you need a role there, please ask its coordinator or an admin.",
    },
    "join_not_this_workspace": {
        "ja": "{municipality}には、このワークスペースからは参加できません（{municipality}の職員が使うワークスペースとして"
        "登録されていません）。所属する自治体のワークスペースからお試しいただくか、県の担当者にご相談ください。",
        "en": "You can't join {municipality} from this workspace: it is not registered as one {municipality}'s "
        "staff use. Please try from your own municipality's workspace, or ask your prefecture's office.",
    },
    "join_checking": {
        "ja": "{municipality}は職員のメールアドレスで参加を確認しています。Slackのプロフィールのメールアドレスを確認中です…",
        "en": "{municipality} checks its members' e-mail addresses: checking the one in your Slack profile…",
    },
    "join_domain_refused": {
        "ja": "{municipality}に参加できるのは、{domains} のメールアドレスの職員です。"
        "Slackのプロフィールのメールアドレス（{shown}）では参加できませんでした。"
        "アドレスが違うときは、ワークスペースの管理者にプロフィールの変更を依頼してください。",
        "en": "{municipality} takes staff with an address at {domains}; the address in your Slack profile "
        "({shown}) is not one. If it is wrong, please ask your workspace's administrator to change it.",
    },
    "join_no_email": {
        "ja": "{municipality}はメールアドレスで参加を確認していますが、Slackからあなたの確認済みのメールアドレスを"
        "受け取れませんでした。ワークスペースの管理者か{municipality}のコーディネーターにご相談ください。",
        "en": "{municipality} checks members' e-mail addresses, but Slack gave me no confirmed address of yours. "
        "Please ask your workspace's administrator or {municipality}'s coordinator.",
    },
    "join_check_failed": {
        "ja": "いまSlackからメールアドレスを確認できませんでした。{municipality}への参加は登録されていません。"
        "しばらくしてから、もう一度 `/dx join {municipality}` をお試しください。",
        "en": "I couldn't check your e-mail address with Slack just now, so you have not joined {municipality}. "
        "Please try `/dx join {municipality}` again in a while.",
    },
    "join_requested": {
        "ja": "{municipality}への参加を申請しました。{municipality}のコーディネーターが承認すると、お知らせします。",
        "en": "You asked to join {municipality}. I'll let you know once its coordinator approves.",
    },
    "join_requested_already": {
        "ja": "{municipality}への参加は申請済みで、承認を待っています。承認されるとお知らせします。",
        "en": "Your request to join {municipality} is waiting for approval; I'll let you know.",
    },
    "join_requested_nobody": {
        "ja": "{municipality}への参加を申請しましたが、{municipality}にはまだ承認できるコーディネーターがいません。"
        "承認されるまでお待ちいただくか、県の担当者にご相談ください。",
        "en": "You asked to join {municipality}, but it has no coordinator who can approve yet. Please wait, or "
        "ask your prefecture's office.",
    },
    "join_approve_request": {
        "ja": "<@{user}> さんが{municipality}への参加を申請しています。{municipality}の職員であれば承認してください。",
        "en": "<@{user}> asks to join {municipality}. Please approve if they are {municipality}'s staff.",
    },
    "join_approve_button": {"ja": "承認する", "en": "Approve"},
    "join_deny_button": {"ja": "承認しない", "en": "Deny"},
    "join_approved_by": {
        "ja": "✅ <@{user}> さんの{municipality}への参加を承認しました（<@{by}>）。",
        "en": "✅ <@{user}> joined {municipality}, approved by <@{by}>.",
    },
    "join_denied_by": {
        "ja": "<@{user}> さんの{municipality}への参加は承認されませんでした（<@{by}>）。",
        "en": "<@{user}>'s request to join {municipality} was denied by <@{by}>.",
    },
    "join_decided_already": {
        "ja": "この申請はすでに処理されています。",
        "en": "This request has been dealt with already.",
    },
    "join_decide_refused": {
        "ja": "この申請を承認できるのは、{municipality}のコーディネーターと管理者だけです。",
        "en": "Only {municipality}'s coordinators and admins can decide this request.",
    },
    "join_you_approved": {
        "ja": "{municipality}への参加が承認されました。ようこそ！\n"
        "`/dx track ict` または `/dx track business` で学ぶコースを選んでください。",
        "en": "Your request to join {municipality} was approved. Welcome!\n"
        "Choose your track with `/dx track ict` or `/dx track business`.",
    },
    "join_you_denied": {
        "ja": "{municipality}への参加は承認されませんでした。所属が違うときは `/dx join 自治体名` で登録し直してください。"
        "心当たりがないときは、{municipality}のコーディネーターにご相談ください。",
        "en": "Your request to join {municipality} was not approved. If you belong elsewhere, use `/dx join` "
        "with its name; otherwise please ask {municipality}'s coordinator.",
    },
    "join_pending_title": {
        "ja": "*参加申請（{count}件）*",
        "en": "*Requests to join ({count})*",
    },
    "join_pending_line": {"ja": "<@{user}> さん（{age}）", "en": "<@{user}> ({age})"},
    "home_join_pending": {
        "ja": "{municipality}への参加を申請中です。コーディネーターが承認すると登録されます。",
        "en": "Your request to join {municipality} is waiting for its coordinator's approval.",
    },
    "audit_join": {"ja": "参加", "en": "joined"},
    "audit_leave": {"ja": "他の自治体へ移動", "en": "left for another municipality"},
    "audit_join_denied": {"ja": "参加申請を却下", "en": "request to join denied"},
}
