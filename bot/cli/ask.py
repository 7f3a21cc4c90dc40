"""`dxbot ask` and `dxbot subsidy`: the knowledge base and the subsidy calculator, without Slack."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.support import JsonFlag, UserError, day, load_services, number, print_json, whole


def register(cli: typer.Typer) -> None:
    cli.command()(ask)
    cli.command()(subsidy)


def ask(
    question: Annotated[str, typer.Argument(help="the question, in Japanese or English")],
    as_json: JsonFlag = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="YYYY-MM-DD", help="answer for this date; default today")
    ] = None,
) -> None:
    """Answer a question from the knowledge base, citing sources (works offline; uses OPENAI_API_KEY if set)."""
    from knowledge.answer import QUESTION_LIMIT
    from knowledge.text import clean_input

    cleaned = clean_input(question, QUESTION_LIMIT)
    if cleaned is None:
        raise UserError(f"the question must be 1–{QUESTION_LIMIT} characters")
    on = day("--as-of", as_of) if as_of else None
    services = load_services(migrated=False)  # answers from the knowledge base even before `dxbot db upgrade`
    answer = services.answerer.answer(cleaned, on=on or services.today())
    if as_json:
        print_json(answer.as_json())
        return
    typer.echo(answer.text)
    for n, source in enumerate(answer.sources, start=1):
        typer.echo(f"[{n}] {source.title} ({source.as_of or 'date unknown'}) {source.url or ''}".rstrip())


def subsidy(
    hours: Annotated[str, typer.Option(help="training hours per person, e.g. 60")],
    cost: Annotated[str, typer.Option(help="training cost per person in yen: 300000, 300,000 or 30万")],
    size: Annotated[str, typer.Option(help="the employer's size: sme (中小) or large (大企業)")],
    people: Annotated[str, typer.Option(help="how many people are trained")] = "1",
    delivery: Annotated[
        str,
        typer.Option(
            help="classroom (集合), elearning (eラーニング), correspondence (通信制) or subscription (定額制)"
        ),
    ] = "classroom",
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="YYYY-MM-DD", help="the rules in force on this day; default today")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Estimate the 人材開発支援助成金 (事業展開等リスキリング支援コース) for an employer's training."""
    from knowledge.subsidy import MAX_COST, MAX_HOURS, MAX_PEOPLE, calculate

    values = dict(
        hours=number("--hours", hours, positive=True, most=MAX_HOURS),
        cost_per_person=whole("--cost", cost.replace("万", "e4").removesuffix("円"), most=MAX_COST, shown=cost),
        size=_choice("--size", size, "sme, large, 中小 or 大企業"),
        people=whole("--people", people, positive=True, most=MAX_PEOPLE),
        delivery=_choice("--delivery", delivery, "classroom, elearning, correspondence or subscription"),
        on=day("--as-of", as_of) if as_of else None,
    )
    services = load_services(migrated=False)  # the calculator needs no database
    estimate = calculate(services.editions, **(values | {"on": values["on"] or services.today()}))
    if as_json:
        print_json(estimate.model_dump(mode="json"))
        return
    per_person = estimate.per_person
    typer.echo(
        f"eligible: {'yes' if estimate.eligible else 'no'}\n"
        f"per person: expense {per_person.expense:,} + wage {per_person.wage:,} = {per_person.total:,} yen\n"
        f"total: {estimate.total:,} yen (rules as of {estimate.rules_as_of})"
    )
    for note in estimate.notes:
        typer.echo(f"※ {note}")


def _choice(option: str, raw: str, allowed: str) -> str:
    from knowledge.subsidy import read_choice

    key = option.removeprefix("--")
    value = read_choice(key, raw)
    if value is None:
        raise UserError(f"{option} must be one of {allowed}, not {raw!r}")
    return value
