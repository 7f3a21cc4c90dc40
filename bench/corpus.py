"""Generated data for measuring retrieval at scale (issue I): knowledge-base entries that read like any city's FAQ
but answer none of tests/eval/questions.yaml, and a course catalogue shaped like Udemy Business's.

    python -m bench.corpus kb DIR --entries 10000 [--seed 0]
    python -m bench.corpus courses PATH --count 30000 --format csv|json [--seed 0]

The distractors share the everyday words of municipal notices (職員, 申請, 補助金, 窓口, 令和6年度, オンライン…) so
they compete in the ranking the way a real deployment's own entries would, yet they are about other services
(ごみ収集, 住民票, 防災訓練…) in places and with names no question mentions: a hit@3 that drops at scale is then the
search's fault, never the data's. Everything is drawn from one seeded random.Random, so the same arguments write
the same files byte for byte, and a benchmark run can be repeated.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

# libyaml's emitter where PyYAML was built with it: 100,000 entries write several times faster.
YamlDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SOURCE = {"document": "生成された模擬データ（ベンチマーク用） / generated distractor", "file": "bench/corpus.py"}
API_PAGE_URL = "https://example.udemy.com/api-2.0/organizations/1/courses/list/"
CSV_HEADER = ("id", "title", "url", "headline", "estimated_content_length", "locale")
# The learning paths' own courses (knowledge/data/courses.yaml): a generated course with one of these titles would
# make matching a member's 「受講した」 ambiguous for a reason no real catalogue has.
PATH_COURSE_TITLES = frozenset(
    {
        "基本情報技術者試験 最速合格講座",
        "たった10時間で社会人に必要なIT基礎知識が全て身につく!",
        "手を動かして学ぶプロセス改革!",
        "DXの取り組み方と心構え【自治体職員対象】",
        "システムを作らせる技術(要求事項編)",
    }
)

Pair = tuple[str, str]  # (Japanese, English)


def _words(text: str) -> tuple[str, ...]:
    """Long lists of single words kept as text, which reads as one."""
    return tuple(text.split())


def _cells(table: str) -> tuple[str, ...]:
    """A table whose cells may hold spaces, separated by "|" or a line break: "Python | Ruby on Rails" →
    ("Python", "Ruby on Rails")."""
    return tuple(cell.strip() for line in table.splitlines() for cell in line.split("|") if cell.strip())


def _pairs(table: str) -> tuple[Pair, ...]:
    """A table of names and their English, "旭川市 Asahikawa City | …" → (("旭川市", "Asahikawa City"), …)."""
    return tuple((ja, en) for ja, en in (cell.split(maxsplit=1) for cell in _cells(table)))


# Names and words the evaluation questions are about: no distractor may contain one (tests/test_corpus.py checks,
# adding every 〜県/〜市/〜町/〜区 of the questions): the questions' places (those asked about only in English in both
# scripts), the off-topic questions' subjects, and the words that name what a question asks about.
FORBIDDEN = _words(
    """
    Udemy ユーデミー ITパスポート iパス 基本情報 人材開発支援助成金 助成金 リスキリング ラーニングパートナー
    ベネッセ Benesse 共同調達 神奈川 Kanagawa 群馬 Gunma 横須賀 東京 Tokyo 特別区 北海道 Hokkaido 静岡 Shizuoka
    高崎 Takasaki 前橋 Maebashi 練馬 Nerima 福岡 Fukuoka 相模原 Sagamihara 鳥取 Tottori 埼玉 Saitama 千葉 横浜
    川崎 長野 Nagano 渋谷 品川 板橋 北九州 Kitakyushu 小国 Oguni 新宿 Shinjuku 大分 熊本 栃木 大阪
    DX 人材育成 デジタル人材 スキル ラーニングパス 必修 講習 心構え 要求事項 プロセス改革 調達 入札 メリット
    スマホ スマートフォン デジタルデバイド 内製 アプリ RPA kintone KPI KGI 採用 任期付 フルリモート 書かない窓口
    アクセシビリティ セミナー 伴走 効果検証 有料 無料 集合研修 賃金 中小企業 大企業 事業所 計画届 リテラシー
    天気 株価 トヨタ プリンター 紙詰まり IT導入 持続化 住宅ローン 減税 有給休暇 温泉 旅館 ランチ 巨人 寿司
    subsidy grant reskilling procurement course learning digital weather printer sushi restaurant dxbot
    """
)


# --- the knowledge base ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Topic:
    """A municipal service a distractor can be about; its templates take the fillers of `_fillers`."""

    kinds: tuple[str, ...]
    department: Pair
    tags: tuple[str, ...]
    subjects: tuple[Pair, ...]
    titles: tuple[Pair, ...]
    openings: tuple[Pair, ...]
    details: tuple[Pair, ...]


_TOPICS = (
    _Topic(
        ("programme", "policy"),
        ("危機管理課", "Crisis Management Division"),
        ("防災訓練", "避難", "防災", "自主防災組織"),
        (
            ("総合防災訓練", "comprehensive disaster drill"),
            ("避難所開設訓練", "shelter opening drill"),
            ("津波避難訓練", "tsunami evacuation drill"),
            ("土砂災害避難訓練", "landslide evacuation drill"),
            ("夜間避難訓練", "night-time evacuation drill"),
            ("図上訓練", "tabletop exercise"),
        ),
        (
            ("{place}{subject}の実施について（{fy}）", "{place_en}: {subject_en} ({fy_en})"),
            ("{district}地区で{subject}を行います", "{subject_en} in the {district_en} area"),
            ("{subject}の参加申込みと当日の持ち物", "{subject_en}: signing up and what to bring"),
            ("{subject}の実施結果", "Results of the {subject_en}"),
        ),
        (
            (
                "{place}では{date}に{district}地区で{subject}を実施します。",
                "{place_en} holds a {subject_en} in the {district_en} area on {date_en}.",
            ),
            (
                "{fy}の{subject}は{venue}を会場に、{residents}と{office}の職員が参加して行われました。",
                "The {fy_en} {subject_en} took place at {venue_en} with residents and city officers.",
            ),
        ),
        (
            ("当日は{venue}に集合し、避難経路と安否確認の手順を実際に確かめます。", "Participants meet at {venue_en}."),
            ("雨天の場合は内容を一部変更し、屋内での訓練に切り替えます。", "In rain it moves indoors."),
            ("参加者には非常食と防災マップを配布します。", "Emergency food and hazard maps are handed out."),
            (
                "前回は{count}人が参加し、避難所の受付に平均{minutes}分かかりました。",
                "{count} people took part last time.",
            ),
            (
                "自主防災組織の資機材購入には1団体あたり{fee}を上限に補助金を交付します。",
                "Neighbourhood groups get up to {fee_en} for equipment.",
            ),
            ("避難情報は防災メールとオンラインの防災ポータルでもお知らせします。", "Alerts also go out by email."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("子育て支援課", "Child and Family Support Division"),
        ("子育て支援", "保育", "児童", "子ども"),
        (
            ("児童手当", "child allowance"),
            ("保育所の入所申請", "nursery admission"),
            ("一時預かり事業", "temporary childcare"),
            ("病児保育", "sick-child care"),
            ("ファミリー・サポート事業", "family support scheme"),
            ("乳幼児健康診査", "infant health check"),
            ("子育て支援センター", "childcare support centre"),
        ),
        (
            ("{subject}の申請方法（{fy}）", "How to apply for {subject_en} ({fy_en})"),
            ("{place}の{subject}について", "{place_en}: {subject_en}"),
            ("{subject}の受付期限と必要書類", "{subject_en}: deadline and documents"),
            ("{subject}「{nickname}」のご案内", "The {nickname_en} {subject_en}"),
        ),
        (
            (
                "{place}の{subject}は、{residents}の保護者を対象にした制度です。",
                "{place_en} offers {subject_en} to parents living in the city.",
            ),
            (
                "{fy}の{subject}の申請を{date}から受け付けます。",
                "Applications for {subject_en} in {fy_en} open on {date_en}.",
            ),
        ),
        (
            ("対象は市内に住所がある0歳から小学校就学前までの子どもです。", "Children under school age are eligible."),
            (
                "利用料は1日{small_fee}で、ひとり親世帯は減額されます。",
                "It costs {small_fee_en} a day, less for single parents.",
            ),
            ("定員は{count}人で、申込みが多い場合は抽選となります。", "Places are limited to {count}."),
            ("申請書は{dept}の窓口のほか、オンライン申請でも提出できます。", "Forms go to the counter or online."),
            ("{date}に{venue}で保護者向けの説明会を開きます。", "A briefing for parents is held on {date_en}."),
        ),
    ),
    _Topic(
        ("policy", "programme"),
        ("環境政策課", "Environmental Policy Division"),
        ("ごみ収集", "分別", "リサイクル", "清掃"),
        (
            ("粗大ごみ", "bulky waste"),
            ("資源ごみ", "recyclables"),
            ("燃やすごみ", "burnable waste"),
            ("プラスチック製容器包装", "plastic packaging"),
            ("小型家電", "small appliances"),
            ("剪定枝", "garden prunings"),
            ("年末年始のごみ収集", "New Year waste collection"),
        ),
        (
            ("{subject}の出し方と収集日", "{subject_en}: how and when to put it out"),
            ("{place}の{subject}の収集について", "{place_en}: {subject_en} collection"),
            ("{district}地区の{subject}収集日の変更", "Collection day change for {subject_en} in {district_en}"),
            ("{subject}の処理手数料（{fy}改定）", "{subject_en} fees revised in {fy_en}"),
        ),
        (
            (
                "{district}地区の{subject}は、{date}から収集日が{weekday}曜日に変わります。",
                "From {date_en}, {subject_en} in {district_en} is collected on a different day.",
            ),
            (
                "{place}では{subject}を指定の集積所で収集しています。",
                "{place_en} collects {subject_en} at designated points.",
            ),
        ),
        (
            ("収集日の朝8時30分までに集積所へ出してください。", "Put it out by 8:30 on collection day."),
            (
                "処理手数料は1点につき{small_fee}で、事前の申込みが必要です。",
                "The fee is {small_fee_en} per item, booked ahead.",
            ),
            ("申込みは{dept}の受付窓口かオンラインの受付フォームで受け付けます。", "Book at the counter or online."),
            ("{fy}は{count}件の収集申込みがありました。", "{count} bookings were made in {fy_en}."),
            ("分別の方法は{residents}向けのごみ分別ガイドで確認できます。", "See the sorting guide."),
        ),
    ),
    _Topic(
        ("policy",),
        ("市民課", "Residents Division"),
        ("住民票", "証明書", "戸籍", "窓口"),
        (
            ("住民票の写し", "certificate of residence"),
            ("印鑑登録証明書", "seal registration certificate"),
            ("戸籍謄本", "family register copy"),
            ("転入届", "moving-in notification"),
            ("転出届", "moving-out notification"),
            ("証明書の郵送請求", "certificates by post"),
            ("証明書のコンビニ交付", "certificates at convenience stores"),
        ),
        (
            ("{subject}の請求方法", "How to request a {subject_en}"),
            ("{place}の{subject}の手続き", "{place_en}: {subject_en}"),
            ("{subject}の手数料と受付時間", "{subject_en}: fees and opening hours"),
            ("{subject}を代理人が申請するとき", "Requesting a {subject_en} on someone's behalf"),
        ),
        (
            (
                "{subject}は{office}1階の{dept}窓口で請求できます。",
                "A {subject_en} can be requested at the {dept_en} counter.",
            ),
            ("{place}では{date}から{subject}の受付時間を延長します。", "{place_en} extends hours from {date_en}."),
        ),
        (
            ("手数料は1通{small_fee}です。", "Each copy costs {small_fee_en}."),
            ("受付時間は平日の午前8時30分から午後5時15分までです。", "Open weekdays 8:30-17:15."),
            ("本人確認書類として運転免許証などをお持ちください。", "Bring photo identification."),
            ("代理人が申請する場合は委任状が必要です。", "Proxies need a letter of authorisation."),
            ("毎月第{nth}土曜日の午前中は休日窓口を開設しています。", "A Saturday counter opens monthly."),
            ("混雑状況は{office}のウェブサイトからオンラインで確認できます。", "Waiting times are shown online."),
        ),
    ),
    _Topic(
        ("policy", "procurement"),
        ("道路維持課", "Road Maintenance Division"),
        ("道路", "補修", "道路維持", "通報"),
        (
            ("道路の陥没", "potholes"),
            ("街路灯の故障", "broken street lights"),
            ("カーブミラー", "traffic mirrors"),
            ("歩道の段差", "uneven pavements"),
            ("側溝の清掃", "gutter cleaning"),
            ("冬季の除雪", "winter snow clearing"),
            ("舗装の打ち換え工事", "road resurfacing works"),
        ),
        (
            ("{subject}を見つけたときの連絡先", "Reporting {subject_en}"),
            ("{district}地区の{subject}（{fy}）", "{subject_en} in {district_en} ({fy_en})"),
            ("{place}の{subject}への対応", "{place_en}: dealing with {subject_en}"),
            ("{subject}の業者選定について", "Choosing a contractor for {subject_en}"),
        ),
        (
            ("{place}では{subject}の通報を{dept}で受け付けています。", "{place_en} takes reports of {subject_en}."),
            (
                "{fy}は{district}地区を中心に{subject}を計画的に進めます。",
                "In {fy_en} work on {subject_en} focuses on {district_en}.",
            ),
        ),
        (
            ("通報の際は場所が分かる写真を添えてください。", "Send a photo of the place."),
            ("夜間や休日は{office}の守衛室で受け付けます。", "Out of hours, call the office guard room."),
            ("{fy}の予算額は{budget}で、{count}か所の補修を予定しています。", "The {fy_en} budget is {budget_en}."),
            ("工事期間は{date}から約{weeks}週間で、片側交互通行となります。", "Works start on {date_en}."),
            (
                "見積りは市内業者{small_count}社から取り、仕様書は担当課で閲覧できます。",
                "Quotes come from local firms.",
            ),
        ),
    ),
    _Topic(
        ("case", "programme"),
        ("観光振興課", "Tourism Promotion Division"),
        ("観光振興", "観光", "イベント", "地域振興"),
        (
            ("観光パンフレット", "tourist brochure"),
            ("夏祭り", "summer festival"),
            ("観光案内所", "tourist information centre"),
            ("花火大会", "fireworks festival"),
            ("観光ボランティアガイド", "volunteer guides"),
            ("物産展", "local products fair"),
            ("イベント開催補助金", "event support"),
        ),
        (
            ("{place}の{subject}（{fy}）", "{place_en} {subject_en} ({fy_en})"),
            ("{subject}「{nickname}」の取組", "The {nickname_en} {subject_en}"),
            ("{subject}の出店者募集", "Stallholders wanted for the {subject_en}"),
            ("{subject}の来場者数と経済効果", "{subject_en}: visitors and local spending"),
        ),
        (
            (
                "{place}は{fy}、{subject}「{nickname}」に取り組みました。",
                "{place_en} ran the {nickname_en} {subject_en} in {fy_en}.",
            ),
            (
                "{date}に{district}地区で{subject}を開催します。",
                "The {subject_en} is held in {district_en} on {date_en}.",
            ),
        ),
        (
            ("来場者は前年比{pct}%増の{count}人でした。", "Visitors rose {pct}% to {count}."),
            ("商店街と連携し、オンラインで周遊スタンプラリーも実施しました。", "An online stamp rally ran with shops."),
            ("補助金の上限は{fee}で、申請期限は{deadline}です。", "Support of up to {fee_en}; apply by {deadline_en}."),
            ("{fy}の関連予算は{budget}です。", "The {fy_en} budget is {budget_en}."),
            ("運営は観光協会と{dept}の職員が担当します。", "The tourism association runs it with the city."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("高齢福祉課", "Elderly Welfare Division"),
        ("高齢者福祉", "介護", "見守り", "地域包括"),
        (
            ("要介護認定", "long-term care certification"),
            ("地域包括支援センター", "community care centre"),
            ("配食サービス", "meal delivery"),
            ("見守り事業", "wellbeing check visits"),
            ("紙おむつの支給", "incontinence supplies"),
            ("敬老祝い金", "longevity gift"),
            ("介護予防教室", "care prevention classes"),
        ),
        (
            ("{subject}の利用方法", "Using the {subject_en}"),
            ("{place}の{subject}（{fy}）", "{place_en} {subject_en} ({fy_en})"),
            ("{subject}の対象者と申請先", "{subject_en}: who can apply and where"),
            ("{subject}「{nickname}」について", "The {nickname_en} {subject_en}"),
        ),
        (
            (
                "{place}の{subject}は、65歳以上の{residents}とその家族が利用できます。",
                "In {place_en}, residents aged 65+ and their families can use the {subject_en}.",
            ),
            ("{fy}から{subject}の内容を一部見直しました。", "The {subject_en} was revised in {fy_en}."),
        ),
        (
            ("申請は{dept}または各地区の地域包括支援センターで受け付けます。", "Apply at the division or care centre."),
            ("利用者負担は1回{small_fee}です。", "Each use costs {small_fee_en}."),
            ("{fy}は{count}人が利用しました。", "{count} people used it in {fy_en}."),
            ("民生委員と連携し、{district}地区で訪問を行っています。", "Welfare volunteers visit in {district_en}."),
            ("介護予防の教室は{venue}で毎月第{nth}{weekday}曜日に開いています。", "Classes meet monthly."),
            ("介護予防講座の受講者は{fy}に{count}人となり、事業の対象を広げました。", "Class attendance grew."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("中央図書館", "Central Library"),
        ("図書館", "読書", "貸出", "生涯学習"),
        (
            ("図書の貸出", "book loans"),
            ("予約サービス", "reservations"),
            ("電子書籍サービス", "e-book service"),
            ("移動図書館", "mobile library"),
            ("読み聞かせ会", "storytime"),
            ("相互貸借", "inter-library loans"),
            ("図書館カード", "library card"),
        ),
        (
            ("{subject}の利用案内", "Guide to {subject_en}"),
            ("{place}立図書館の{subject}", "{place_en} libraries: {subject_en}"),
            ("{subject}の休止と再開のお知らせ（{fy}）", "{subject_en} paused and resumed ({fy_en})"),
            ("{district}分館の{subject}", "{subject_en} at the {district_en} branch"),
        ),
        (
            ("{place}の図書館では{subject}を行っています。", "{place_en}'s libraries offer {subject_en}."),
            ("{date}から{subject}の受付方法が変わります。", "From {date_en} {subject_en} works differently."),
        ),
        (
            ("貸出は1人{small_count}冊まで、期間は2週間です。", "Loans last two weeks."),
            ("図書館カードがあればオンラインで予約できます。", "Card holders can reserve online."),
            ("開館時間は午前9時から午後7時までで、毎週{weekday}曜日は休館です。", "Open 9:00-19:00."),
            ("{fy}の蔵書数は約{count}冊になりました。", "The collection reached about {count} books."),
            ("{district}分館は改修工事のため{date}まで休館します。", "The branch is closed for works."),
            ("{venue}では{residents}向けのパソコン講座も開いています。", "Computer classes are held too."),
        ),
    ),
    _Topic(
        ("policy",),
        ("水道局お客さまセンター", "Waterworks Customer Centre"),
        ("水道", "上下水道", "料金", "漏水"),
        (
            ("水道の使用開始", "starting a water supply"),
            ("水道料金", "water charges"),
            ("漏水の修理", "leak repairs"),
            ("水道メーターの検針", "meter readings"),
            ("給水装置工事", "service pipe works"),
            ("水道管の凍結防止", "frozen pipes"),
            ("下水道使用料", "sewerage charges"),
        ),
        (
            ("{subject}の手続き", "{subject_en}: the procedure"),
            ("{place}の{subject}（{fy}）", "{place_en} {subject_en} ({fy_en})"),
            ("{subject}についてよくある質問", "FAQ on {subject_en}"),
            ("{district}地区の{subject}", "{subject_en} in {district_en}"),
        ),
        (
            ("{subject}は{dept}で受け付けています。", "The {dept_en} handles {subject_en}."),
            ("{place}では{fy}から{subject}の取扱いを見直しました。", "{place_en} revised {subject_en} in {fy_en}."),
        ),
        (
            (
                "引越しの3日前までにオンラインか窓口で申し込んでください。",
                "Apply three days ahead, online or in person.",
            ),
            ("基本料金は2か月で{small_fee}です。", "The base charge is {small_fee_en} for two months."),
            ("口座振替の申込みは金融機関の窓口でもできます。", "Direct debit can be set up at a bank."),
            ("漏水が疑われる場合は指定工事店に修理を依頼してください。", "Call an approved plumber for leaks."),
            ("{fy}は{count}件の問合せがありました。", "{count} enquiries came in {fy_en}."),
        ),
    ),
    _Topic(
        ("policy",),
        ("税務課", "Taxation Division"),
        ("税の納付", "納税", "市税", "口座振替"),
        (
            ("固定資産税", "fixed asset tax"),
            ("個人住民税", "resident tax"),
            ("軽自動車税", "light vehicle tax"),
            ("国民健康保険税", "national health insurance tax"),
            ("市税の口座振替", "tax by direct debit"),
            ("キャッシュレス納付", "cashless tax payment"),
            ("納税証明書", "tax payment certificate"),
        ),
        (
            ("{subject}の納付方法", "How to pay {subject_en}"),
            ("{subject}の納期限（{fy}）", "{subject_en}: due dates for {fy_en}"),
            ("{place}の{subject}について", "{place_en}: {subject_en}"),
            ("{subject}を納期限までに払えないとき", "When {subject_en} cannot be paid on time"),
        ),
        (
            (
                "{fy}の{subject}の第1期の納期限は{deadline}です。",
                "The first {subject_en} instalment is due {deadline_en}.",
            ),
            ("{place}では{subject}をコンビニや金融機関で納付できます。", "{place_en} accepts {subject_en} at stores."),
        ),
        (
            ("納付書を紛失した場合は{dept}で再発行します。", "Lost payment slips are reissued."),
            ("オンラインのキャッシュレス決済でも納付できます。", "Online cashless payment is accepted."),
            ("納期限を過ぎると延滞金がかかることがあります。", "Late payment may incur a surcharge."),
            ("分割での納付は{dept}の窓口でご相談ください。", "Instalments can be discussed at the counter."),
            ("{fy}の口座振替の利用率は{pct}%でした。", "{pct}% paid by direct debit in {fy_en}."),
        ),
    ),
    _Topic(
        ("programme", "case", "policy"),
        ("空き家対策室", "Vacant Homes Office"),
        ("空き家", "空き家バンク", "移住", "建物"),
        (
            ("空き家バンク", "vacant home bank"),
            ("空き家の改修補助金", "renovation support for vacant homes"),
            ("老朽空き家の解体補助", "demolition support"),
            ("空き家の相談会", "vacant home advice sessions"),
            ("空き家の適正管理", "looking after a vacant home"),
            ("空き家の家財処分補助", "household goods clearance support"),
        ),
        (
            ("{subject}の申請について（{fy}）", "Applying for {subject_en} ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{subject}の登録件数と成約実績", "{subject_en}: listings and sales"),
            ("{subject}「{nickname}」の取組", "The {nickname_en} {subject_en}"),
        ),
        (
            ("{place}の{subject}は、市内の空き家の活用を進めるための制度です。", "{place_en} runs {subject_en}."),
            ("{fy}の{subject}の受付を{date}から始めます。", "{subject_en} opens on {date_en}."),
        ),
        (
            ("補助金の上限は{fee}で、対象経費の2分の1までです。", "Up to {fee_en}, half of the cost."),
            ("申請期限は{deadline}ですが、予算額に達した時点で締め切ります。", "Apply by {deadline_en}."),
            ("{fy}は{count}件の登録があり、{small_count}件が成約しました。", "{count} homes were listed."),
            ("相談会は{venue}で毎月第{nth}{weekday}曜日に開いています。", "Advice sessions are held monthly."),
            ("建物の所有者のほか、相続予定の方も相談できます。", "Owners and heirs may ask."),
        ),
    ),
    _Topic(
        ("programme", "policy", "case"),
        ("交通政策課", "Transport Policy Division"),
        ("地域交通", "コミュニティバス", "公共交通", "移動支援"),
        (
            ("コミュニティバス", "community bus"),
            ("デマンド型乗合タクシー", "on-demand shared taxi"),
            ("運転免許の自主返納支援", "licence return support"),
            ("路線バスのダイヤ改正", "bus timetable change"),
            ("通学定期の補助", "school commuter pass support"),
            ("乗継割引", "transfer discount"),
        ),
        (
            ("{subject}の運行について", "{subject_en} services"),
            ("{place}の{subject}（{fy}）", "{place_en} {subject_en} ({fy_en})"),
            ("{district}地区の{subject}の見直し", "{subject_en} changes in {district_en}"),
            ("{subject}「{nickname}」の利用方法", "Using the {nickname_en} {subject_en}"),
        ),
        (
            (
                "{place}では{date}から{subject}の運行内容を見直します。",
                "{place_en} changes {subject_en} from {date_en}.",
            ),
            (
                "{subject}「{nickname}」は{district}地区と{office}を結んでいます。",
                "The {nickname_en} serves {district_en}.",
            ),
        ),
        (
            ("運賃は1回{small_fee}で、75歳以上は半額です。", "Fares are {small_fee_en}, half for 75+."),
            ("予約は利用日の前日午後5時までに電話かオンラインで受け付けます。", "Book by 17:00 the day before."),
            ("{fy}の利用者は延べ{count}人でした。", "{count} rides were taken in {fy_en}."),
            ("運行経費の{pct}%を{office}の予算で賄っています。", "The city pays {pct}% of the running costs."),
            ("時刻表は{office}の窓口と各公民館で配布しています。", "Timetables are at the office and halls."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("人事課", "Personnel Division"),
        ("接遇研修", "職員研修", "接遇", "窓口対応"),
        (
            ("接遇研修", "customer-service workshop"),
            ("電話応対研修", "telephone manners workshop"),
            ("クレーム対応研修", "complaint handling workshop"),
            ("新任職員研修", "induction for new officers"),
            ("ハラスメント防止研修", "harassment prevention workshop"),
            ("窓口応対マナー研修", "front-desk manners workshop"),
        ),
        (
            ("{fy}{subject}の実施について", "{subject_en} for {fy_en}"),
            ("{place}職員の{subject}", "{place_en} officers' {subject_en}"),
            ("{subject}の受講申込み（{date_short}締切）", "Signing up for the {subject_en}"),
            ("{subject}の実施結果と受講者アンケート", "{subject_en}: results and feedback"),
        ),
        (
            (
                "{fy}の{subject}を{date}に{venue}で実施します。",
                "The {fy_en} {subject_en} is held at {venue_en} on {date_en}.",
            ),
            ("{place}では窓口を担当する職員を対象に{subject}を行っています。", "{place_en} runs a {subject_en}."),
        ),
        (
            ("対象は窓口業務に従事する職員で、定員は{small_count}0人です。", "It is for front-desk officers."),
            ("受講申込みは所属長を通じて{deadline}までに人事課へ提出してください。", "Sign up by {deadline_en}."),
            ("講師は民間の接客業の経験者で、ロールプレイを中心に進めます。", "A hospitality trainer leads role-plays."),
            ("オンラインでの受講も可能ですが、演習は対面で行います。", "Online attendance is possible."),
            ("研修は講座形式で、受講者は{small_count}つの班に分かれて演習を行います。", "Attendees work in groups."),
            ("受講後のアンケートでは{share}%が「役に立った」と回答しました。", "{share}% found it useful."),
        ),
    ),
    _Topic(
        ("procurement", "policy"),
        ("情報政策課", "Information Policy Division"),
        ("庁内ネットワーク", "情報システム", "端末更新", "情報セキュリティ"),
        (
            ("庁内ネットワーク", "office network"),
            ("業務用パソコン", "office PCs"),
            ("庁内無線LAN", "office wireless LAN"),
            ("ファイルサーバー", "file server"),
            ("庁内メールシステム", "office email system"),
            ("ウイルス対策ソフト", "antivirus software"),
        ),
        (
            ("{subject}の更新について（{fy}）", "{subject_en} replacement ({fy_en})"),
            ("{subject}の停止のお知らせ（{date_short}）", "{subject_en} outage"),
            ("{place}の{subject}更新の仕様", "{place_en}: {subject_en} specification"),
            ("{subject}更新の業者選定結果", "{subject_en}: contractor chosen"),
        ),
        (
            ("{fy}に{subject}を更新します。", "The {subject_en} is replaced in {fy_en}."),
            ("{date}の夜間に{subject}の切替作業を行います。", "Switch-over work on the {subject_en} on {date_en}."),
        ),
        (
            ("作業中の午後8時から翌朝6時までは庁内システムが使えません。", "Systems are down 20:00-06:00."),
            ("更新の予算額は{budget}で、{count}台の端末が対象です。", "Budget {budget_en} for {count} machines."),
            ("仕様書は{dept}で閲覧でき、見積書の提出期限は{deadline}です。", "Quotes are due {deadline_en}."),
            ("職員は作業前に作業中のファイルを保存し、端末を再起動してください。", "Officers should save their work."),
            ("問合せは{dept}のヘルプデスク（内線{extension}）まで。", "Helpdesk: extension {extension}."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("健康づくり課", "Health Promotion Division"),
        ("健康診断", "検診", "健康づくり", "保健"),
        (
            ("特定健康診査", "health check-up"),
            ("胃がん検診", "stomach cancer screening"),
            ("乳がん検診", "breast cancer screening"),
            ("歯周病検診", "gum disease check"),
            ("骨粗しょう症検診", "osteoporosis screening"),
            ("健康相談", "health consultation"),
        ),
        (
            ("{subject}の受診方法（{fy}）", "Getting a {subject_en} ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{subject}の日程と会場", "{subject_en}: dates and venues"),
            ("{subject}の自己負担額", "{subject_en}: what you pay"),
        ),
        (
            ("{place}では{fy}の{subject}を{date}から実施します。", "{place_en} starts {subject_en} on {date_en}."),
            (
                "{subject}は{venue}での集団検診と指定医療機関で受けられます。",
                "A {subject_en} is at {venue_en} or clinics.",
            ),
        ),
        (
            ("自己負担は{small_fee}で、70歳以上は免除されます。", "It costs {small_fee_en}; free over 70."),
            ("予約は受診日の2週間前までにオンラインか電話で受け付けます。", "Book two weeks ahead."),
            ("{fy}の受診率は{pct}%でした。", "Uptake was {pct}% in {fy_en}."),
            ("受診券は{date}ごろ対象者に郵送します。", "Vouchers are posted around {date_en}."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("生涯学習課", "Community Education Division"),
        ("公共施設", "施設予約", "公民館", "体育施設"),
        (
            ("体育館", "gymnasium"),
            ("公民館の会議室", "community hall rooms"),
            ("テニスコート", "tennis courts"),
            ("市民ホール", "civic hall"),
            ("野球場", "baseball ground"),
            ("調理実習室", "cookery room"),
        ),
        (
            ("{subject}の予約方法", "Booking the {subject_en}"),
            ("{district}地区の{subject}の使用料（{fy}）", "{subject_en} fees in {district_en} ({fy_en})"),
            ("{subject}の利用休止（{date_short}から）", "{subject_en} closed"),
            ("{place}の{subject}の利用案内", "{place_en} {subject_en} guide"),
        ),
        (
            ("{subject}は施設予約システムからオンラインで予約できます。", "The {subject_en} can be booked online."),
            ("{place}の{subject}は{date}から使用料を改定します。", "{place_en} revises {subject_en} fees."),
        ),
        (
            ("予約の受付は利用日の3か月前の1日からです。", "Bookings open three months ahead."),
            ("使用料は1時間{small_fee}で、市内の団体は半額です。", "It costs {small_fee_en} an hour."),
            ("改修工事のため{date}から{deadline}まで利用できません。", "Closed for works until {deadline_en}."),
            ("{fy}の稼働率は{pct}%でした。", "Occupancy was {pct}% in {fy_en}."),
        ),
    ),
    _Topic(
        ("policy",),
        ("選挙管理委員会", "Election Board"),
        ("選挙", "投票", "期日前投票", "投票所"),
        (
            ("期日前投票", "early voting"),
            ("不在者投票", "absentee voting"),
            ("投票所の変更", "polling station change"),
            ("投票所入場券", "polling cards"),
            ("点字投票", "braille voting"),
        ),
        (
            ("{subject}について", "About {subject_en}"),
            ("{place}の{subject}（{date_short}執行）", "{place_en}: {subject_en}"),
            ("{district}地区の{subject}", "{subject_en} in {district_en}"),
        ),
        (
            ("{date}執行の選挙では{subject}を{venue}で行います。", "For the election on {date_en}, {subject_en}."),
            ("{place}では{subject}の取扱いを{dept}が担当しています。", "The {dept_en} handles {subject_en}."),
        ),
        (
            ("期日前投票は午前8時30分から午後8時まで行えます。", "Early voting runs 8:30-20:00."),
            ("{district}地区の投票所は{venue}に変わります。", "The {district_en} station moves."),
            ("前回の投票率は{pct}%でした。", "Turnout was {pct}% last time."),
            ("入場券を忘れても本人確認のうえ投票できます。", "You can vote without the card."),
        ),
    ),
    _Topic(
        ("policy", "case"),
        ("ふるさと納税推進室", "Hometown Tax Office"),
        ("ふるさと納税", "寄附", "返礼品", "地場産品"),
        (
            ("ふるさと納税の返礼品", "hometown tax gifts"),
            ("ワンストップ特例", "one-stop exemption"),
            ("寄附金受領証明書", "donation receipt"),
            ("返礼品の提供事業者", "gift suppliers"),
        ),
        (
            ("{subject}について（{fy}）", "{subject_en} ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{subject}の募集", "{subject_en} wanted"),
        ),
        (
            ("{place}の{subject}は{dept}が担当しています。", "{place_en}'s {dept_en} handles {subject_en}."),
            ("{fy}の寄附額は{budget}で、前年度より{pct}%増えました。", "Donations reached {budget_en} in {fy_en}."),
        ),
        (
            ("申請書の提出期限は翌年1月10日です。", "Forms are due on 10 January."),
            ("返礼品は地場産品を中心に{count}品目を用意しています。", "{count} local products are on offer."),
            ("提供事業者は{deadline}まで募集しています。", "Suppliers may apply by {deadline_en}."),
            ("寄附金は子育てや地域交通の事業に充てています。", "Donations fund local services."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("農林振興課", "Agriculture and Forestry Division"),
        ("農業", "就農", "鳥獣被害", "農地"),
        (
            ("新規就農者の支援", "support for new farmers"),
            ("有害鳥獣対策", "wildlife damage control"),
            ("農地の転用", "farmland conversion"),
            ("市民農園", "allotments"),
            ("電気柵の設置補助", "electric fence support"),
        ),
        (
            ("{subject}の申請（{fy}）", "Applying for {subject_en} ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{district}地区の{subject}", "{subject_en} in {district_en}"),
        ),
        (
            ("{place}では{fy}も{subject}を行います。", "{place_en} continues {subject_en} in {fy_en}."),
            ("{subject}の申請を{date}から受け付けます。", "Applications open on {date_en}."),
        ),
        (
            ("補助金は対象経費の3分の2、上限{fee}です。", "Two thirds of the cost, up to {fee_en}."),
            ("{fy}の被害額は約{budget}でした。", "Damage was about {budget_en}."),
            ("市民農園の区画は{small_count}0区画で、利用料は年{small_fee}です。", "Plots cost {small_fee_en} a year."),
            ("申請書は{dept}またはJAの窓口で受け取れます。", "Forms are at the division or JA."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("生活環境課", "Living Environment Division"),
        ("ペット", "犬の登録", "動物愛護", "生活環境"),
        (
            ("犬の登録", "dog registration"),
            ("狂犬病予防注射", "rabies vaccination"),
            ("猫の不妊去勢手術補助金", "cat neutering support"),
            ("迷い犬の保護", "lost dogs"),
        ),
        (
            ("{subject}について（{fy}）", "{subject_en} ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{district}地区での{subject}", "{subject_en} in {district_en}"),
        ),
        (
            ("{place}では{date}から{subject}を受け付けます。", "{place_en} takes {subject_en} from {date_en}."),
            ("{subject}は{dept}の窓口で手続きできます。", "The {dept_en} handles {subject_en}."),
        ),
        (
            ("登録手数料は{small_fee}です。", "The fee is {small_fee_en}."),
            ("集合注射は{venue}など{small_count}0か所で行います。", "Group sessions are held in several places."),
            ("補助金は1匹{small_fee}で、予算額に達し次第終了します。", "Support ends when the budget runs out."),
            ("{fy}の登録頭数は{count}頭でした。", "{count} dogs were registered."),
        ),
    ),
    _Topic(
        ("programme", "policy"),
        ("環境政策課", "Environmental Policy Division"),
        ("省エネ", "脱炭素", "環境", "再生可能エネルギー"),
        (
            ("太陽光発電設備の設置補助金", "solar panel support"),
            ("省エネ家電の買替え補助", "energy-saving appliance support"),
            ("生ごみ処理機の購入補助", "food waste composter support"),
            ("緑のカーテン", "green curtains"),
            ("電気自動車の充電設備", "EV chargers"),
        ),
        (
            ("{subject}について（{fy}）", "{subject_en} ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{subject}の申請期限", "{subject_en}: deadline"),
        ),
        (
            ("{place}は{fy}も{subject}を実施します。", "{place_en} runs {subject_en} in {fy_en}."),
            ("{subject}の申請受付は{date}からです。", "Applications open on {date_en}."),
        ),
        (
            ("補助金の上限は{fee}で、申請期限は{deadline}です。", "Up to {fee_en}; apply by {deadline_en}."),
            ("申請はオンラインの電子申請でも受け付けます。", "Applications can be made online."),
            ("{fy}は{count}件の申請がありました。", "{count} applications in {fy_en}."),
            ("予算額は{budget}で、なくなり次第締め切ります。", "The budget is {budget_en}."),
        ),
    ),
    _Topic(
        ("policy", "programme"),
        ("職員課", "Staff Affairs Division"),
        ("職員の健康管理", "働き方", "時間外勤務", "職員"),
        (
            ("職員のストレスチェック", "staff stress check"),
            ("時間外勤務の縮減", "cutting overtime"),
            ("職員の定期健康診断", "staff health check"),
            ("テレワーク勤務", "telework"),
            ("庁内の働き方の見直し", "office working practices"),
        ),
        (
            ("{fy}{subject}の実施", "{subject_en} in {fy_en}"),
            ("{place}職員の{subject}", "{place_en} officers: {subject_en}"),
            ("{subject}の結果報告", "{subject_en}: report"),
        ),
        (
            ("{fy}の{subject}を{date}から行います。", "The {fy_en} {subject_en} starts on {date_en}."),
            ("{place}では全職員を対象に{subject}に取り組んでいます。", "{place_en} works on {subject_en}."),
        ),
        (
            ("回答はオンラインで行い、結果は本人にのみ通知します。", "Answers are online; results are private."),
            ("{fy}の時間外勤務は職員1人あたり月平均{small_count}時間でした。", "Average overtime was low."),
            ("産業医との面談は{dept}で申し込めます。", "Book a doctor interview via the division."),
            ("受診期限は{deadline}です。", "The deadline is {deadline_en}."),
        ),
    ),
    _Topic(
        ("policy",),
        ("総務課", "General Affairs Division"),
        ("公文書", "情報公開", "文書管理", "個人情報"),
        (
            ("情報公開請求", "freedom of information requests"),
            ("個人情報の開示請求", "personal data requests"),
            ("文書の保存期間", "records retention"),
            ("電子決裁", "electronic approval"),
        ),
        (
            ("{subject}の手続き", "{subject_en}: the procedure"),
            ("{place}の{subject}（{fy}）", "{place_en} {subject_en} ({fy_en})"),
            ("{subject}の運用状況", "{subject_en}: how it is used"),
        ),
        (
            ("{place}への{subject}は{dept}で受け付けています。", "{place_en}'s {dept_en} takes {subject_en}."),
            ("{fy}の{subject}の件数は{count}件でした。", "There were {count} cases in {fy_en}."),
        ),
        (
            ("請求書は窓口、郵送、オンラインのいずれでも提出できます。", "Requests go in person, by post or online."),
            ("原則として請求から14日以内に決定します。", "Decisions come within 14 days."),
            ("写しの交付は1枚{small_fee}です。", "Copies cost {small_fee_en} a page."),
            ("{fy}から電子決裁の利用率は{pct}%になりました。", "E-approval reached {pct}%."),
        ),
    ),
    _Topic(
        ("survey",),
        ("企画政策課", "Planning Division"),
        ("市民アンケート", "意識調査", "満足度", "市政"),
        (
            ("市民満足度調査", "residents' satisfaction survey"),
            ("住民意識調査", "residents' attitude survey"),
            ("公共交通利用者アンケート", "public transport users' survey"),
            ("子育て世帯アンケート", "families' survey"),
            ("図書館利用者アンケート", "library users' survey"),
        ),
        (
            ("{fy}{subject}の結果", "{subject_en} results ({fy_en})"),
            ("{place}の{subject}", "{place_en} {subject_en}"),
            ("{subject}へのご協力のお願い", "Please answer the {subject_en}"),
        ),
        (
            (
                "{place}は{fy}に{residents}{count}人を無作為に抽出して{subject}を行いました。",
                "{place_en} asked {count} randomly chosen residents in its {subject_en} ({fy_en}).",
            ),
            ("{subject}の回答期限は{deadline}です。", "The {subject_en} closes on {deadline_en}."),
        ),
        (
            ("回答率は{pct}%でした。", "{pct}% responded."),
            ("回答は郵送またはオンラインで受け付けました。", "Answers came by post or online."),
            ("「窓口の待ち時間」への不満が前回より減りました。", "Complaints about waiting times fell."),
            ("結果は{dept}のページと広報紙{month}月号で公表します。", "Results appear in the newsletter."),
            ("近隣の自治体と共通の設問を使い、結果を比べられるようにしています。", "Questions match nearby towns'."),
        ),
    ),
)

_PLACES = _pairs(
    """
    旭川市 Asahikawa City | 函館市 Hakodate City | 釧路市 Kushiro City | 帯広市 Obihiro City | 北見市 Kitami City
    苫小牧市 Tomakomai City | 江別市 Ebetsu City | 小樽市 Otaru City | 室蘭市 Muroran City | 岩見沢市 Iwamizawa City
    音更町 Otofuke Town | 東川町 Higashikawa Town | 青森市 Aomori City | 弘前市 Hirosaki City | 八戸市 Hachinohe City
    盛岡市 Morioka City | 花巻市 Hanamaki City | 一関市 Ichinoseki City | 奥州市 Oshu City | 石巻市 Ishinomaki City
    大崎市 Osaki City | 名取市 Natori City | 秋田市 Akita City | 横手市 Yokote City | 大館市 Odate City
    由利本荘市 Yurihonjo City | 山形市 Yamagata City | 酒田市 Sakata City | 鶴岡市 Tsuruoka City | 米沢市 Yonezawa City
    郡山市 Koriyama City | いわき市 Iwaki City | 会津若松市 Aizuwakamatsu City | 紫波町 Shiwa Town | 遊佐町 Yuza Town
    平内町 Hiranai Town | 佐賀市 Saga City | 唐津市 Karatsu City | 長崎市 Nagasaki City | 佐世保市 Sasebo City
    諫早市 Isahaya City | 宮崎市 Miyazaki City | 都城市 Miyakonojo City | 延岡市 Nobeoka City | 鹿児島市 Kagoshima City
    霧島市 Kirishima City | 鹿屋市 Kanoya City | 綾町 Aya Town | 那覇市 Naha City | 浦添市 Urasoe City | 名護市 Nago City
    松山市 Matsuyama City | 今治市 Imabari City | 高知市 Kochi City | 徳島市 Tokushima City | 高松市 Takamatsu City
    丸亀市 Marugame City | 松江市 Matsue City | 出雲市 Izumo City | 浜田市 Hamada City | 富山市 Toyama City
    高岡市 Takaoka City | 金沢市 Kanazawa City | 小松市 Komatsu City | 福井市 Fukui City | 敦賀市 Tsuruga City
    下関市 Shimonoseki City | 宇部市 Ube City
    """
)
_DISTRICTS = _pairs(
    """
    東 Higashi | 西 Nishi | 南 Minami | 北 Kita | 緑が丘 Midorigaoka | 桜台 Sakuradai | 若葉 Wakaba | 本町 Honcho
    栄町 Sakaemachi | 末広 Suehiro | 川端 Kawabata | 松原 Matsubara | 柳町 Yanagimachi | 寿 Kotobuki | 朝日 Asahi
    春日 Kasuga | 錦 Nishiki | 昭和 Showa | 高田 Takada | 西原 Nishihara | 清水 Shimizu | 大町 Omachi | 新田 Shinden
    浜 Hama | 山王 Sanno | 東雲 Shinonome | 白鳥 Shiratori | みずほ Mizuho | ひばりが丘 Hibarigaoka | 中島 Nakajima
    """
)
_VENUES = _pairs(
    """
    市民会館 the civic hall | 総合体育館 the sports centre | 保健センター the health centre
    文化センター the culture centre | 防災センター the disaster prevention centre
    本庁舎大会議室 the main office assembly room | 中央公民館 the central community hall
    """
)
# Nicknames a town gives its schemes: they add words no other entry shares, as real knowledge bases do.
_NICK_HEADS = _words("さくら ひまわり あおば みどり すこやか にこにこ ふれあい きずな つばさ わかば")
_NICK_TAILS = _words("ネット サポート ひろば 便 号 ステーション プラン くらぶ ナビ ライン")
_NICK_EN = {"便": "bin", "号": "go"}
_ROMAJI = {"さくら": "Sakura", "ひまわり": "Himawari", "あおば": "Aoba", "みどり": "Midori", "すこやか": "Sukoyaka"}
_ROMAJI |= {"にこにこ": "Nikoniko", "ふれあい": "Fureai", "きずな": "Kizuna", "つばさ": "Tsubasa", "わかば": "Wakaba"}
_ROMAJI |= {"ネット": "Net", "サポート": "Support", "ひろば": "Hiroba", "ステーション": "Station", "プラン": "Plan"}
_ROMAJI |= {"くらぶ": "Club", "ナビ": "Navi", "ライン": "Line"}
_WEEKDAYS = "月火水木金土日"
# Closings any FAQ entry might end on: the shared vocabulary that makes distractors compete.
_CLOSINGS: tuple[str, ...] = (
    "詳しくは{dept}（{office}本庁舎{floor}階）の窓口へお問い合わせください。",
    "{fy}の予算額は{budget}です。",
    "{date}に{venue}で{residents}向けの説明会を開きます。",
    "申請期限は{deadline}で、郵送の場合は当日消印有効です。",
    "手続きはオンライン申請にも対応しています。",
    "担当課は{dept}です。",
    "{office}では{fy}から、{residents}の負担を減らすため、窓口とオンラインのどちらでも同じ手続きができるよう見直しを進めています。",
    "受付期間の初めと終わりは{dept}の窓口が大変混み合いますので、平日の午後の来庁や郵送での申請もご利用ください。",
    "記入の仕方が分からない場合は担当課の職員が窓口でご案内しますので、必要書類をお持ちのうえお越しください。",
    "制度の内容は法令や国の通知の改正により変わることがありますので、最新の情報は{office}のウェブサイトでご確認ください。",
    "{fy}は説明会を{small_count}回開き、延べ{count}人の{residents}が参加しました。",
    "この取組は{fy}の当初予算に計上しており、前年度の実績を踏まえて内容を一部変更しています。",
    "申請手続きのデジタル化を進めており、{fy}からオンラインで申請できる手続きを増やしています。",
    "近隣の自治体と比べても利用者が多く、{fy}も同じ規模で事業を続けます。",
    "対象となる方には{date}ごろ案内を郵送します。",
    "この制度の目的は、{residents}が安心して暮らせる環境を整えることです。",
    "担当職員向けの説明会を{date}にオンラインで開き、手続きの変更点を共有しました。",
)


def distractor_entries(count: int, seed: int = 0) -> list[dict]:
    """`count` knowledge-base entries, as dicts `kb.Entry` validates, that answer none of the evaluation
    questions; the same seed gives the same entries."""
    rng = random.Random(seed)
    width = max(6, len(str(count - 1)))
    return [_entry(rng, f"distractor-{n:0{width}d}") for n in range(count)]


def _entry(rng: random.Random, entry_id: str) -> dict:
    topic = rng.choice(_TOPICS)
    as_of = _day(rng)
    fill = _fillers(rng, topic, as_of)
    title, title_en = _format(rng.choice(topic.titles), fill)
    opening = _format(rng.choice(topic.openings), fill)
    details = [_format(detail, fill) for detail in topic.details]
    body, english = _body(rng, opening, details, fill)
    return {
        "id": entry_id,
        "kind": rng.choice(topic.kinds),
        "title": title,
        "title_en": title_en,
        "body": body,
        "summary_en": " ".join(english),
        "tags": _tags(rng, topic, fill),
        "source": dict(SOURCE),
        "as_of": as_of.isoformat(),
    }


def _body(rng: random.Random, opening: Pair, details: list[Pair], fill: dict[str, str]) -> tuple[str, list[str]]:
    """2-6 sentences of 100-400 characters, as FAQ answers run: the opening, then the topic's details and the
    closings any notice may have, in random order, to a drawn number and length. The English summary keeps the
    first two sentences'."""
    wanted, least = rng.randint(2, 6), rng.randint(100, 260)
    closings = [(closing.format_map(fill), "") for closing in rng.sample(_CLOSINGS, 3)]
    extras = [*details, *closings]
    rng.shuffle(extras)
    sentences, english = [opening[0]], [opening[1]]
    length = len(opening[0])
    for ja, en in extras:
        if len(sentences) == 6 or (len(sentences) >= wanted and length >= least):
            break
        if length + len(ja) > 400:
            continue
        sentences.append(ja)
        length += len(ja)
        if en and len(english) < 2:
            english.append(en)
    return "".join(sentences), english


