"""Corrections of the EES record: rebuttal, decisions on the stay, rectification, erasure.

Plain values and rules, each citing its article: the rebuttal of a presumed overstay
(EES Art 20), the extension, revocation or annulment of the authorised stay or visa
(Art 19), rectification and advance erasure (Art 35), the erasure of logs (Art 46(4))
and the notice to the Member State responsible before overstayers' data go (Art 34).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from limes.core.errors import AccessDenied, Conflict, FieldError, InvalidRequest, NotFound
from limes.ees.domain.models import EntryExitRecord, EvidenceKind, RefusalReason
from limes.ees.domain.rules import OVERSTAYER_RETENTION_YEARS, add_years, overstay_from

# EES Art 46(4): logs are kept one year after the retention of the data they concern.
LOG_RETENTION_AFTER_DATA_YEARS = 1


class StayDecisionKind(StrEnum):
    """What a competent authority decided on an authorised stay or visa (EES Art 19(1))."""

    EXTENDED = "extended"  # Reg. (EC) No 810/2009 Art 33; SBC Art 20(2)
    REVOKED = "revoked"  # Reg. (EC) No 810/2009 Art 34(2)
    ANNULLED = "annulled"  # Reg. (EC) No 810/2009 Art 34(1)


class AdvanceErasureGround(StrEnum):
    """Why a file leaves the EES before its retention ends (EES Art 35(4)-(6))."""

    NATIONALITY = "nationality"  # acquired the nationality of a Member State, Art 35(6)
    RESIDENCE_PERMIT = "residence_permit"  # Art 35(4)
    RESIDENCE_CARD = "residence_card"  # Art 35(4)
    LONG_STAY_VISA = "long_stay_visa"  # Art 35(4)
    OUT_OF_SCOPE = "out_of_scope"  # falls under Art 2(3), Art 35(5)


@dataclass(frozen=True, slots=True)
class StayDecision:
    """A decision on the authorised stay, entered in the entry/exit record (EES Art 19(1)).

    With the authority that took it, where and when, its grounds, and the end of the
    authorised stay before and after it.
    """

    decision_id: str
    record_id: str
    file_id: str
    kind: StayDecisionKind
    decided_on: date
    authority: str
    place: str
    grounds: str
    previous_until: date
    new_until: date
    visa_sticker_number: str | None
    recorded_at: datetime
    recorded_by: str
    revocation_reasons: tuple[RefusalReason, ...] = ()


@dataclass(frozen=True, slots=True)
class ErasureNotice:
    """A notice to the Member State responsible that overstayer data will go (EES Art 34).

    The EES tells the Member States three months before it erases an overstayer's
    record; the notice waits in an outbox until that Member State's authority reads
    and acknowledges it.
    """

    notice_id: str
    member_state: str
    file_id: str
    record_id: str
    erasure_on: date
    created_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None


# --- errors ---------------------------------------------------------------------------


class NothingToRebut(Conflict):
    """No overstay is presumed: the record has its exit, or its stay has not ended (Art 20)."""

    code = "ees-nothing-to-rebut"
    title = "No missing exit to rebut"


class InvalidProvenExit(InvalidRequest):
    """The exit date the evidence proves cannot be the record's exit."""

    code = "ees-invalid-proven-exit"
    title = "The proven exit date does not fit the record"


class StayAlreadyEnded(Conflict):
    """The traveller has left: the authorised stay can no longer be changed (Art 19)."""

    code = "ees-stay-already-ended"
    title = "The stay has ended"


class InvalidStayDecision(InvalidRequest):
    """A decision on the authorised stay with dates that do not fit the record (Art 19)."""

    code = "ees-invalid-stay-decision"
    title = "The decision on the stay does not fit the record"


class NotResponsibleMemberState(AccessDenied):
    """Only the Member State responsible for the data may change them (EES Art 35(1))."""

    code = "ees-not-responsible-member-state"
    title = "Not the Member State responsible"


class NothingToRectify(InvalidRequest):
    """A rectification that changes nothing (Art 35(1))."""

    code = "ees-nothing-to-rectify"
    title = "Nothing to rectify"


class NoticeNotFound(NotFound):
    """No erasure notice has this id, for this Member State."""

    code = "ees-notice-not-found"
    title = "Notice not found"


# --- rules ----------------------------------------------------------------------------


def proven_exit_instant(day: date) -> datetime:
    """The instant recorded for an exit proven only by its day: noon UTC.

    Noon UTC falls on the same calendar day in every time zone from UTC-12 to UTC+11,
    so the day the evidence proves stays that day wherever it is read in local time.
    """
    return datetime.combine(day, time(12), UTC)


