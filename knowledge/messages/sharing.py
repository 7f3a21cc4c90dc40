"""User-facing text: sharing and privacy."""

MESSAGES = {
    # --- sharing and privacy -------------------------------------------------------------------
    "sharing_thanks": {
        "ja": "💡 共有ありがとうございます！月曜の学び報告で紹介します。",
        "en": "💡 Thank you for sharing! It will appear in Monday's weekly digest.",
    },
    "sharing_course": {"ja": "講座「{title}」についての共有として記録しました。", "en": "Filed under “{title}”."},
    "sharing_as_name": {"ja": "お名前（{name}さん）を添えて紹介します。", "en": "It will show your name ({name})."},
    "sharing_anonymous": {
        "ja": "お名前は載りません（載せたいときは `/dx privacy names on`）。",
        "en": "Your name will not be shown (`/dx privacy names on` shows it).",
    },
    "sharing_modal_title": {"ja": "気づきを共有", "en": "Share a tip"},
    "sharing_modal_label": {
        "ja": "学んだこと・おすすめ・つまずいたところ",
        "en": "What you learned, a tip, a stumbling block",
    },
    "sharing_modal_placeholder": {
        "ja": "例: ITパスポート講座の3章の図解がわかりやすかったです",
        "en": "e.g. Chapter 3 of the IT Passport course explains networks well",
    },
    "sharing_modal_hint": {
        "ja": "月曜の学び報告で、参加自治体のみなさんに紹介します。",
        "en": "It will appear in Monday's digest for every participating municipality.",
    },
    "sharing_modal_submit": {"ja": "共有する", "en": "Share"},
    "sharing_modal_cancel": {"ja": "やめる", "en": "Cancel"},
    "sharing_modal_close": {"ja": "閉じる", "en": "Close"},
    "sharing_modal_invalid": {"ja": "1〜{limit}文字で書いてください。", "en": "Please write 1 to {limit} characters."},
    "privacy_usage": {
        "ja": "週報にお名前を載せるかどうかを選べます: `/dx privacy names on`（載せる）／`/dx privacy names off`"
        "（載せない）。いまは「{state}」です。",
        "en": "Choose whether the digest may show your name: `/dx privacy names on` or `/dx privacy names off`. "
        "Now: {state}.",
    },
    "privacy_state_on": {"ja": "載せる", "en": "shown"},
    "privacy_state_off": {"ja": "載せない", "en": "hidden"},
    "privacy_name_unavailable": {
        "ja": "Slack のプロフィールのお名前を読み取れなかったため、週報ではユーザー名「{name}」を載せます。"
        "プロフィールのお名前にしたいときは、少し時間をおいて `/dx privacy names on` をもう一度お試しください。",
        "en": 'I couldn\'t read your Slack profile name, so the digest will show your user name "{name}". '
        "To use your profile name, try `/dx privacy names on` again in a while.",
    },
    "privacy_on": {
        "ja": "週報で共有を紹介するとき、Slack のプロフィールのお名前を載せます。`/dx privacy names off` でいつでも戻せます。",
        "en": "The digest will show your name, as your Slack profile gives it, with your tips. "
        "`/dx privacy names off` hides it again.",
    },
    "privacy_off": {
        "ja": "週報にお名前を載せない設定にしました。共有は「〇〇市のメンバー」として紹介します。",
        "en": "The digest will not show your name; your tips appear as from “a member of your municipality”.",
    },
}