def _tags(rng: random.Random, topic: _Topic, fill: dict[str, str]) -> list[str]:
    """2-4 words: the subject, one or two of the topic's, and perhaps the place."""
    words = list(dict.fromkeys([fill["subject"], *rng.sample(topic.tags, len(topic.tags))]))
    chosen = words[: rng.randint(2, 3)]
    if rng.random() < 0.5:
        chosen.append(fill["place"])
    return chosen


def _fillers(rng: random.Random, topic: _Topic, as_of: date) -> dict[str, str]:
    """Every value a template may name, drawn once per entry so that an entry's sentences agree."""
    place, place_en = rng.choice(_PLACES)
    district, district_en = rng.choice(_DISTRICTS)
    subject, subject_en = rng.choice(topic.subjects)
    venue, venue_en = rng.choice(_VENUES)
    head, tail = rng.choice(_NICK_HEADS), rng.choice(_NICK_TAILS)
    town = place.endswith("町")
    event = as_of + timedelta(days=rng.randint(-120, 120))
    deadline = event + timedelta(days=rng.randint(14, 90))
    fiscal = as_of.year if as_of.month >= 4 else as_of.year - 1
    fee, budget, small_fee = rng.randint(3, 120) * 10_000, rng.randint(30, 30_000) * 10_000, rng.randint(2, 60) * 50
    return {
        "place": place,
        "place_en": place_en,
        "district": district,
        "district_en": district_en,
        "subject": subject,
        "subject_en": subject_en,
        "venue": venue,
        "venue_en": venue_en,
        "nickname": head + tail,
        "nickname_en": f'"{_ROMAJI[head]} {_ROMAJI.get(tail) or _NICK_EN[tail]}"',
        "dept": topic.department[0],
        "dept_en": topic.department[1],
        "office": "町役場" if town else "市役所",
        "residents": "町民" if town else "市民",
        "fy": f"令和{fiscal - 2018}年度",
        "fy_en": f"FY{fiscal}",
        "date": _japanese_date(rng, event),
        "date_short": f"{event.month}月{event.day}日",
        "date_en": _english_date(event),
        "deadline": _japanese_date(rng, deadline),
        "deadline_en": _english_date(deadline),
        "weekday": rng.choice(_WEEKDAYS[:5]),
        "month": str(rng.randint(1, 12)),
        "nth": str(rng.randint(1, 4)),
        "floor": str(rng.randint(1, 6)),
        "weeks": str(rng.randint(2, 12)),
        "minutes": str(rng.randint(5, 60)),
        "pct": str(rng.randint(2, 48)),
        "share": str(rng.randint(55, 98)),
        "count": f"{rng.randint(20, 12_000):,}",
        "small_count": str(rng.randint(2, 9)),
        "extension": str(rng.randint(2000, 4999)),
        "fee": _yen(fee),
        "fee_en": f"{fee:,} yen",
        "budget": _yen(budget),
        "budget_en": f"{budget:,} yen",
        "small_fee": f"{small_fee:,}円",
        "small_fee_en": f"{small_fee:,} yen",
    }


