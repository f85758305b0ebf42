"""What the automated calculator tells the border guard (EES Art 11)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from limes.ees.domain.models import Direction, EntryExitRecord, VisaDetails
from limes.ees.domain.rules import stays_of
from limes.shortstay import (
    Calculation,
    Mode,
    NextEntry,
    Overstay,
    ShortStayVisa,
    Window,
    calculate,
)


@dataclass(frozen=True, slots=True)
class StayAssessment:
    """The calculator's verdict at a border check, in the guard's terms.

    At entry, `authorised_until` is the end of the maximum authorised stay and
    `max_stay_days` its length; at exit, `overstay_days` counts the days past the
    authorised stay recorded at entry.
    """

    direction: Direction
    window: Window
    days_used: int
    max_stay_days: int
    authorised_until: date | None
    overstay_days: int
    next_entry: NextEntry | None
    earlier_overstays: int
    explanation: str
    calculation: Calculation


def _visa(visa: VisaDetails | None, entries: Sequence[EntryExitRecord]) -> ShortStayVisa | None:
    if visa is None:
        return None
    used = sum(
        1 for r in entries if r.visa is not None and r.visa.sticker_number == visa.sticker_number
    )
    return ShortStayVisa(visa.valid_from, visa.valid_until, visa.duration_days, visa.entries, used)


def assess_entry(
    entries: Sequence[EntryExitRecord],
    today: date,
    visa: VisaDetails | None,
    biometric_file: bool = False,
) -> StayAssessment:
    """EES Art 11(1): the maximum authorised stay of an entry today, visa included.

    An overstay earlier in the history is reported but does not block the answer for
    the current 180-day window, which is what the guard decides on.
    """
    closed = [r for r in entries if r.exit_at is not None]
    calculation = calculate(
        stays_of(closed, today, biometric_file), today, Mode.PLANNING, _visa(visa, entries)
    )
    answer = calculation.answer or calculation.answer_ignoring_overstay
    assert answer is not None  # noqa: S101 - one of the two is always set
    overstays = unauthorised_overstays(calculation.overstays, closed)
    explanation = calculation.explanation
    if overstays:
        explanation = (
            f"{len(overstays)} earlier overstay(s) on record. "
            f"For the current 180-day period: {_current(calculation.days_used, answer.planning_days, answer.stay_until)}"
        )
    return StayAssessment(
        direction=Direction.ENTRY,
        window=calculation.window,
        days_used=calculation.days_used,
        max_stay_days=answer.planning_days,
        authorised_until=answer.stay_until,
        overstay_days=0,
        next_entry=answer.next_entry,
        earlier_overstays=len(overstays),
        explanation=explanation,
        calculation=calculation,
    )


def unauthorised_overstays(
    overstays: Sequence[Overstay], records: Sequence[EntryExitRecord]
) -> tuple[Overstay, ...]:
    """EES Art 19(1), 12: the days past 90 in 180 that no authorised stay covered.

    A stay extended under Visa Code Art 33 or SBC Art 20(2) may run past 90 days in
    180; its days still count in later windows, but leaving within the extended stay
    is no overstay.
    """
    return tuple(
        o
        for o in overstays
        if not any(
            r.stay_limit is not None
            and r.overstay_from is None
            and (exit_day := r.exit_day) is not None
            and r.entry_day <= o.period.start
            and o.period.end <= min(exit_day, r.stay_limit)
            for r in records
        )
    )


def _current(days_used: int, days: int, until: date | None) -> str:
    if until is None:
        return f"{days_used} days used; no stay may be authorised today."
    return f"{days_used} days used; a stay may be authorised for up to {days} days, until {until}."


def assess_exit(
    entries: Sequence[EntryExitRecord],
    open_entry: EntryExitRecord,
    today: date,
    biometric_file: bool = False,
) -> StayAssessment:
    """EES Art 11(3): at exit, any overstay beyond the authorised stay recorded at entry."""
    calculation = calculate(stays_of(entries, today, biometric_file), today, Mode.CHECK)
    overstay_days = max(0, (today - open_entry.authorised_stay_until).days)
    if overstay_days:
        explanation = (
            f"Overstay: the authorised stay ended on {open_entry.authorised_stay_until}; "
            f"the traveller leaves {overstay_days} day(s) later."
        )
    else:
        explanation = (
            f"No overstay: the authorised stay runs until {open_entry.authorised_stay_until}."
        )
    return StayAssessment(
        direction=Direction.EXIT,
        window=calculation.window,
        days_used=calculation.days_used,
        max_stay_days=0,
        authorised_until=open_entry.authorised_stay_until,
        overstay_days=overstay_days,
        next_entry=None,
        earlier_overstays=len(calculation.overstays),
        explanation=explanation,
        calculation=calculation,
    )
