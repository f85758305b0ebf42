"""A deliberately simple, day-by-day reading of the official calculator.

It walks days one at a time as the Commission's JavaScript does, with no
bisection and no assumption that counts only grow, so that the fast calculator can
be checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAY = timedelta(days=1)


@dataclass
class ReferenceAnswer:
    days_used: int
    overstays: list[tuple[date, date, int, int]]  # first day over, exit, days, in window
    planning_days: int
    stay_until: date | None
    next_entry: tuple[date, int] | None


def _count(day: date, present: set[date]) -> int:
    return sum(1 for k in range(180) if day - k * DAY in present)


def _run(start: date, present: set[date]) -> int:
    """Consecutive days from `start` whose window holds at most 90 days, present from start."""
    days = 0
    hypothetical = set(present)
    day = start
    while days < 180:
        hypothetical.add(day)
        if _count(day, hypothetical) > 90:
            break
        days += 1
        day += DAY
    return days


def reference(stays: list[tuple[date, date]], on: date) -> ReferenceAnswer:
    present: set[date] = set()
    for entry, exit_ in stays:
        day = entry
        while day <= exit_:
            present.add(day)
            day += DAY
    overstays = []
    for entry, exit_ in sorted(stays):
        day = entry
        while day <= exit_:
            if _count(day, present) > 90:
                overstays.append((day, exit_, (exit_ - day).days + 1, _count(exit_, present)))
                break
            day += DAY
    raw = _run(on, present)
    planning = raw - 1 if on in present and raw > 0 else raw
    if planning > 0:
        return ReferenceAnswer(_count(on, present), overstays, planning, on + (raw - 1) * DAY, None)
    candidate = on + DAY
    while _count(candidate, present | {candidate}) > 90:
        candidate += DAY
    return ReferenceAnswer(
        _count(on, present), overstays, 0, None, (candidate, _run(candidate, present))
    )
