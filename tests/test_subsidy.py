"""The subsidy calculator over the real rule editions, and reading free-text Slack requests."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from knowledge.kb import KnowledgeError
from knowledge.subsidy import (
    Edition,
    SubsidyInputError,
    calculate,
    edition_for,
    load_editions,
    parse_request_text,
)

FY2024 = date(2024, 8, 26)
FY2026 = date(2026, 11, 23)


@pytest.fixture(scope="module")
def editions() -> list[Edition]:
    return load_editions()


def estimate(editions: list[Edition], on: date = FY2024, **overrides) -> dict:
    kwargs = dict(hours=60, cost_per_person=300_000, size="sme", on=on) | overrides
    return calculate(editions, **kwargs).model_dump(mode="json")


def test_editions_are_sorted_and_validated(editions):
    assert [e.effective_from for e in editions] == sorted(e.effective_from for e in editions)
    assert [str(e.edition) for e in editions] == ["2024-08-26", "2025-04-01"]


def test_invalid_edition_lists_the_problem(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("edition: 2024-01-01\nmin_hours: ten\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad\.yaml"):
        load_editions(tmp_path)


def test_the_newsletter_example(editions):
    result = estimate(editions)
    assert result["eligible"] is True
    assert result["per_person"] == {"expense": 225_000, "wage": 57_600, "total": 282_600}
    assert result["total"] == 282_600
    assert result["rules_as_of"] == "2024-08-26"
    assert set(result) == {"eligible", "per_person", "total", "rules_as_of", "notes"}


def test_fy2025_wage_rate_without_the_unconfirmed_wage_increase_addition(editions):
    result = estimate(editions, on=FY2026)
    assert result["per_person"] == {"expense": 225_000, "wage": 60_000, "total": 285_000}
    assert result["rules_as_of"] == "2025-04-01"
    assert any("2025-04-01" in note for note in result["notes"])
    assert not any("賃金要件" in note or "1,200円" in note or "85%" in note for note in result["notes"])


def test_notes_always_carry_the_disclaimer_and_edition(editions):
    for on in (FY2024, FY2026):
        edition, _ = edition_for(editions, on)
        notes = estimate(editions, on=on)["notes"]
        assert notes[-1] == edition.disclaimer
        assert str(edition.edition) in notes[0]


def test_large_company_expense_cap(editions):
    result = estimate(editions, on=FY2026, hours=150, cost_per_person=600_000, size="large")
    assert result["per_person"]["expense"] == 250_000
    assert result["per_person"]["wage"] == 150 * 500
    assert any("250,000円" in note for note in result["notes"])


@pytest.mark.parametrize(
    ("hours", "sme_cap", "large_cap"),
    [
        (10, 300_000, 200_000),
        (99.9, 300_000, 200_000),
        (100, 400_000, 250_000),
        (199.9, 400_000, 250_000),
        (200, 500_000, 300_000),
    ],
)
def test_hour_band_boundaries(editions, hours, sme_cap, large_cap):
    huge = 10_000_000
    assert estimate(editions, hours=hours, cost_per_person=huge)["per_person"]["expense"] == sme_cap
    assert estimate(editions, hours=hours, cost_per_person=huge, size="large")["per_person"]["expense"] == large_cap
    wage = estimate(editions, hours=hours)["per_person"]["wage"]
    assert wage == math.floor(round(hours * 960, 6))


def test_under_ten_hours_is_not_eligible(editions):
    result = estimate(editions, hours=9.9)
    assert result["eligible"] is False
    assert result["per_person"] == {"expense": 0, "wage": 0, "total": 0}
    assert result["total"] == 0
    assert any("10時間未満" in note for note in result["notes"])


def test_float_rates_do_not_lose_a_yen(editions):
    # 0.6 × 300000 in binary floating point is 179999.99…; the subsidy is 180000.
    assert estimate(editions, size="large", cost_per_person=300_000)["per_person"]["expense"] == 180_000
    assert estimate(editions, hours=99.9)["per_person"]["wage"] == 95_904


@pytest.mark.parametrize("delivery", ["elearning", "correspondence"])
def test_an_unconfirmed_wage_subsidy_is_left_out_and_marked_to_be_checked(editions, delivery):
    result = estimate(editions, delivery=delivery, on=FY2026)
    assert result["per_person"] == {"expense": 225_000, "wage": 0, "total": 225_000}
    assert any(note.startswith("要確認：") and "賃金助成" in note for note in result["notes"])


def test_subscription_training_is_left_out_of_the_total_until_its_rules_are_confirmed(editions):
    result = estimate(editions, delivery="subscription", on=FY2026)
    assert result["per_person"] == {"expense": 0, "wage": 0, "total": 0} and result["total"] == 0
    unconfirmed = [note for note in result["notes"] if note.startswith("要確認：")]
    assert len(unconfirmed) == 2 and "定額制サービス" in unconfirmed[0] and "キュースフル" in unconfirmed[0]


def test_wage_hours_beyond_the_reported_cap_are_left_out_and_marked(editions):
    result = estimate(editions, hours=1_500, cost_per_person=0, on=FY2026)
    assert result["per_person"]["wage"] == 1_200 * 1_000
    assert any("1,200時間を超える分" in note for note in result["notes"])
    assert not any("1,200時間" in note for note in estimate(editions, hours=1_200, on=FY2026)["notes"])


def test_people_multiply_and_the_establishment_cap_applies(editions):
    assert estimate(editions, people=5)["total"] == 5 * 282_600
    result = estimate(editions, hours=1_000, cost_per_person=10_000_000, people=1_000)
    assert result["per_person"]["total"] == 500_000 + 960_000
    assert result["total"] == 100_000_000
    assert any("100,000,000円" in note for note in result["notes"])


def test_dates_before_the_first_edition_use_it_with_a_note(editions):
    result = estimate(editions, on=date(2020, 1, 1))
    assert result["rules_as_of"] == "2024-08-26"
    assert any("earliest known edition" in note for note in result["notes"])


def test_after_the_course_ends_warns(editions):
    result = estimate(editions, on=date(2027, 4, 1))
    assert result["rules_as_of"] == "2025-04-01"
    assert any("2027-03-31" in note and "may have ended" in note for note in result["notes"])
    assert not any("may have ended" in note for note in estimate(editions, on=date(2027, 3, 31))["notes"])


def test_an_edition_past_its_end_says_newer_rules_may_exist(editions):
    fy2024_only = [edition for edition in editions if str(edition.edition) == "2024-08-26"]
    edition, notes = edition_for(fy2024_only, FY2026)
    assert str(edition.edition) == "2024-08-26"
    assert any("newer rules may exist" in note for note in notes)


def test_edition_boundary(editions):
    assert str(edition_for(editions, date(2025, 3, 31))[0].edition) == "2024-08-26"
    assert str(edition_for(editions, date(2025, 4, 1))[0].edition) == "2025-04-01"


@pytest.mark.parametrize(
    "bad",
    [
        {"hours": 0},
        {"hours": -5},
        {"hours": math.nan},
        {"hours": math.inf},
        {"hours": "60"},
        {"cost_per_person": -1},
        {"cost_per_person": 1.5},
        {"cost_per_person": True},
        {"people": 0},
        {"people": 2.5},
        {"size": "medium"},
        {"delivery": "video"},
    ],
)
def test_bad_input_gives_one_bilingual_line(editions, bad):
    with pytest.raises(SubsidyInputError) as raised:
        estimate(editions, **bad)
    message = str(raised.value)
    assert "\n" not in message and " / " in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60時間 30万円 中小", {"hours": 60, "cost_per_person": 300_000, "size": "sme"}),
        (
            "60h 300000円 大企業 5人 eラーニング",
            {"hours": 60, "cost_per_person": 300_000, "size": "large", "people": 5, "delivery": "elearning"},
        ),
        ("hours=60 cost=300,000 size=sme", {"hours": 60, "cost_per_person": 300_000, "size": "sme"}),
        ("６０時間　３０万円　中小企業", {"hours": 60, "cost_per_person": 300_000, "size": "sme"}),
        ("10時間 5千円 sme", {"hours": 10, "cost_per_person": 5_000, "size": "sme"}),
        ("60時間 30万5千円 中小です", {"hours": 60, "cost_per_person": 305_000, "size": "sme"}),
        ("¥300,000 7.5hrs SME", {"hours": 7.5, "cost_per_person": 300_000, "size": "sme"}),
        (
            "60 hours 1.5万円 large, 3 people, e-learning",
            {"hours": 60, "cost_per_person": 15_000, "size": "large", "people": 3, "delivery": "elearning"},
        ),
        ("5人 1人あたり30万円 60時間 中小", {"hours": 60, "cost_per_person": 300_000, "size": "sme", "people": 5}),
        ("１人当たり５千円、１２時間、大企業", {"hours": 12, "cost_per_person": 5_000, "size": "large"}),
        (
            "60時間 300000 中小 集合研修",
            {"hours": 60, "cost_per_person": 300_000, "size": "sme", "delivery": "classroom"},
        ),
        (
            "60時間 30万円 中小 定額制",
            {"hours": 60, "cost_per_person": 300_000, "size": "sme", "delivery": "subscription"},
        ),
        (
            "60時間 30万円 大企業 通信制",
            {"hours": 60, "cost_per_person": 300_000, "size": "large", "delivery": "correspondence"},
        ),
        (
            "60h 300000 yen sme subscription",
            {"hours": 60, "cost_per_person": 300_000, "size": "sme", "delivery": "subscription"},
        ),
    ],
)
def test_parse_request_text(text, expected):
    assert parse_request_text(text) == expected


def test_parsed_request_feeds_the_calculator(editions):
    result = calculate(editions, **parse_request_text("60時間 30万円 中小"), on=FY2024)
    assert result.total == 282_600


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("60時間", "cost per person, company size"),
        ("30万円 中小", "hours"),
        ("", "hours, cost per person, company size"),
        ("60時間 80時間 30万円 中小", "Hours was given more than once"),
        ("60時間 30万円 中小 大企業", "Company size was given more than once"),
        ("60時間 1.23456万円 中小", "whole yen"),
    ],
)
def test_parse_request_text_says_what_is_missing(text, named):
    with pytest.raises(SubsidyInputError, match=named) as raised:
        parse_request_text(text)
    assert "\n" not in str(raised.value)
