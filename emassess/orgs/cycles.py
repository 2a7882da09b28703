"""Reassessment cycles: calendar periods of an organisation's cadence, in its time zone.

A quarterly organisation's cycles are calendar quarters ("2026-Q4"), a half-yearly one's are
halves ("2026-H2"), a yearly one's are years ("2026"). Results are always labelled by quarter,
so trends read the same whatever the cadence.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass

QUARTER_LABEL = re.compile(r"^(\d{4})-Q([1-4])$")
CYCLE_LABEL = re.compile(r"^(\d{4})(?:-([QH])([1-4]))?$")


@dataclass(frozen=True)
class Cycle:
    start: datetime.date  # first day
    end: datetime.date  # first day of the next cycle
    label: str

    @property
    def due_on(self) -> datetime.date:
        """The last day to complete it: the reminders, the manager's home and HR say this date."""
        return self.end - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day < self.end

    def bounds(self, timezone_name: str) -> tuple[datetime.datetime, datetime.datetime]:
        """The cycle as aware datetimes: midnight at its start and end in the given time zone."""
        zone = zoneinfo.ZoneInfo(timezone_name)
        return (
            datetime.datetime.combine(self.start, datetime.time(), tzinfo=zone),
            datetime.datetime.combine(self.end, datetime.time(), tzinfo=zone),
        )


def _label(start: datetime.date, months: int) -> str:
    if months == 3:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if months == 6:
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    return f"{start.year}"


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(month_index: int) -> datetime.date:
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def cycle_containing(day: datetime.date, months: int = 3) -> Cycle:
    if 12 % months:
        raise ValueError(f"a cadence must divide the year, not {months} months")
    first = _month_index(day) - _month_index(day) % months
    start = _first_of(first)
    return Cycle(start, _first_of(first + months), _label(start, months))


def shift(cycle: Cycle, count: int, months: int = 3) -> Cycle:
    """The cycle `count` cycles after this one (before it when negative)."""
    return cycle_containing(_first_of(_month_index(cycle.start) + count * months), months)


def quarter_of(moment: datetime.datetime, timezone_name: str) -> str:
    """The calendar quarter a moment falls in, in the given time zone: '2026-Q4'."""
    local = moment.astimezone(zoneinfo.ZoneInfo(timezone_name)).date()
    return cycle_containing(local, 3).label


def parse_quarter(label: str) -> Cycle:
    match = QUARTER_LABEL.match(label or "")
    if not match:
        raise ValueError(f"not a quarter: {label!r} (expected e.g. 2026-Q4)")
    year, quarter = int(match[1]), int(match[2])
    return cycle_containing(datetime.date(year, 3 * quarter - 2, 1), 3)


def quarter_labels(cycle: Cycle) -> list[str]:
    """The quarters a cycle is made of, as results are labelled: '2026-H2' is 2026-Q3 and 2026-Q4."""
    first = cycle_containing(cycle.start, 3)
    count = (_month_index(cycle.end) - _month_index(cycle.start)) // 3
    return [shift(first, offset, 3).label for offset in range(count)]


def quarters_up_to(last: Cycle, count: int) -> list[Cycle]:
    """The `count` quarters ending with `last`, oldest first."""
    return [shift(last, offset, 3) for offset in range(1 - count, 1)]


def parse_cycle(label: str) -> Cycle:
    """The cycle a label names: '2026-Q4', '2026-H2' or '2026'."""
    match = CYCLE_LABEL.match(label or "")
    if not match or (match[2] == "H" and match[3] not in ("1", "2")):
        raise ValueError(f"not a cycle: {label!r} (expected e.g. 2026-Q4, 2026-H2 or 2026)")
    year = int(match[1])
    if match[2] is None:
        return cycle_containing(datetime.date(year, 1, 1), 12)
    months = 3 if match[2] == "Q" else 6
    return cycle_containing(datetime.date(year, months * (int(match[3]) - 1) + 1, 1), months)
