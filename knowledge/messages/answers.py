"""User-facing text: answers."""

MESSAGES = {
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
    "share_only_asker": {
        "ja": "この回答を共有できるのは、質問した本人だけです。",
        "en": "Only the person who asked can share this answer.",
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
}