def _format(template: Pair, fill: dict[str, str]) -> Pair:
    return template[0].format_map(fill), template[1].format_map(fill)


def _day(rng: random.Random) -> date:
    """A day in 2023-2025: the span real entries' `as_of` fall in."""
    return date(2023, 1, 1) + timedelta(days=rng.randrange(365 * 3))


def _japanese_date(rng: random.Random, day: date) -> str:
    """The three ways notices write a day, so that both 2024年 and 令和6年 occur."""
    style = rng.randrange(3)
    if style == 0:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 1:
        return f"令和{day.year - 2018}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日（{_WEEKDAYS[day.weekday()]}）"


def _english_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _yen(amount: int) -> str:
    """12,340,000 → 1,234万円, 100,000,000 → 1億円: how amounts are written in Japanese notices."""
    man = amount // 10_000
    if man >= 10_000 and man % 10_000 == 0:
        return f"{man // 10_000}億円"
    if man >= 10_000:
        return f"{man // 10_000}億{man % 10_000:,}万円"
    return f"{man:,}万円"


def write_kb_dir(directory: Path, count: int, seed: int = 0, per_file: int = 1000) -> list[Path]:
    """`count` distractors as distractors-0000.yaml… under `directory`, the layout DXBOT_KB_DIR loads; files of
    `per_file` entries keep each one small enough to read and to diff. A larger run's files left there are removed
    first: their ids would clash with these."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("distractors-*.yaml"):
        stale.unlink()
    entries = distractor_entries(count, seed)
    paths = []
    for number, start in enumerate(range(0, len(entries), per_file)):
        path = directory / f"distractors-{number:04d}.yaml"
        text = yaml.dump(
            {"entries": entries[start : start + per_file]},
            Dumper=YamlDumper,
            allow_unicode=True,
            sort_keys=False,
            width=1_000_000,  # one line per body: faster to write and to read
        )
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# --- the course catalogue -------------------------------------------------------------------------------------

_LOCALES = {
    "ja_JP": {"_class": "locale", "locale": "ja_JP", "title": "日本語", "english_title": "Japanese"},
    "en_US": {"_class": "locale", "locale": "en_US", "title": "English (US)", "english_title": "English (US)"},
}
_EN_TOPICS = _cells(
    """
    Python | JavaScript | TypeScript | Java | C# | Go | Rust | Kotlin | Swift | PHP | Ruby on Rails | React | Vue.js
    Angular | Node.js | Django | Flask | Spring Boot | SQL | Git and GitHub | Docker | Kubernetes | Linux
    Bash Scripting | Data Analysis with Pandas | Machine Learning | Deep Learning | Tableau | Power BI | Statistics
    Data Science | Prompt Engineering | Generative AI | Terraform | Ethical Hacking | Cyber Security
    Network Security | Microsoft Excel | Excel VBA | PowerPoint | Microsoft Word | Outlook | Microsoft Teams
    Power Automate | Google Sheets | Microsoft Access | Figma | Adobe Photoshop | Adobe Illustrator | UI/UX Design
    Canva | Graphic Design | Blender | Agile and Scrum | Project Management | Leadership | Product Management
    Lean Six Sigma | Change Management | SEO | Business Writing | Public Speaking | Presentation Skills | Negotiation
    Time Management | Copywriting | Critical Thinking | Digital Marketing | Google Analytics 4
    Social Media Marketing | Content Marketing
    """
)
_EN_EXAMS = _cells(
    """
    AWS Certified Cloud Practitioner | AWS Certified Solutions Architect Associate | AWS Certified Developer Associate
    AWS Certified SysOps Administrator | Microsoft Azure Fundamentals AZ-900 | Azure Administrator AZ-104
    Google Cloud Digital Leader | Google Associate Cloud Engineer | CompTIA Security+ | CompTIA A+ | CompTIA Network+
    CompTIA CySA+ | CISSP | CISM | CCNA | ITIL 4 Foundation | PMP | CAPM | Scrum Master PSM I | Product Owner PSPO I
    Microsoft 365 MS-900 | Power BI PL-300 | Certified Kubernetes Administrator | Terraform Associate | Six Sigma Green Belt
    """
)
_EN_PATTERNS = (
    "The Complete {topic} Bootcamp {year}",
    "{topic} for Beginners: {benefit}",
    "{topic} Masterclass: From Zero to Hero",
    "Complete {topic} Bootcamp: From Zero to Hero",
    "Learn {topic} in {days} Days",
    "{topic}: The Practical Guide",
    "Mastering {topic}: {benefit}",
    "{topic} Crash Course",
    "The Ultimate {topic} Guide {year}",
    "{topic} - Hands-On Projects",
    "Introduction to {topic}",
    "Advanced {topic}: {benefit}",
    "{topic} Essentials for Busy Professionals",
    "{level} {topic}: {benefit}",
)
_EN_EXAM_PATTERNS = (
    "{topic} {year}",
    "{topic} {year}: Full Practice Exams",
    "{topic} Exam Prep {year}",
    "Pass the {topic} Exam - {days} Practice Tests",
    "{topic}: Complete Study Guide {year}",
    "{topic} Practice Tests {year}",
    "Ultimate {topic} Exam Course {year}",
    "{topic} Certification Crash Course",
)
_EN_BENEFITS = _cells(
    """
    Build Real-World Projects | Automate Your Work | Get Job-Ready | Step by Step | Tips and Best Practices
    Hands-On Labs | With Exercises | For Data Professionals | The Fundamentals | Beyond the Basics | Work Smarter
    A Practical Approach | Learn by Doing | For Managers | Everything You Need | Zero to Mastery | The Missing Guide
    Real Business Cases | In Plain English | Quick Wins for Busy People | Master the Essentials | A Complete Guide
    With Templates and Checklists | Solve Everyday Problems | Save Hours Every Week | From Basics to Pro
    """
)
_EN_LEVELS = ("Beginner", "Intermediate", "Advanced", "Practical", "Modern", "Essential")
_EN_TAILS = (
    " ({year})",
    " [{year} Edition]",
    " - Updated for {year}",
    ": {benefit}",
    " - {benefit}",
    " for {audience}",
)
_EN_AUDIENCES = _cells(
    """
    Beginners | Managers | Marketers | Analysts | Developers | Office Workers | Teams | Students | Small Business Owners
    Public Sector Staff | Accountants | HR Professionals | Designers | Engineers | Sales Professionals
    """
)
_EN_HEADLINES = (
    "Learn {topic} from scratch with hands-on exercises and real-world examples.",
    "Master {topic} step by step and apply it to your daily work.",
    "A practical introduction to {topic} for professionals who want results fast.",
    "Build confidence in {topic} through short lessons, quizzes and projects.",
    "Everything you need to get productive with {topic}, explained clearly.",
    "Go from the basics of {topic} to confident everyday use in a few focused hours.",
    "Understand how {topic} works and use it on real tasks from the first lesson.",
    "Short, practical videos that take you through {topic} one concept at a time.",
)
_EN_EXAM_HEADLINES = (
    "Prepare for the {topic} exam with full-length practice tests and detailed explanations.",
    "Pass the {topic} exam on your first attempt with focused lessons and mock exams.",
)
_JA_TOPICS = _cells(
    """
    Excel VBA | Python | Excel | Power Automate | Power BI | Word | PowerPoint | SQL | JavaScript | AWS | Azure
    Linux | Git | Docker | ChatGPT | 生成AI | 機械学習 | 統計学 | データ分析 | プロジェクトマネジメント
    ロジカルシンキング | 問題解決 | プレゼンテーション | ビジネス文書 | 情報セキュリティ | ネットワーク
    Webデザイン | Figma | Illustrator | Photoshop | マーケティング | SEO | コーチング | ファシリテーション
    業務改善 | 簿記 | タイムマネジメント | アジャイル開発 | UI/UXデザイン | Googleスプレッドシート
    ノーコード開発 | クラウド | データベース設計 | HTML/CSS
    """
)
_JA_EXAMS = _cells(
    """
    ITパスポート試験 | 基本情報技術者試験 | 応用情報技術者試験 | 情報セキュリティマネジメント試験
    AWS認定クラウドプラクティショナー | AWS認定ソリューションアーキテクト | Microsoft Office Specialist Excel
    日商簿記3級 | 日商簿記2級 | G検定 | データサイエンティスト検定 | Python3エンジニア認定基礎試験
    ネットワークスペシャリスト試験 | プロジェクトマネージャ試験
    """
)
_JA_PATTERNS = (
    "【初心者向け】{topic}入門：{benefit}",
    "ゼロから始める{topic}講座",
    "現場で使える{topic}実践",
    "{topic}完全マスター講座【{year}年版】",
    "はじめての{topic}：{benefit}",
    "1日で学べる{topic}の基礎",
    "{topic}徹底解説：{benefit}",
    "図解でわかる{topic}",
    "【{level}】{topic}講座：{benefit}",
    "業務効率化のための{topic}講座",
    "ゼロから始める{topic} {area}講座",
    "【{level}】実務で学ぶ{topic}：{benefit}",
)
_JA_EXAM_PATTERNS = (
    "{topic} 合格講座【{year}年度対応】",
    "{topic} 過去問徹底演習",
    "{topic} 一問一答 {questions}問",
    "【{year}年版】{topic} 模擬試験{days}回分",
    "{topic} 短期合格のための要点講義",
    "{topic} 予想問題集 {questions}問",
)
_JA_BENEFITS = _cells(
    """
    業務自動化の第一歩 | 基礎から応用まで | 実務で役立つテクニック | 手を動かして身につける | 要点だけを短時間で
    現場の課題を解決する | 明日から使える | つまずきやすい所を丁寧に | 演習で定着させる | 仕事の進め方が変わる
    初めてでも迷わない | 事例で学ぶ | 基本操作から実践まで | よくある失敗と対策 | 考え方から身につける
    チームで使える | 独学でも挫折しない | 1週間で身につく | プロが教える | 図解と演習で理解する
    """
)
_JA_LEVELS = ("初級", "中級", "上級", "実践", "入門", "完全版", "最新版")
_JA_TAILS = (
    "【{year}年版】",
    "（{year}年最新版）",
    "【{year}年対応】",
    "：{benefit}",
    "〜{benefit}〜",
    "【{audience}向け】",
)
_JA_AUDIENCES = (
    "初心者",
    "事務職",
    "営業職",
    "管理職",
    "新入社員",
    "エンジニア",
    "非エンジニア",
    "文系",
    "学生",
    "経理担当者",
)
_JA_AREAS = ("データ分析", "業務自動化", "Web開発", "資料作成", "チーム運営", "可視化", "報告書作成", "集計")
_JA_HEADLINES = (
    "{topic}の基本を、豊富な演習で無理なく身につけます。",
    "現場ですぐに使える{topic}の考え方と手順を学びます。",
    "{topic}をこれから学ぶ方のための、わかりやすい入門講座です。",
    "実例を使って{topic}を一歩ずつ身につける講座です。",
    "{topic}の全体像をつかみ、日々の業務で使えるところまで案内します。",
    "短い動画と演習で、{topic}の要点を効率よく学べます。",
)
_JA_EXAM_HEADLINES = (
    "{topic}の出題範囲を、解説と演習問題で効率よく学びます。",
    "{topic}の合格に必要な知識を、過去問の傾向から押さえます。",
)


@dataclass(frozen=True)
class _Language:
    """What a title in one language is made of."""

    locale: str
    topics: tuple[str, ...]
    exams: tuple[str, ...]
    patterns: tuple[str, ...]
    exam_patterns: tuple[str, ...]
    benefits: tuple[str, ...]
    levels: tuple[str, ...]
    headlines: tuple[str, ...]
    exam_headlines: tuple[str, ...]
    tails: tuple[str, ...]  # what may follow a title: a year, a subtitle, an audience
    audiences: tuple[str, ...]


_JAPANESE = _Language(
    locale="ja_JP",
    topics=_JA_TOPICS,
    exams=_JA_EXAMS,
    patterns=_JA_PATTERNS,
    exam_patterns=_JA_EXAM_PATTERNS,
    benefits=_JA_BENEFITS,
    levels=_JA_LEVELS,
    headlines=_JA_HEADLINES,
    exam_headlines=_JA_EXAM_HEADLINES,
    tails=_JA_TAILS,
    audiences=_JA_AUDIENCES,
)
_ENGLISH = _Language(
    locale="en_US",
    topics=_EN_TOPICS,
    exams=_EN_EXAMS,
    patterns=_EN_PATTERNS,
    exam_patterns=_EN_EXAM_PATTERNS,
    benefits=_EN_BENEFITS,
    levels=_EN_LEVELS,
    headlines=_EN_HEADLINES,
    exam_headlines=_EN_EXAM_HEADLINES,
    tails=_EN_TAILS,
    audiences=_EN_AUDIENCES,
)
_JAPANESE_SHARE = 0.4
_EXAM_SHARE = 0.12


def catalogue_courses(count: int, seed: int = 0) -> list[dict]:
    """`count` courses shaped as the Udemy Business Courses API lists them: 40% Japanese, distinct titles (none a
    learning path's own course), ids from 1,000,000 up; the same seed gives the same courses."""
    rng = random.Random(seed)
    titles: set[str] = set(PATH_COURSE_TITLES)
    slugs: set[str] = set()
    course_id = rng.randint(1_000_000, 1_100_000)
    courses = []
    for _ in range(count):
        course_id += rng.randint(1, 150)
        language = _JAPANESE if rng.random() < _JAPANESE_SHARE else _ENGLISH
        courses.append(_course(rng, course_id, language, titles, slugs))
    return courses


def _course(rng: random.Random, course_id: int, language: _Language, titles: set[str], slugs: set[str]) -> dict:
    exam = rng.random() < _EXAM_SHARE
    topic, title = _distinct_title(rng, language, exam, titles)
    headline = rng.choice(language.exam_headlines if exam else language.headlines).format(topic=topic)
    slug = _slug(title) if language is _ENGLISH else f"{_slug(topic) or 'course'}-{_base36(course_id)}"
    if slug in slugs:
        slug = f"{slug}-{_base36(course_id)}"
    slugs.add(slug)
    return {
        "_class": "course",
        "id": course_id,
        "title": title,
        "url": f"https://www.udemy.com/course/{slug}/",
        "headline": headline,
        "estimated_content_length": _minutes(rng),
        "locale": dict(_LOCALES[language.locale]),
    }


def _distinct_title(rng: random.Random, language: _Language, exam: bool, titles: set[str]) -> tuple[str, str]:
    """A topic and a title no earlier course has (a matcher's index keys on titles): fresh draws, then an edition
    number, as a catalogue does when a course is remade."""
    for _ in range(20):
        topic = rng.choice(language.exams if exam else language.topics)
        title = _title(rng, topic, exam, language)
        if title not in titles:
            break
    base, edition = title, 2
    while title in titles:
        title = f"{base}（第{edition}版）" if language is _JAPANESE else f"{base} (Edition {edition})"
        edition += 1
    titles.add(title)
    return topic, title


def _title(rng: random.Random, topic: str, exam: bool, language: _Language) -> str:
    """A pattern, and half the time a tail: a year where the pattern has none, a subtitle where it has none."""
    pattern = rng.choice(language.exam_patterns if exam else language.patterns)
    if rng.random() < 0.5:
        has_subtitle = any(mark in pattern for mark in (":", "：", "{benefit}"))
        tails = [tail for tail in language.tails if not ("{year}" in tail and "{year}" in pattern)]
        tails = [tail for tail in tails if not (has_subtitle and "{benefit}" in tail)]
        pattern += rng.choice(tails)
    return pattern.format(
        topic=topic,
        benefit=rng.choice(language.benefits),
        level=rng.choice(language.levels),
        audience=rng.choice(language.audiences),
        year=rng.randint(2019, 2025),
        days=rng.choice((3, 5, 6, 7, 10, 14, 21, 30, 100)),
        questions=rng.choice((200, 300, 450, 500, 600, 800, 1000, 1200)),
        area=rng.choice(_JA_AREAS),
    )


def _minutes(rng: random.Random) -> int:
    """30 to 3000 minutes, most between one and ten hours, as a catalogue's lengths spread."""
    return max(30, min(3000, round(rng.lognormvariate(5.6, 0.8))))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("#", "sharp").replace("+", "plus")).strip("-")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
    return text or "0"


