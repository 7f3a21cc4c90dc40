"""What a question asks for, and whether a passage can say it.

Retrieval finds the passages about a question's topic; it cannot tell whether they hold what the question asks for.
「共同調達の1IDあたりの単価は？」 finds passages about joint procurement, none of which prints a price, and the honest
answer is that the sources do not say. So a question is read for:

- the kind of answer it wants (an amount, a count, a date, a person or body, a contact, a procedure), and the word
  that names it (受講料, 講師, 何社, 申請): a passage answers only if it gives that kind of thing, and for the
  specific words (受講料 rather than いくら) mentions them too;
- the years it names (2025年度, FY2026): a passage about another year does not answer it;
- whether it asks about the future (次の説明会はいつ): only a date on or after the day asked answers that.

The patterns are rules of the language, not knowledge. Questions and passages are read width-folded and lower-cased,
with kana kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["amount", "count", "date", "who", "contact", "procedure"]

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(
    rf"\d{{4}}\s*年|\d{{1,2}}\s*月|\d{{1,2}}\s*日|\d{{4}}-\d{{2}}|年度|令和|平成|毎月|毎週|曜|"
    rf"\b(?:19|20)\d{{2}}\b|\b(?:{_MONTHS})\b|\bfy\s?\d"
)
_MONEY = re.compile(r"\d\s*(?:万|億)?\s*円|\d\s*%|\d\s*yen|¥\s*\d")
_FREE = re.compile(r"無料|free of charge|\bfree\b")
# Words that only say "how much": any amount answers them. Every other cue (受講料, 予算, salary) must be in the
# passage too, so that a passage giving some other amount is no answer.
_AMOUNT_PLAIN = {
    "いくら",
    "何円",
    "何万円",
    "金額",
    "how much",
    "費用",
    "コスト",
    "cost",
    "price",
    "価格",
    "値段",
    "料金",
}
_SAME_AMOUNT = (
    {"上限", "限度額", "cap", "limit", "maximum"},
    {"助成率", "rate", "percentage", "割合", "%"},
    {"給与", "給料", "報酬", "salary"},
)
_FEES = {"受講料", "料金", "費用", "利用料", "受験料", "fee", "fees", "cost", "price", "いくら", "how much"}
_PERSON_OR_BODY = re.compile(
    r"さん|氏(?![名])|課|室|係|本部|部局|局|株式会社|コーポレーション|法人|協会|"
    r"\b(?:mr|ms|section|division|department|bureau|office|corporation|inc|ltd)\b"
)
_PERSON = re.compile(r"\S\s*さん|\S\s*氏(?![名])|\b(?:mr|ms|mrs|dr)\b\.?\s*\w|interviewee")
_SECTION = re.compile(r"課(?!題|程|金|税)|室|係|本部|\b(?:section|division|department|office)\b")
_CONTACT = re.compile(r"電話|\btel\b|\d{2,4}-\d{2,4}-\d{3,4}|@|窓口|問い?合わ?せ|\bcontact\b|\bphone\b")
_PROCEDURE = re.compile(
    r"申請|手続|申し?込|提出|届|登録|手順|ステップ|流れ|方法|\bapply|application|submit|register|\bsteps?\b|procedure"
)
_NUMBERED_STEPS = re.compile(r"(?m)^\s*[1-9][.)．]")

# Counters: the unit a count is in. A count question is answered by a number in the same unit.
_COUNTERS = {
    "people": r"人|名|people|persons?|staff|employees?|users?|learners?|residents?|members?|participants?|students?",
    "companies": r"社|企業|companies|company|firms?",
    "bodies": r"団体|自治体|市町村|市町|区|都道府県|県|municipalit(?:y|ies)|wards?|prefectures?|bodies|organi[sz]ations?",
    "hours": r"時間|hours?",
    "items": r"本|講座|コース|件|個|台|アプリ|プロジェクト|courses?|apps?|items?|projects?|devices?|smartphones?|phones?",
    "ages": r"歳|years? old",
    "years": r"年間?|years?",
    "durations": r"時間|日|か月|ヶ月|カ月|週間|年|hours?|days?|weeks?|months?|years?",
    "times": r"回|times",
}


@dataclass(frozen=True)
class _Rule:
    kind: Kind
    asks: re.Pattern[str]  # the question asks for this kind; group "cue" names what


# Checked in order: the first that matches is what the question asks for (「連絡先の電話番号」 is a contact).
_RULES = (
    _Rule(
        "contact",
        re.compile(
            r"(?P<cue>連絡先|電話番号|電話|メールアドレス|問い?合わ?せ先|窓口|phone number|phone|e-?mail address|contact)"
        ),
    ),
    _Rule(
        "count",
        re.compile(
            r"何(?P<cue>人|名|件|社|団体|自治体|市町村|講座|コース|本|回|か所|ヶ所|台|時間|歳|年間)|"
            r"(?P<noun>[^\s、。はがのをにも]{1,6})(?:は|が|の数は?)?いくつ|(?P<any>いくつ)|(?P<people>人数)|(?P<items>件数)|"
            r"how many (?P<cue_en>[a-z]+)|number of (?P<of>[a-z]+)|how long (?P<long>did|does|will|is)"
        ),
    ),
    _Rule(
        "amount",
        re.compile(
            r"(?P<cue>受講料|受験料|利用料|ライセンス料|予算|事業費|給与|給料|年収|報酬|単価|料金|価格|値段|費用|コスト|"
            r"助成額|支給額|助成率|上限|限度額|いくら|何円|何万円|金額|"
            r"how much|\bfees?\b|budget|salary|salaries|\bpay\b|\bprice|\bcost|\brate\b|percentage|\bcap\b)"
        ),
    ),
    _Rule(
        "date",
        re.compile(
            r"(?P<cue>いつ|何日|何月|何年に|日付|日程|期限|締め?切|〆切|期日|開始日|終了日|時期|"
            r"\bwhen\b|deadline|\bdates?\b|\buntil\b|by when|what year|which year|\bschedule)"
        ),
    ),
    _Rule(
        "who",
        re.compile(
            r"(?P<cue>(?<!対象は)(?:誰|だれ)(?!が対象|向け|でも)|どなた|お名前|名前|講師|担当者|どこの会社|どの会社|どこが運営|"
            r"担当部署|部署|所属|"
            r"\bwho\b(?! (?:is|are) (?:eligible|it for|they for|the target)| can| should)|\bwhom\b|\bwhose\b|which (?:company|section|department|person|staff|organi[sz]ation)|\bhead of\b|\bheads\b)"
        ),
    ),
    _Rule(
        "procedure",
        re.compile(
            r"(?P<cue>申請方法|申請の仕方|申し?込み?方|手続|やり方|手順|どうやって|どうすれば|どのように|方法|"
            r"how (?:do|can|should|does) (?:i|we|a|an|the|my|our|residents?|staff|companies|municipalit\w*)\b|"
            r"how to\b|\bsteps?\b|procedure)"
        ),
    ),
)
_FOR_WHOM = re.compile(r"対象|向け|\beligible\b|\bfor whom\b|who (?:is|are) (?:it|this|they) for|who can|who should")
_FUTURE = re.compile(r"次の|次は|次回|今後|来年|来月|これから|\bnext\b|\bupcoming\b|\bwill\b")
_COURSE_WORDS = re.compile(
    r"講座|コース|講義|教材|おすすめ|オススメ|お勧め|勉強|学べる|学びたい|学ぶ|受講|"
    r"\b(?:courses?|class(?:es)?|tutorials?|learn(?:ing)?|study|recommend(?:ed|ation)?s?|teach(?:es|ing)?|taught|covers?)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)|令和\s*(\d{1,2})\s*年")


@dataclass(frozen=True)
class Ask:
    """What a question wants: a kind of answer (None: the topic in general), the word naming it, the years it
    names and whether it asks about what is yet to come."""

    kind: Kind | None
    cue: str | None = None
    years: frozenset[int] = frozenset()
    future: bool = False


def read(question: str) -> Ask:
    text = _fold(question)
    years = _years(text)
    future = bool(_FUTURE.search(text))
    for rule in _RULES:
        match = rule.asks.search(text)
        if match and rule.kind == "who" and _FOR_WHOM.search(text):
            continue  # 「誰が対象？」 asks which staff a thing is for, not a person's name
        if match:
            cue = next((value for value in match.groupdict().values() if value), None)
            if rule.kind == "count":
                cue = _counter(match)
            if rule.kind == "contact":  # 「窓口の電話番号」 asks for the number, not the desk
                cue = next((c for c in ("電話番号", "メールアドレス") if c in text), None) or (
                    "phone" if re.search(r"phone|call", text) else "e-mail address" if "mail" in text else cue
                )
            return Ask(rule.kind, cue, years, future and rule.kind == "date")
    return Ask(None, None, years)


def course_topic(question: str) -> str | None:
    """What a "which course?" question is about, without its course words (「Excel VBA の講座は？」 → 「Excel VBA の
    は？」), for searching the catalogue; None when the question does not ask for a course."""
    topic = _COURSE_WORDS.sub(" ", question)
    return topic if topic != question else None


def answers(ask: Ask, passage: str, on: date, *, whole: bool = False) -> bool:
    """Whether `passage` holds what `ask` wants: its years, and an answer of its kind. `whole`: the passage mentions
    every topic word of the question (only then is its 「無料」 the price of what was asked about)."""
    text = _fold(passage)
    if ask.years and not ask.years <= _years(text):
        return False
    if ask.kind is None:
        return True
    return _GIVES[ask.kind](ask, text, on, whole)


def _amount(ask: Ask, text: str, on: date, whole: bool) -> bool:
    cues = next((group for group in _SAME_AMOUNT if ask.cue in group), {ask.cue})
    if ask.cue not in _AMOUNT_PLAIN and not any(cue in text for cue in cues):
        return False
    return bool(_MONEY.search(text) or (whole and ask.cue in _FEES and _FREE.search(text)))


def _count(ask: Ask, text: str, on: date, whole: bool) -> bool:
    unit = _COUNTERS.get(ask.cue or "", re.escape(ask.cue) if ask.cue else r"[^\d\s]")
    return bool(re.search(rf"\d[\d,.]*\s*(?:万|億|千)?\s*(?:{unit})|(?:{unit})\s*\d", text))


def _date(ask: Ask, text: str, on: date, whole: bool) -> bool:
    if ask.future:
        return any(year >= on.year for year in _years(text))
    return bool(_DATE.search(text))


def _who(ask: Ask, text: str, on: date, whole: bool) -> bool:
    """A person is named as 〜さん or 〜氏 in the sources; a body by its kind (課, 株式会社, section)."""
    if ask.cue in ("担当部署", "部署", "所属"):
        return bool(_SECTION.search(text))
    body = re.fullmatch(r"which (\w+)|どこの(会社)|どの(会社)", ask.cue or "")
    if body:
        kind = next(group for group in body.groups() if group)
        return kind in text and bool(_PERSON_OR_BODY.search(text))
    return bool(_PERSON.search(text))


def _contact(ask: Ask, text: str, on: date, whole: bool) -> bool:
    if ask.cue in ("電話番号", "電話", "phone number", "phone"):
        return bool(re.search(r"\d{2,4}-\d{2,4}-\d{3,4}", text))
    if ask.cue in ("メールアドレス", "e-mail address", "email address"):
        return "@" in text
    return bool(_CONTACT.search(text))


def _procedure(ask: Ask, text: str, on: date, whole: bool) -> bool:
    words = set(_PROCEDURE.findall(text))
    return len(words) >= 2 or bool(words and _NUMBERED_STEPS.search(text))


_GIVES = {
    "amount": _amount,
    "count": _count,
    "date": _date,
    "who": _who,
    "contact": _contact,
    "procedure": _procedure,
}


def _counter(match: re.Match[str]) -> str | None:
    """The unit a count question counts in: 何社 → companies, how many employees → people; None: any unit."""
    if match.group("long"):
        return "durations"  # "how long did it take" is answered in hours, days, months…
    if match.group("people") or match.group("items"):
        return "people" if match.group("people") else "items"
    word = match.group("cue") or match.group("cue_en") or match.group("of") or match.group("noun")
    if not word:
        return None
    for name, pattern in _COUNTERS.items():
        if re.fullmatch(pattern, word) or (match.group("noun") and re.search(rf"(?:{pattern})$", word)):
            return name
    return None if match.group("noun") else word


def _years(text: str) -> frozenset[int]:
    return frozenset(int(western) if western else 2018 + int(reiwa) for western, reiwa in _YEAR.findall(text))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()
