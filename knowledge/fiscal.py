"""The Japanese fiscal year (年度), April to March: ledgers, yearly hours and subsidy paperwork count by it."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

FIRST_MONTH = 4


def fiscal_year(day: date) -> int:
    """令和8年度 is fiscal 2026: 2026-04-01 to 2027-03-31."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def fiscal_year_span(year: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of fiscal `year` in local time, as aware datetimes."""
    start = datetime.combine(date(year, FIRST_MONTH, 1), time(), tz)
    return start, datetime.combine(date(year + 1, FIRST_MONTH, 1), time(), tz)
