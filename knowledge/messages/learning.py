"""User-facing text: tracks, done / undo / progress."""

MESSAGES = {
    # --- tracks ---------------------------------------------------------------------------
    "track_usage": {
        "ja": "`/dx track ict`（ICT系：基本情報技術者試験レベル）または `/dx track business`"
        "（事業系：ITパスポート試験レベル）と入力してください。",
        "en": "Type `/dx track ict` (ICT track, 基本情報技術者試験 level) or `/dx track business` "
        "(business track, IT Passport level).",
    },
    "track_ok": {"ja": "学ぶコースを「{track}」にしました。", "en": "Your track is now “{track}”."},
    "track_ict": {"ja": "ICT系デジタル人材", "en": "ICT track"},
    "track_business": {"ja": "事業系デジタル人材", "en": "business track"},
    "track_common": {"ja": "共通（推奨）", "en": "common (recommended)"},
    # --- done / undo / progress -------------------------------------------------------------
    "done_usage": {
        "ja": "終えた講座名を添えてください。例: `/dx done ITパスポート`",
        "en": "Please add the course you finished, e.g. `/dx done IT Passport`.",
    },
    "done_recorded": {
        "ja": ":tada: 記録しました: *{title}*{hours}\nおつかれさまでした！",
        "en": ":tada: Recorded: *{title}*{hours}\nWell done!",
    },
    "done_hours": {"ja": "（{hours}時間）", "en": " ({hours} h)"},
    "done_already": {
        "ja": "*{title}* は {date} に記録済みです。二重には記録していません。",
        "en": "*{title}* was already recorded on {date}; nothing was added twice.",
    },
    "done_choose": {
        "ja": "「{text}」に近い講座がいくつかあります。どれを終えましたか？",
        "en": "Several courses look like “{text}”. Which one did you finish?",
    },
    "done_confirm_one": {
        "ja": "「{text}」はこちらの講座のことでしょうか？",
        "en": "Did you mean this course for “{text}”?",
    },
    "done_none": {
        "ja": "「{text}」に当てはまる講座がカタログに見つかりませんでした。",
        "en": "I couldn't find “{text}” in the course catalogue.",
    },
    "catalogue_picks": {"ja": "Udemy Business の講座から:", "en": "From the Udemy Business catalogue:"},
    "catalogue_picks_only": {
        "ja": "Udemy Business の講座では、次のものが合いそうです:",
        "en": "These Udemy Business courses look like a fit:",
    },
    "course_on_path": {"ja": "ラーニングパスの講座", "en": "on the learning path"},
    "course_hours": {"ja": "約{hours}時間", "en": "about {hours} h"},
    "course_details": {"ja": "（{details}）", "en": " ({details})"},
    "done_catalogue": {"ja": "ラーニングパスの講座: {titles}", "en": "Courses on the learning paths: {titles}"},
    "done_record_as_written": {"ja": "「{text}」のまま記録する", "en": "Record “{text}” as written"},
    "done_free_recorded": {
        "ja": ":memo: 「{title}」をカタログ外の講座として記録しました。",
        "en": ":memo: Recorded “{title}” as a course outside the catalogue.",
    },
    "done_join_hint": {
        "ja": "※ まだ自治体が登録されていません。`/dx join 自治体名` で登録すると週報に反映されます。",
        "en": "Note: you haven't joined a municipality yet; `/dx join <name>` adds you to the weekly digest.",
    },
    "undo_ok": {"ja": "記録を取り消しました: *{title}*", "en": "Removed your record: *{title}*"},
    "undo_none": {
        "ja": "取り消せる記録が見つかりませんでした。`/dx progress` で記録を確認できます。",
        "en": "I found no record to remove. `/dx progress` shows your records.",
    },
    "progress_title": {"ja": "あなたの学習記録", "en": "Your learning record"},
    "progress_empty": {
        "ja": "まだ記録がありません。講座を終えたら `/dx done 講座名` で記録しましょう。",
        "en": "No records yet. When you finish a course, record it with `/dx done <course>`.",
    },
    "progress_summary": {
        "ja": "{count}講座・合計{hours}時間（時間が分かる講座のみ）",
        "en": "{count} courses, {hours} hours in total (courses with known hours)",
    },
    "progress_path": {"ja": "*ラーニングパス（{track}）*", "en": "*Learning path ({track})*"},
    "progress_no_track": {
        "ja": "学ぶコースが未登録です。`/dx track ict` または `/dx track business` で登録すると、"
        "必修・推奨講座の進み具合を表示します。",
        "en": "No track yet: `/dx track ict` or `/dx track business` shows your required and recommended courses.",
    },
    "progress_required": {"ja": "必修", "en": "required"},
    "progress_recommended": {"ja": "推奨", "en": "recommended"},
    "progress_municipality": {"ja": "所属: {name}", "en": "Municipality: {name}"},
}
