"""Business days, as a Japanese municipal office keeps them: a scheduled post whose slot falls on a weekend, a 祝日 or
振替休日 (jpholiday), or a closed day (年末年始, 12/29–1/3, by default) moves to the next business day at the same local
time, and says why. Pure functions of dates; the deployment's choice comes from bot/settings.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import jpholiday

YEAR_END = ((12, 29), (1, 3))  # 年末年始: 12/29 to 1/3, the closed days of most offices
LONGEST_CLOSURE = 366  # days: a calendar that closes longer than this is a mistake, not a holiday
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MonthDay = tuple[int, int]


@dataclass(frozen=True)
class ClosedSpan:
    """Closed days that come back every year, from `first` to `last` (month, day) inclusive; it may wrap the new
    year (12-29..01-03)."""

    first: MonthDay
    last: MonthDay
    label: str = "年末年始"

    def __contains__(self, day: date) -> bool:
        here = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= here <= self.last
        return here >= self.first or here <= self.last


@dataclass(frozen=True)
class BusinessCalendar:
    """`holidays` False: every day is a business day (slots never move). Else weekends, Japanese public holidays
    and the `closed` spans are not."""

    holidays: bool = True
    closed: tuple[ClosedSpan, ...] = (ClosedSpan(*YEAR_END),)

    def closed_because(self, day: date) -> str | None:
        """Why `day` is not a business day ("2026-11-23 is 勤労感謝の日"), or None when it is one."""
        why = self.why_closed(day)
        return f"{day.isoformat()} is {why}" if why else None

    def why_closed(self, day: date) -> str | None:
        """What `day` is when it is not a business day: 勤労感謝の日, 年末年始, a Saturday."""
        return _why_closed(self, day) if self.holidays else None

    def move(self, slot: datetime) -> Moved:
        """The first business day at or after `slot`'s day, at the same local time, with every day skipped and why."""
        skipped: list[tuple[date, str]] = []
        day = slot.date()
        while (why := self.why_closed(day)) is not None:
            skipped.append((day, why))
            if len(skipped) > LONGEST_CLOSURE:
                raise ValueError(f"no business day within {LONGEST_CLOSURE} days of {slot.date().isoformat()}")
            day += timedelta(days=1)
        at = slot if day == slot.date() else slot.replace(year=day.year, month=day.month, day=day.day)
        return Moved(slot=slot, at=at, skipped=tuple(skipped))

    def closure_start(self, day: date) -> date:
        """The first day of the closed days just before `day`: a slot from that day on may move to `day` or later.
        `day` itself when the day before is a business day."""
        start = day
        while self.closed_because(start - timedelta(days=1)) is not None and (day - start).days < LONGEST_CLOSURE:
            start -= timedelta(days=1)
        return start


@lru_cache(maxsize=4096)
def _why_closed(calendar: BusinessCalendar, day: date) -> str | None:
    name = jpholiday.is_holiday_name(day)
    if name:
        return name
    for span in calendar.closed:
        if day in span:
            return span.label
    if day.weekday() >= 5:
        return f"a {WEEKDAYS[day.weekday()]}"
    return None


@dataclass(frozen=True)
class Moved:
    """A scheduled slot and when it really runs: `at` is `slot` itself on a business day."""

    slot: datetime
    at: datetime
    skipped: tuple[tuple[date, str], ...] = ()  # each day passed over, and what it is

    @property
    def moved(self) -> bool:
        return self.at != self.slot

    @property
    def reason(self) -> str | None:
        """Why it moved, in one line, alike days together: "2026-11-23 is 勤労感謝の日 → 2026-11-24T09:00+09:00",
        "2026-12-29..2026-12-31 are 年末年始; 2027-01-01 is 元日; …"."""
        if not self.moved:
            return None
        groups: list[list] = []  # [first day, last day, what]
        for day, why in self.skipped:
            if groups and groups[-1][2] == why:
                groups[-1][1] = day
            else:
                groups.append([day, day, why])
        said = [
            f"{first.isoformat()} is {why}" if first == last else f"{first.isoformat()}..{last.isoformat()} are {why}"
            for first, last, why in groups
        ]
        return "; ".join(said) + f" → {self.at.isoformat(timespec='minutes')}"


def runs(
    calendar: BusinessCalendar, next_slot: Callable[[datetime], datetime | None], after: datetime
) -> Iterator[list[Moved]]:
    """The runs at or after `after`, in order, each as the slots that moved onto it (two slots of a daily cron in
    年末年始 both run on 1/4, once). `next_slot(t)` is the schedule's first slot at or after `t`."""
    start = calendar.closure_start(after.date())
    if start == after.date() and calendar.closed_because(start) is None:
        cursor = after  # nothing before `after` can move onto it
    else:  # the slots of the closed days just before (or from the start of today's) may move onto `after` or later
        cursor = after.replace(year=start.year, month=start.month, day=start.day, hour=0, minute=0, second=0)
        cursor = cursor.replace(microsecond=0)
    pending: list[Moved] = []
    while (slot := next_slot(cursor)) is not None:
        cursor = slot + timedelta(microseconds=1)
        moved = calendar.move(slot)
        if moved.at < after:
            continue
        if pending and moved.at != pending[0].at:
            yield pending
            pending = []
        pending.append(moved)
    if pending:
        yield pending


def parse_closed_days(text: str) -> tuple[ClosedSpan, ...]:
    """DXBOT_CLOSED_DAYS: comma-separated MM-DD or MM-DD..MM-DD, e.g. `12-29..01-03,08-13..08-15`; `none` for no
    closed days besides weekends and holidays. Raises ValueError naming the part that is wrong."""
    if text.strip().lower() == "none":
        return ()
    spans = []
    for part in (p.strip() for p in text.split(",")):
        first, _, last = part.partition("..")
        try:
            begin = _month_day(first)
            end = _month_day(last) if last else begin
        except ValueError:
            raise ValueError(f"{part!r} is not MM-DD or MM-DD..MM-DD (like 12-29..01-03)") from None
        label = "年末年始" if (begin, end) == YEAR_END else "休業日"
        spans.append(ClosedSpan(begin, end, label))
    return tuple(spans)


def _month_day(text: str) -> MonthDay:
    month, _, day = text.strip().partition("-")
    value = date(2024, int(month), int(day))  # a leap year: 02-29 is a valid closed day
    return value.month, value.day
