"""Crossings recorded from the fall-back that a person must look at (EES Art 21).

A crossing kept locally during an outage happened: the traveller was admitted or left.
When it reaches the central system and the checks there object (the calculator allows
no stay on the day of entry), it is recorded as it happened, flagged for review with
the reason, and never set aside: a crossing that is not recorded makes the later exit
fail and hides the overstay.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

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
