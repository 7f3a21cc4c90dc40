"""Every user-facing string, Japanese first (the default) and English, written for non-technical staff."""

from __future__ import annotations

from knowledge.text import is_japanese

Lang = str  # "ja" | "en"

MESSAGES: dict[str, dict[Lang, str]] = {
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
            "• `/dx digest` … （コーディネーター向け）今週の週報をプレビューします\n"
            "チャンネルで @dxbot にメンションするか、DMで質問しても答えます。"
        ),
        "en": (
            "*How to use dxbot*\n"
            "• `/dx join Yokosuka` … register the municipality you belong to\n"
            "• `/dx track ict` or `/dx track business` … choose your learning track\n"
            "• `/dx done IT Passport` … record a course you finished (the name can be approximate)\n"
            "• `/dx undo IT Passport` … remove a record (without a name: your latest one)\n"
            "• `/dx progress` … your records and where you stand on your learning path\n"
            "• `/dx ask which course for IT Passport?` … ask about courses, learning paths and subsidies\n"
            "• `/dx subsidy 60h 300000yen sme` … estimate the 人材開発支援助成金 subsidy\n"
            "• `/dx share a tip` … share a tip for the weekly digest\n"
            "• `/dx privacy names on|off` … whether the digest may show your name (off by default)\n"
            "• `/dx digest` … (coordinators) preview this week's digest\n"
            "You can also mention @dxbot in a channel or send it a DM."
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
    "sorry_error": {
        "ja": "申し訳ありません。いま処理できませんでした。少し時間をおいてもう一度お試しください。"
        "同じ記録が二重になることはありません。",
        "en": "Sorry, I couldn't do that just now. Please try again in a moment; nothing will be recorded twice.",
    },
    # --- join and track ---------------------------------------------------------------------
    "join_usage": {
        "ja": "自治体名を添えてください。例: `/dx join 横須賀市`",
        "en": "Please add your municipality's name, e.g. `/dx join Yokosuka`.",
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
    "done_catalogue": {"ja": "カタログの講座: {titles}", "en": "Courses in the catalogue: {titles}"},
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
    "button_this_one": {"ja": "これです", "en": "This one"},
}


def t(key: str, lang: Lang = "ja", **values: object) -> str:
    texts = MESSAGES[key]
    return (texts.get(lang) or texts["ja"]).format(**values)


def language_of(text: str | None) -> Lang:
    """English when someone writes Latin letters and no Japanese; Japanese otherwise (the default)."""
    if text and not is_japanese(text) and any(ch.isalpha() for ch in text):
        return "en"
    return "ja"
