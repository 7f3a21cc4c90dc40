"""Every user-facing string, Japanese first (the default) and English, written for non-technical staff.

It lives in knowledge/ because answers and subsidy notes are written in it too: handlers and bot import
downwards from here, and nothing below imports upwards."""

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
    # --- join and track ---------------------------------------------------------------------
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
    # --- answers ---------------------------------------------------------------------------------
    "cannot_answer": {
        "ja": "申し訳ありません。そのご質問にはナレッジベースの情報からお答えできません。\n"
        "dxbot がお答えできるのは、ラーニングパスと講座（ITパスポート・基本情報技術者試験の対策講座など）、"
        "Udemy Business の共同調達、群馬県のリスキリング支援、人材開発支援助成金、特別区のDX人材育成の提案と"
        "先進事例についてです。それ以外のことは、所属の研修担当・コーディネーターにお尋ねください。",
        "en": "Sorry, I can't answer that from my knowledge base.\n"
        "I can help with learning paths and courses (IT Passport, the 基本情報技術者試験 course and others), joint "
        "procurement of Udemy Business, Gunma's reskilling programme, the 人材開発支援助成金 subsidy, and the Tokyo "
        "special wards' DX training proposals and case studies. For anything else, please ask your coordinator.",
    },
    "related_entries": {"ja": "_関連: {titles}_", "en": "_Related: {titles}_"},
    "not_in_sources_name": {
        "ja": "申し訳ありません。手元の資料には「{names}」についての記載がないため、お答えできません。推測でのお答えは控えます。",
        "en": "Sorry, my sources say nothing about {names}, so I can't answer that. I won't guess.",
    },
    "not_in_sources_kind": {
        "ja": "申し訳ありません。お尋ねの{what}は、手元の資料には書かれていません。推測でのお答えは控えます。",
        "en": "Sorry, my sources do not give the {what} you ask for. I won't guess.",
    },
    "asked_amount": {"ja": "金額・割合", "en": "amount"},
    "asked_date": {"ja": "日付・期限", "en": "date"},
    "asked_count": {"ja": "数", "en": "number"},
    "asked_procedure": {"ja": "手続きの方法", "en": "procedure"},
    "asked_contact": {"ja": "連絡先・窓口", "en": "contact"},
    "asked_who": {"ja": "人・団体の名前", "en": "person or body"},
    "asked_topic": {"ja": "内容", "en": "information"},
    "close_in_sources": {
        "ja": "資料にある近い内容: {titles}",
        "en": "What my sources do say that is close: {titles}",
    },
    "ask_coordinator": {
        "ja": "詳しくは、所属の研修担当（コーディネーター）にお尋ねください。",
        "en": "For this, please ask your coordinator (the training contact in your municipality).",
    },
    "ask_labour_bureau": {
        "ja": "助成金について詳しくは、事業所を管轄する都道府県労働局またはハローワークにお問い合わせください。",
        "en": "For the subsidy, please ask the prefectural Labour Bureau (労働局) or Hello Work (ハローワーク) "
        "responsible for the company's workplace.",
    },
    "earlier_edition": {
        "ja": "以前の規則（{until} まで）: {title}",
        "en": "Earlier rules (until {until}): {title}",
    },
    "stale_entries": {
        "ja": "見直しの時期を過ぎた情報を含みます。その後変わっている可能性があります: {entries}",
        "en": "Some of this is past its review date and may be out of date: {entries}",
    },
    "stale_entry": {"ja": "{title}（最終確認 {checked}）", "en": "{title} (last checked {checked})"},
    "date_unknown": {"ja": "時点不明", "en": "date unknown"},
    "subsidy_footnote": {
        "ja": "{on} に適用される規則は {edition} 版です。",
        "en": "The rules in force on {on} are the {edition} edition.",
    },
    "subsidy_for_employers": {
        "ja": "人材開発支援助成金は、企業（雇用保険の適用事業主）が従業員の訓練に使う助成金です。"
        "自治体職員ご自身の研修費には使えません。",
        "en": "The 人材開発支援助成金 is for employers (companies under employment insurance) training their staff; "
        "it does not pay for municipal employees' own training.",
    },
    "subsidy_disclaimer": {
        "ja": "申請が受理されることは保証されません。申請前に最新の手引きと都道府県労働局でご確認ください。",
        "en": "Approval is not guaranteed; check the latest guide and the prefectural Labour Bureau before applying.",
    },
    "subsidy_course_ended": {
        "ja": "人材開発支援助成金（事業展開等リスキリング支援コース）は、{end} までの期間限定の措置で、すでに終了しています。",
        "en": "The 人材開発支援助成金 (事業展開等リスキリング支援コース) was a time-limited measure until {end} and has ended.",
    },
    "subsidy_usage": {
        "ja": "使い方: `/dx subsidy 60時間 30万円 中小`（訓練時間・1人あたりの経費・中小または大企業。"
        "人数 `5人`、受講形態 `eラーニング`・`通信制`・`定額制` も指定できます）",
        "en": "Usage: `/dx subsidy 60h 300000yen sme` (hours, cost per person, sme or large; "
        "optionally `5 people` and `elearning`, `correspondence` or `subscription`).",
    },
    "subsidy_result": {
        "ja": "*人材開発支援助成金（事業展開等リスキリング支援コース）の試算*（{edition}版の規則）\n"
        "1人あたり: 経費助成 {expense}円 ＋ 賃金助成 {wage}円 ＝ *{per_person}円*\n合計: *{total}円*",
        "en": "*Reskilling subsidy estimate* (rules as of {edition})\n"
        "Per person: expenses {expense} yen + wages {wage} yen = *{per_person} yen*\nTotal: *{total} yen*",
    },
    "subsidy_not_eligible": {
        "ja": "*この条件では助成の対象外です*（{edition}版の規則）",
        "en": "*Not eligible under these conditions* (rules as of {edition})",
    },
    "subsidy_note_edition": {
        "ja": "{edition}版の規則（{name}）で計算しました",
        "en": "Calculated with the rules as of {edition}.",
    },
    "subsidy_note_before_first": {
        "ja": "{on} は把握している最も古い規則（{edition}版）より前の日付のため、{edition}版で計算しました",
        "en": "{on} is before the earliest known edition ({edition}); its rules were used.",
    },
    "subsidy_note_past_until": {
        "ja": "{edition}版の適用期間は{until}までです。新しい規則が出ている可能性があります",
        "en": "The {edition} rules applied until {until}; newer rules may exist.",
    },
    "subsidy_note_course_ends": {
        "ja": "本コースは{end}までの期間限定措置のため、{on}時点では終了している可能性があります",
        "en": "This course is a time-limited measure ending {end}; it may have ended by {on}.",
    },
    "subsidy_note_under_min": {
        "ja": "訓練時間が{hours}時間未満のため対象外です",
        "en": "Training under {hours} hours is not eligible.",
    },
    "subsidy_note_yearly_cap": {
        "ja": "1事業所1年度あたりの助成限度額 {cap}円 を適用しました",
        "en": "Capped at the yearly limit of {cap} yen per establishment.",
    },
    "subsidy_note_person_cap": {
        "ja": "受講者1人あたりの経費助成限度額 {cap}円（{band}時間の区分）を適用しました",
        "en": "The per-person expense cap of {cap} yen for {band} hours applies.",
    },
    "subsidy_note_unconfirmed": {
        "ja": "要確認：{rule}は、確かめられた資料がないため試算に含めていません（{source}）",
        "en": "To be checked: {rule} is left out of this estimate, as no source confirms it ({source}).",
    },
    "subsidy_error_hours": {
        "ja": "訓練時間は0より大きく{most}以下の数で指定してください",
        "en": "Hours must be a number greater than 0 and at most {most}.",
    },
    "subsidy_error_cost": {
        "ja": "1人あたりの訓練経費は0以上{most}以下の整数（円）で指定してください",
        "en": "The cost per person must be whole yen, from 0 to {most}.",
    },
    "subsidy_error_people": {
        "ja": "受講人数は1以上{most}以下の整数で指定してください",
        "en": "The number of people must be a whole number from 1 to {most}.",
    },
    "subsidy_error_size": {
        "ja": "企業規模は「中小」か「大企業」で指定してください",
        "en": "Company size must be sme or large.",
    },
    "subsidy_error_delivery": {
        "ja": "受講形態は「集合」「eラーニング」「通信制」「定額制」のどれかで指定してください",
        "en": "Delivery must be classroom, elearning, correspondence or subscription.",
    },
    "subsidy_error_missing": {
        "ja": "{ja}が読み取れませんでした（例: `60時間 30万円 中小`、`60h 300000円 大企業 5人 eラーニング`）",
        "en": "Missing: {en} (e.g. `60h 300000yen sme 5 people elearning`).",
    },
    "subsidy_error_twice": {
        "ja": "{ja}が複数あります（例: `60時間 30万円 中小`）",
        "en": "{en} was given more than once (e.g. `60h 300000yen sme`).",
    },
    "subsidy_error_whole_yen": {
        "ja": "経費は円単位で指定してください（例: `30万円`）",
        "en": "The cost must be whole yen (e.g. `300000yen`).",
    },
    "thinking": {"ja": "調べています…", "en": "Looking that up…"},
    "waiting_in_line": {
        "ja": "順番待ちです（{place}番目）。前の質問に答え終わりしだい、順番にお答えします…",
        "en": "You are number {place} in line. I will answer as soon as the questions before yours are done…",
    },
    "busy": {
        "ja": "ただいま質問が混み合っています。申し訳ありませんが、少し時間をおいてもう一度お試しください。",
        "en": "I'm getting a lot of questions right now. Sorry — please try again in a little while.",
    },
    "question_too_long": {
        "ja": "ご質問が長すぎるため、お答えできませんでした（{length}文字）。{limit}文字以内に短くして、もう一度送ってください。",
        "en": "Your question is too long for me ({length} characters). Please shorten it to {limit} characters "
        "or fewer and send it again.",
    },
    "ask_usage": {
        "ja": "質問を添えてください。例: `/dx ask ITパスポートの講座は？`",
        "en": "Please add your question, e.g. `/dx ask which course for IT Passport?`",
    },
    "as_of_label": {"ja": "{date}時点", "en": "as of {date}"},
    "feedback_up": {"ja": "👍 役に立った", "en": "👍 Helpful"},
    "feedback_down": {"ja": "👎 役に立たなかった", "en": "👎 Not helpful"},
    "feedback_thanks": {
        "ja": "フィードバックありがとうございます。回答の改善に使わせていただきます。",
        "en": "Thank you for the feedback; it helps us improve the answers.",
    },
    "share_in_channel": {"ja": "チャンネルに共有", "en": "Share in channel"},
    "shared_by": {"ja": "<@{user}> さんが dxbot の回答を共有しました", "en": "<@{user}> shared an answer from dxbot"},
    "share_needs_invite": {
        "ja": "この会話には dxbot が参加していないため、回答を共有できませんでした。"
        "共有するには、チャンネルで `/invite @dxbot` と入力して dxbot を招待してから、もう一度「チャンネルに共有」を押してください。"
        "回答はこのまま残してあります。",
        "en": "I couldn't share the answer here because dxbot is not in this conversation. To share it, invite me "
        "with `/invite @dxbot` in the channel and press the share button again. The answer is still here for you.",
    },
    "answer_expired": {
        "ja": "この回答は見つかりませんでした。もう一度質問してください。",
        "en": "I couldn't find that answer any more; please ask again.",
    },
    "assistant_greeting": {
        "ja": "こんにちは、dxbot です。ラーニングパス・講座・助成金について、出典付きでお答えします。",
        "en": "Hello, I'm dxbot. Ask me about learning paths, courses and subsidies; I'll cite my sources.",
    },
    "home_intro": {
        "ja": "dxbot は、ラーニングパスと講座・助成金の質問に出典付きで答え、受講の記録と毎週の学び報告を手伝います。",
        "en": "dxbot answers questions on learning paths, courses and subsidies with sources, records your courses "
        "and shares a weekly digest.",
    },
    "prompt_it_passport": {"ja": "ITパスポートの講座は？", "en": "Which course for IT Passport?"},
    "prompt_subsidy_calc": {"ja": "助成金の計算", "en": "Estimate the subsidy"},
    "prompt_subsidy_calc_message": {
        "ja": "60時間・1人30万円・中小企業の場合の人材開発支援助成金はいくら？",
        "en": "How much is the reskilling subsidy for 60 hours, 300,000 yen per person, an SME?",
    },
    "prompt_joint_procurement": {"ja": "共同調達のメリットは？", "en": "Why procure Udemy jointly?"},
    "prompt_required_courses": {"ja": "事業系の必修講座は？", "en": "Required course for the business track?"},
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
    # --- roles, admin, channels and escalation -------------------------------------------------
    "admin_help": {
        "ja": (
            "*コーディネーター・管理者向け `/dx admin`*\n"
            "• `/dx admin members` … 自分の自治体のメンバー一覧\n"
            "• `/dx admin role @名前 coordinator` … 役割を変えます（learner／coordinator／admin。管理者は同じ都道府県の"
            "自治体のメンバーにも）\n"
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
            "their prefecture)\n"
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
        "ja": "使い方: `/dx admin role @名前 learner|coordinator|admin`",
        "en": "Usage: `/dx admin role @name learner|coordinator|admin`",
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
        "ja": "<#{channel}> は別の自治体のコーディネーターが設定したチャンネルのため、変更できません。",
        "en": "<#{channel}> was configured by another municipality's coordinator, so you can't change it.",
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
    # --- skill check ---------------------------------------------------------------------------
    "skill_check_title": {"ja": "DXスキルチェック", "en": "DX skill check"},
    "skill_check_submit": {"ja": "結果を見る", "en": "See my plan"},
    "skill_check_cancel": {"ja": "やめる", "en": "Cancel"},
    "skill_check_close": {"ja": "閉じる", "en": "Close"},
    "skill_check_intro": {
        "ja": "{count}問の質問に、いまの自分にいちばん近いものを選んでください（3分ほど）。"
        "答えから、おすすめのコース（ICT系／事業系）と講座を受ける順番（学習計画）をお示しします。"
        "結果はあなたの学習計画として保存されます。",
        "en": "Answer {count} questions with what is closest to you today (about 3 minutes). Your answers suggest a "
        "track (ICT or business) and the order to take courses in (your learning plan), which is saved for you.",
    },
    "skill_check_question": {"ja": "{number}. 【{area}】{text}", "en": "{number}. [{area}] {text}"},
    "skill_check_unanswered": {
        "ja": "この質問にお答えください（ほかの答えはそのまま残っています）。",
        "en": "Please answer this question (your other answers are kept).",
    },
    "skill_check_scores": {
        "ja": "*あなたのスキル*（各分野の得点率）",
        "en": "*Your skills* (share of each area's points)",
    },
    "skill_check_score_line": {"ja": "• {area}：{score}%", "en": "• {area}: {score}%"},
    "skill_check_track_ict": {
        "ja": "*おすすめのコース：ICT系デジタル人材*\n「{area}」が{score}%（{threshold}%以上）なので、"
        "専門的な知識で各所属をサポートする ICT系（基本情報技術者試験レベル）をおすすめします。",
        "en": "*Suggested track: ICT*\nYour {area} score is {score}% ({threshold}% or more), so the ICT track "
        "(Fundamental IT Engineer level, supporting other sections with specialist knowledge) fits you.",
    },
    "skill_check_track_business": {
        "ja": "*おすすめのコース：事業系デジタル人材*\n「{area}」が{score}%（{threshold}%未満）なので、"
        "業務の効率化や改善を進める事業系（ITパスポート試験レベル）から始めるのをおすすめします。",
        "en": "*Suggested track: business*\nYour {area} score is {score}% (under {threshold}%), so start with the "
        "business track (IT Passport level, improving and streamlining work).",
    },
    "skill_check_plan": {"ja": "*学習計画*（上から順に）", "en": "*Your learning plan* (in this order)"},
    "skill_check_plan_line": {"ja": "{number}. {title}（{reason}）", "en": "{number}. {title} ({reason})"},
    "skill_check_reason_required": {"ja": "必修", "en": "required"},
    "skill_check_reason_recommended": {"ja": "推奨", "en": "recommended"},
    "skill_check_reason_gap": {"ja": "「{area}」の強化", "en": "to strengthen {area}"},
    "skill_check_plan_done": {
        "ja": "おすすめの講座はすべて受講済みです。すばらしいです！",
        "en": "You have finished every course we would suggest. Well done!",
    },
    "skill_check_skipped": {
        "ja": "受講済みの{count}講座は計画から外しました。",
        "en": "{count} course(s) you already finished are left out.",
    },
    "skill_check_adopt": {"ja": "このコースで学ぶ", "en": "Choose this track"},
    "skill_check_on_track": {
        "ja": "いまのコースも「{track}」です。`/dx progress` で進み具合を確かめられます。",
        "en": "Your track is already the {track}. `/dx progress` shows where you stand.",
    },
    "skill_check_other_track": {
        "ja": "いまのコースは「{track}」です。変えるときは、右のボタンを押してください。",
        "en": "Your track is now the {track}. Press the button to change it.",
    },
    "skill_check_no_track": {
        "ja": "まだコースを選んでいません。このコースで学ぶときは、右のボタンを押してください。",
        "en": "You have not chosen a track yet. Press the button to take this one.",
    },
    "skill_check_saved": {
        "ja": "この結果は学習計画として保存しました。`/dx check` でいつでも受け直せます。",
        "en": "This result is saved as your learning plan. Take the check again any time with `/dx check`.",
    },
    # --- questions report
    "questions_report_unanswered_group": {"ja": "　• 「{text}」（{count}件）"},
    "questions_report_not_helpful": {"ja": "👎（役に立たなかった）がついた回答：{count}件"},
    "questions_report_pointer": {
        "ja": "🛠 コーディネーター向け：`dxbot questions report` で一覧（答えられなかった質問と 👎 の回答）"
    },
}


def t(key: str, lang: Lang = "ja", **values: object) -> str:
    texts = MESSAGES[key]
    return (texts.get(lang) or texts["ja"]).format(**values)


def bilingual(key: str, **values: object) -> str:
    """Japanese then English on one line, for text that must reach both (calculator notes, CLI errors)."""
    return f"{t(key, 'ja', **values)} / {t(key, 'en', **values)}"


def language_of(text: str | None) -> Lang:
    """English when someone writes Latin letters and no Japanese; Japanese otherwise (the default)."""
    if text and not is_japanese(text) and any(ch.isalpha() for ch in text):
        return "en"
    return "ja"
