"""User-facing text: the weekly digest."""

MESSAGES = {
    # --- digest --------------------------------------------------------------------------------
    "digest_header": {"ja": "今週の学び報告（{week}・{first}〜{last}）"},
    "digest_prefecture_title": {"ja": "*{prefecture}の今週*"},
    "digest_totals": {
        "ja": "*{prefecture}の今週*　修了 *{completions}件*{completions_change}・学習 *{hours}時間*{hours_change}"
        "・学んだ人 *{learners}人*{learners_change}"
    },
    "digest_participation": {"ja": "👥 参加　{figures}"},
    "digest_members_active": {"ja": "メンバーの *{percent}* が今週学習（{learners}/{members}人）"},
    "digest_licences_used": {"ja": "ライセンス *{percent}* 利用中（{used}/{allocated}・直近30日）"},
    "digest_active_municipalities": {"ja": "動きのあった自治体 {active}/{total}"},
    "digest_movers_title": {"ja": "🚀 *今週ぐんと伸びた自治体*（メンバー1人あたりの修了の増え方）"},
    "digest_mover": {"ja": "• {name}　1人あたり +{per_member}件（+{change}件）"},
    "digest_milestone_counts": {"ja": "🎉 *おめでとうございます*　{counts}（自治体名はスレッドに）"},
    "digest_count_first_completion": {"ja": "はじめての修了 {count}自治体"},
    "digest_count_cumulative": {"ja": "累計{value}件 {count}自治体"},
    "digest_count_path_finished": {"ja": "必修をすべて修了 {count}人"},
    "digest_shares_in_thread": {"ja": "ほか{count}件はスレッドに"},
    "digest_shares_more_title": {"ja": "💡 *ほかの気づき・おすすめ*"},
    "digest_own_title": {"ja": "*この自治体の今週*"},
    "digest_nothing_yet": {
        "ja": "今週の記録はまだありません。講座を終えたら `/dx done 講座名` で記録すると、ここに載ります。"
    },
    "digest_top_courses": {"ja": "📚 よく修了された講座：{courses}"},
    "digest_course_count": {"ja": "{title}（{count}件）"},
    "digest_change_up": {"ja": "（先週比 +{n}）"},  # not ▲: in public-sector notation ▲ is a minus
    "digest_change_down": {"ja": "（先週比 −{n}）"},
    "digest_change_same": {"ja": "（先週と同じ）"},
    "digest_municipalities_title": {"ja": "*自治体ごとの様子*（市区町村コード順）"},
    "digest_line": {"ja": "• *{name}*　{figures}"},
    "digest_part_completions": {"ja": "修了{count}件{change}"},
    "digest_part_hours": {"ja": "{hours}時間"},
    "digest_part_learners": {"ja": "{count}人が学習"},
    "digest_part_new_members": {"ja": "新メンバー{count}人"},
    "digest_part_path": {"ja": "必修修了{percent}%"},
    "digest_quiet": {"ja": "🌱 今週はひと休み（{count}自治体）。次の一歩を楽しみにしています："},
    "digest_shares_title": {"ja": "💡 *みんなの気づき・おすすめ*"},
    "digest_share": {"ja": "• 「{text}」— {who}{course}"},
    "digest_share_named": {"ja": "{municipality}・{name}さん"},
    "digest_share_anonymous": {"ja": "{municipality}のメンバー"},
    "digest_share_somewhere": {"ja": "参加メンバー"},
    "digest_share_course": {"ja": "（{title}）"},
    "digest_milestones_title": {"ja": "🎉 *おめでとうございます*"},
    "digest_milestone_first_completion": {"ja": "• はじめての修了記録！（{count}自治体）："},
    "digest_milestone_cumulative": {"ja": "• 累計{value}件を達成（{count}自治体）："},
    "digest_milestone_path_finished": {"ja": "• 今週、必修講座をすべて修了した人が{value}人："},
    "digest_milestone_people": {"ja": "{municipality} {count}人"},
    "digest_questions": {"ja": "❓ *今週の質問* {asked}件　よく聞かれたこと：{topics}"},
    "digest_unanswered": {"ja": "答えが見つからなかった質問：{count}件（ナレッジ追加のヒントになります）"},
    "digest_topic_count": {"ja": "{topic}（{count}件）"},
    "digest_footer": {
        "ja": "記録は `/dx done`、気づきの共有は `/dx share` から。お名前は `/dx privacy names on` にした方だけ載ります。"
    },
    "digest_continued": {
        "ja": "🧵 自治体ごとの様子（市区町村コード順）と達成した自治体の名前はスレッドに（{count}件）"
    },
    "digest_continued_own": {"ja": "🧵 続きはスレッドに（{count}件）"},
    "digest_continued_when_posted": {
        "ja": "🧵 投稿時には、自治体ごとの様子（市区町村コード順）と達成した自治体の名前をスレッドに載せます（{count}件）"
    },
    "digest_shares_more": {"ja": "ほか{count}件（`dxbot digest preview` ですべて見られます）"},
    "digest_without_members": {"ja": "まだ参加メンバーのいない自治体：{count}（`/dx join 自治体名` で参加できます）"},
    "digest_continuation": {"ja": "今週の学び報告（{week}）の続き {n}/{total}"},
    # The chart's labels stay ASCII: the server may have no Japanese font.
    "digest_chart_title": {"ja": "Completions per week"},
    "digest_chart_comment": {"ja": "📈 {prefecture}の直近{weeks}週の修了件数（いちばん右が今週）"},
    "digest_chart_file_title": {"ja": "学び報告 {week} 修了件数の推移"},
    "digest_preview_note": {
        "ja": "👀 プレビューです（チャンネルにはまだ投稿していません）。",
        "en": "👀 A preview: nothing has been posted to the channel yet.",
    },
    "digest_preparing": {"ja": "今週の週報を集計しています…", "en": "Putting this week's digest together…"},
    "digest_for_coordinators": {
        "ja": "週報のプレビューはコーディネーター向けの機能です。コーディネーターになるには、"
        "管理者に `dxbot members role {user} coordinator` の実行を依頼してください。",
        "en": "The digest preview is for coordinators. To become one, ask an admin to run "
        "`dxbot members role {user} coordinator`.",
    },
    "digest_join_first": {
        "ja": "先に `/dx join 自治体名` で所属する自治体を登録してください。週報のプレビューは、その自治体が属する県の分をお見せします。",
        "en": "Please register your municipality first with `/dx join`: the preview shows its prefecture's digest.",
    },
    "digest_error_channel_not_found": {
        "en": "channel {channel} was not found: put its ID (C…, not its #name) in {setting}, "
        "in the workspace the bot token belongs to"
    },
    "digest_error_not_in_channel": {
        "en": "dxbot is not in channel {channel}: invite it there (/invite @dxbot), then run `dxbot digest send` again"
    },
    "digest_error_is_archived": {
        "en": "channel {channel} is archived: unarchive it, or set another channel in {setting}"
    },
    "digest_error_other": {"en": "Slack refused the post to {channel} ({error})"},
    "digest_error_no_shared_channel": {
        "en": "{prefecture} has no shared channel: set one with `dxbot prefectures set {prefecture} --channel C…` "
        "(DXBOT_DIGEST_CHANNEL serves only a prefecture that is the only one without a channel)"
    },
    "digest_error_thread": {
        "en": "posted, but part of its thread failed ({error}); the next `dxbot digest send` finishes it"
    },
    "digest_setting_shared": {
        "en": "the prefecture's shared channel (`dxbot prefectures set NAME --channel`, or DXBOT_DIGEST_CHANNEL)"
    },
    "digest_setting_municipality": {"en": "the municipality's digest channel (`dxbot municipalities add … --channel`)"},
}
