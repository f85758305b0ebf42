"""Crossings recorded from the fall-back that a person must look at (EES Art 21).

A crossing kept locally during an outage happened: the traveller was admitted or left.
When it reaches the central system and the checks there object (the calculator allows
no stay on the day of entry), it is recorded as it happened, flagged for review with
the reason, and never set aside: a crossing that is not recorded makes the later exit
fail and hides the overstay.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from limes.ees.domain.assessment import StayAssessment
from limes.ees.domain.models import CrossingPoint, EntryExitRecord, RecordSource


def stay_admitted(
    assessment: StayAssessment, source: RecordSource, entry_day: date
) -> tuple[date | None, str | None]:
    """EES Art 21: the authorised stay of an entry, and why it needs review if it does.

    A live entry with no stay possible gets None (the guard refuses instead). An entry
    admitted during an outage is recorded with a stay that ended the day before it, so
    the overstay shows from the entry day (Art 12), and with the calculator's reason.
    """
    if assessment.authorised_until is not None or source is not RecordSource.FALLBACK:
        return assessment.authorised_until, None
    next_entry = assessment.next_entry
    when = f"; a stay could start on {next_entry.date}" if next_entry else ""
    reason = (
        f"Admitted on {entry_day} during an outage of the central system (EES Art 21), "
        f"but the calculator allows no stay that day: {assessment.days_used} days used "
        f"in the 180-day period{when}. Recorded as an overstay from {entry_day} (Art 12): "
        "check the traveller's evidence, rebut (Art 20) or extend (Art 19)."
    )
    return entry_day - timedelta(days=1), reason


def capture_point(crossing_point: CrossingPoint, source: RecordSource) -> CrossingPoint:
    """EES Art 21(3): a crossing recorded during an outage may lack biometrics; its file
    is kept pending biometrics and completed at the next crossing."""
    if source is RecordSource.FALLBACK:
        return replace(crossing_point, biometrics_required=False)
    return crossing_point


def review_warnings(entries: tuple[EntryExitRecord, ...]) -> list[str]:
    """What the guard is told about the traveller's crossings flagged for review."""
    return [
        f"The entry of {r.entry_day} was recorded from the fall-back and needs review: "
        f"{r.review_reason}"
        for r in entries
        if r.review_reason
    ]


def exit_before_outage_entry(
    open_entry: EntryExitRecord, entry_at: datetime, entry_day: date
) -> EntryExitRecord:
    """EES Art 21, 12: an entry kept during an outage finds an earlier entry with no exit.

    The traveller crossed, so they had left: the earlier record is closed on the latest
    day they can have left, the day of the new entry, which counts every day they may
    have stayed and hides no overstay; it carries no crossing point and is flagged for a
    person to establish the real exit (a rebuttal, Art 20, or a rectification, Art 35).
    """
    late = entry_day > open_entry.authorised_stay_until and not open_entry.family_member
    reason = (
        f"The exit after the entry of {open_entry.entry_day} was never recorded; a later "
        f"entry on {entry_day} was kept during an outage (EES Art 21), so the record is "
        f"closed on {entry_day}, the latest day the traveller can have left. Establish the "
        "real exit (rebuttal, Art 20; rectification, Art 35)."
    )
    return replace(
        open_entry,
        exit_at=entry_at,
        exit_date=entry_day,
        exit_crossing_point=None,
        exit_source=RecordSource.FALLBACK,
        overstay_from=open_entry.overstay_from
        or (open_entry.authorised_stay_until + timedelta(days=1) if late else None),
        review_reason=" ".join(r for r in (open_entry.review_reason, reason) if r),
    )