def rebut(
    record: EntryExitRecord,
    kind: EvidenceKind,
    description: str,
    exit_on: date,
    today: date,
    now: datetime,
) -> EntryExitRecord:
    """EES Art 20: evidence of an exit corrects the record whose exit is missing.

    The exit it proves becomes the record's exit (marked as set by rebuttal): an exit
    within the authorised stay clears the overstay (Art 12), one after it leaves the
    overstay of the days between. Retention then counts from that exit (Art 34(1)).

    Raises:
        NothingToRebut: the record already has its exit, or its stay has not ended.
        InvalidProvenExit: the exit is before the entry or after today.
    """
    if not record.is_open:
        raise NothingToRebut(
            f"Record {record.record_id} already has its exit ({record.exit_at:%Y-%m-%d}); "
            "a wrong exit is corrected by rectification (Art 35).",
            [FieldError("record_id", "the exit is on record")],
        )
    if record.overstay_from is None and record.authorised_stay_until >= today:
        raise NothingToRebut(
            f"The authorised stay of record {record.record_id} runs until "
            f"{record.authorised_stay_until}: no overstay is presumed yet (Art 12). A missing "
            "exit of a stay not yet ended is completed by rectification (Art 35).",
            [FieldError("record_id", "no overstay presumed")],
        )
    if exit_on < record.entry_day:
        raise InvalidProvenExit(
            f"The proven exit {exit_on} is before the entry on {record.entry_day}.",
            [FieldError("exit_on", f"give a date on or after {record.entry_day}")],
        )
    if exit_on > today:
        raise InvalidProvenExit(
            f"The proven exit {exit_on} is in the future.",
            [FieldError("exit_on", f"give a date on or before {today}")],
        )
    late = exit_on > record.authorised_stay_until
    return replace(
        record,
        exit_at=proven_exit_instant(exit_on),
        exit_date=exit_on,
        exit_crossing_point=None,
        overstay_from=record.authorised_stay_until + timedelta(days=1) if late else None,
        rebuttal=description,
        rebutted_at=now,
        rebuttal_kind=kind,
        exit_by_rebuttal=True,
    )


def extend_stay(record: EntryExitRecord, new_until: date, today: date) -> EntryExitRecord:
    """EES Art 19(1): an extension moves the end of the authorised stay.

    An overstay flagged before is cleared when the new end is today or later, and the
    overstay detection (Art 12) does not set it again until the new end has passed.

    Raises:
        StayAlreadyEnded: the traveller has left.
        InvalidStayDecision: the new end is not after the current one.
    """
    _still_staying(record)
    if new_until <= record.authorised_stay_until:
        raise InvalidStayDecision(
            f"An extension must end after the current authorised stay "
            f"({record.authorised_stay_until}).",
            [FieldError("new_until", f"give a date after {record.authorised_stay_until}")],
        )
    extended = replace(record, authorised_stay_until=new_until)
    return replace(extended, overstay_from=overstay_from(extended, today))


def end_stay(
    record: EntryExitRecord, kind: StayDecisionKind, decided_on: date, ends_on: date
) -> EntryExitRecord:
    """EES Art 19(1): a revoked or annulled stay or visa ends on the day set by the decision.

    The visa's validity ends on the decision's day (Reg. (EC) No 810/2009 Art 34); once
    the new end has passed with no exit, the overstay detection flags it (Art 12).

    Raises:
        StayAlreadyEnded: the traveller has left.
        InvalidStayDecision: the stay would end before the entry or after its current end.
    """
    _still_staying(record)
    entered = record.entry_day
    if not entered <= ends_on <= record.authorised_stay_until:
        raise InvalidStayDecision(
            f"A {kind.value} stay ends between the entry ({entered}) and the current end "
            f"of the authorised stay ({record.authorised_stay_until}).",
            [
                FieldError(
                    "stay_ends_on",
                    f"give a date from {entered} to {record.authorised_stay_until}",
                )
            ],
        )
    visa = record.visa
    if visa is not None and visa.valid_until > decided_on:
        visa = replace(visa, valid_until=max(decided_on, visa.valid_from))
    return replace(record, authorised_stay_until=ends_on, visa=visa)


def _still_staying(record: EntryExitRecord) -> None:
    if not record.is_open:
        raise StayAlreadyEnded(
            f"The traveller left on {record.exit_at:%Y-%m-%d}; the authorised stay of record "
            f"{record.record_id} can no longer change.",
            [FieldError("record_id", "the record has its exit")],
        )


def may_change_data_of(acting_state: str | None, responsible_state: str) -> bool:
    """EES Art 35(1)-(2): only the Member State responsible rectifies or erases its data.

    Another Member State holding evidence asks the one responsible (Art 35(2)).
    """
    return acting_state is not None and acting_state == responsible_state


def log_erasure_date(data_erased_on: date) -> date:
    """EES Art 46(4): a log goes one year after the data it concerns were erased."""
    return _years_on(data_erased_on, LOG_RETENTION_AFTER_DATA_YEARS)


def unattached_log_erasure_date(logged_on: date) -> date:
    """EES Art 46(4) for a log that names no single file (a list, a search, a setting).

    The data it concerns are kept at most the longest period of Art 34 (five years,
    Art 34(3)); the log goes one year after that.
    """
    return _years_on(logged_on, OVERSTAYER_RETENTION_YEARS + LOG_RETENTION_AFTER_DATA_YEARS)


def _years_on(day: date, years: int) -> date:
    """`years` later; the last representable day when that is past year 9999."""
    if day.year + years > date.max.year:
        return date.max
    return add_years(day, years)