def write_json_pages(directory: Path, courses: list[dict], page_size: int = 100) -> list[Path]:
    """The catalogue as the API pages it (page-0001.json…), each with the count and the next and previous pages'
    addresses, so an import reads exactly what `courses sync` would fetch."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = max(1, -(-len(courses) // page_size))
    paths = []
    for page in range(1, pages + 1):
        body = {
            "count": len(courses),
            "next": _page_url(page + 1, page_size) if page < pages else None,
            "previous": _page_url(page - 1, page_size) if page > 1 else None,
            "results": courses[(page - 1) * page_size : page * page_size],
        }
        path = directory / f"page-{page:04d}.json"
        path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def _page_url(page: int, page_size: int) -> str:
    return f"{API_PAGE_URL}?page={page}&page_size={page_size}"


def write_csv(path: Path, courses: list[dict]) -> Path:
    """The catalogue as the CSV `dxbot courses import` reads: one course a row, the locale as its code."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_HEADER)
        for c in courses:
            writer.writerow(
                (c["id"], c["title"], c["url"], c["headline"], c["estimated_content_length"], c["locale"]["locale"])
            )
    return path


# --- the command line -----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    kb = commands.add_parser("kb", help="write distractor entries as YAML files for DXBOT_KB_DIR")
    kb.add_argument("directory", type=Path)
    kb.add_argument("--entries", type=int, default=10_000)
    kb.add_argument("--per-file", type=int, default=1000)
    kb.add_argument("--seed", type=int, default=0)
    courses = commands.add_parser("courses", help="write a course catalogue as a CSV or as API pages (JSON)")
    courses.add_argument("path", type=Path, help="the CSV file, or the directory of pages for --format json")
    courses.add_argument("--count", type=int, default=30_000)
    courses.add_argument("--format", choices=("csv", "json"), default="csv")
    courses.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command == "kb":
        written = write_kb_dir(args.directory, args.entries, args.seed, args.per_file)
        what = f"{args.entries:,} entries"
    else:
        generated = catalogue_courses(args.count, args.seed)
        written = [write_csv(args.path, generated)] if args.format == "csv" else write_json_pages(args.path, generated)
        what = f"{args.count:,} courses"
    size = sum(path.stat().st_size for path in written) / 2**20
    print(f"{what} in {len(written)} file(s), {size:.1f} MB, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
