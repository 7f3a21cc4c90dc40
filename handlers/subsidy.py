"""`/dx subsidy 60時間 30万円 中小`: the subsidy calculator in Slack."""

from __future__ import annotations

from handlers import blocks
from handlers.request import Request
from knowledge.messages import t
from knowledge.subsidy import SubsidyInputError, calculate, parse_request_text


def subsidy(request: Request) -> None:
    try:
        estimate = calculate(request.services.editions, **parse_request_text(request.text), on=request.services.today())
    except SubsidyInputError as problem:
        request.reply(f"{problem}\n{t('subsidy_usage', request.lang)}")
        return
    lang, per_person = request.lang, estimate.per_person
    if estimate.eligible:
        headline = t(
            "subsidy_result",
            lang,
            expense=f"{per_person.expense:,}",
            wage=f"{per_person.wage:,}",
            per_person=f"{per_person.total:,}",
            total=f"{estimate.total:,}",
            edition=estimate.rules_as_of.isoformat(),
        )
    else:
        headline = t("subsidy_not_eligible", lang, edition=estimate.rules_as_of.isoformat())
    notes = "\n".join(f"※ {note}" for note in estimate.notes)
    request.reply(f"{headline}\n{notes}", [blocks.section(headline), blocks.context(notes)])
