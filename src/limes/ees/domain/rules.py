"""Legal rules of the EES as pure functions, each citing its article."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from limes.core.identity import PartialDate
from limes.ees.domain.models import (
    DEFAULT_TIME_ZONE,
    EntryExitRecord,
    IndividualFile,
    RefusalReason,
    RefusalRecord,
    TravellerKind,
)
from limes.shortstay import Stay

# EES Art 17(3): children under 12 are exempt from giving fingerprints.
FINGERPRINT_MIN_AGE = 12
# EES Art 17(1)(c) with Art 3(1)(17): fingerprint data are four fingers.
FINGERS_REQUIRED = 4
# EES Art 18(2): refusals for reasons B, D or H keep the biometric data.
REFUSAL_REASONS_KEEPING_BIOMETRICS = frozenset({RefusalReason.B, RefusalReason.D, RefusalReason.H})

# EES Art 34(1): records are kept three years after the exit or refusal record.
RECORD_RETENTION_YEARS = 3
# EES Art 34(2): the file is kept three years and one day after the last exit or
# refusal record when no entry follows.
FILE_RETENTION_EXTRA_DAYS = 1
# EES Art 34(3): where no exit follows the end of the authorised stay, five years.
OVERSTAYER_RETENTION_YEARS = 5
# EES Art 34(3), second sentence: Member States are told three months before
# overstayer data go.
OVERSTAYER_NOTICE_MONTHS = 3
# EES Art 34(4) with Art 2(1)(b): the records of a family member of a Union citizen are
# kept one year after the exit (five years after the entry where no exit follows), and
# the file one year after the last exit or refusal.
FAMILY_MEMBER_RETENTION_YEARS = 1

# Reg. (EU) 2025/1534: the progressive start ran from 12 October 2025 for 180 days;
# registration without biometrics was allowed for its first 60 days.
PROGRESSIVE_START_FIRST_DAY = date(2025, 10, 12)
PROGRESSIVE_START_LAST_DAY = date(2026, 4, 9)
BIOMETRICS_OPTIONAL_UNTIL = date(2025, 12, 10)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), capped at the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def minimum_age(date_of_birth: PartialDate | None, on: date) -> int | None:
    """The lowest age the traveller can have on `on`, or None when the birth date is unknown."""
    if date_of_birth is None:
        return None
    born = date_of_birth.latest()
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return max(age, 0)


def fingerprints_required(kind: TravellerKind, date_of_birth: PartialDate | None, on: date) -> bool:
    """EES Art 17(1)(c), 17(3): visa-exempt travellers aged 12 or more give four fingerprints.

    Visa holders' fingerprints are in the VIS (Art 16). When the birth date is unknown
    the traveller is taken to be 12 or more.
    """
    if kind is TravellerKind.VISA_HOLDER:
        return False
    age = minimum_age(date_of_birth, on)
    return age is None or age >= FINGERPRINT_MIN_AGE


def refusal_keeps_biometrics(reasons: Iterable[RefusalReason]) -> bool:
    """EES Art 18(2): biometric data are recorded for refusals for reasons B, D or H."""
    return any(reason in REFUSAL_REASONS_KEEPING_BIOMETRICS for reason in reasons)


def stays_of(
    records: Iterable[EntryExitRecord], today: date, biometric_file: bool = False
) -> list[Stay]:
    """The stays the calculator counts: each entry to its exit, an open entry to today.

    Where a stamp affixed alongside disagrees with the EES, the date that prevails
    under Reg. (EU) 2025/1534 Art 5 is used (see `stamp_or_ees`).
    """
    stays: list[Stay] = []
    for r in records:
        entry = _prevailing(r.entry_day, r.entry_stamp, biometric_file)
        if r.exit_day is None:
            if entry <= today:
                stays.append(Stay(entry, today))
            continue
        exit_ = _prevailing(r.exit_day, r.exit_stamp, biometric_file)
        if exit_ < entry:  # contradictory stamps: keep what the EES recorded
            entry, exit_ = r.entry_day, r.exit_day
        stays.append(Stay(entry, exit_))
    return stays


def _prevailing(ees_date: date, stamp_date: date | None, biometric_file: bool) -> date:
    if stamp_date is None:
        return ees_date
    winner = stamp_or_ees(ees_date, stamp_date, biometric_file)
    return stamp_date if winner is StampPrecedence.STAMP else ees_date


def overstay_from(record: EntryExitRecord, today: date) -> date | None:
    """EES Art 12(1): an open entry is an overstay from the day after the authorised stay.

    Not for a family member of a Union citizen (Art 2(1)(b)): Art 12 does not apply.
    """
    if record.family_member:
        return None
    if record.exit_at is not None or record.authorised_stay_until >= today:
        return None
    return record.authorised_stay_until + timedelta(days=1)


class RetentionAction(StrEnum):
    """What retention asks for."""

    ERASE_RECORD = "erase_record"
    ERASE_FILE = "erase_file"
    NOTIFY_OVERSTAYER_ERASURE = "notify_overstayer_erasure"


@dataclass(frozen=True, slots=True)
class RetentionStep:
    """One thing to do, with when it fell due and the article that asks for it."""

    action: RetentionAction
    reference: str
    due: date
    article: str


def record_erasure_date(record: EntryExitRecord) -> date:
    """When an entry/exit record goes: three years after its exit (EES Art 34(1)), or,
    for an open record, five years after the end of the authorised stay (Art 34(3)).

    A family member's record goes one year after its exit, or five years after the
    entry where there is none (Art 34(4); its `authorised_stay_until` is the entry day).
    """
    if record.exit_day is not None:
        years = FAMILY_MEMBER_RETENTION_YEARS if record.family_member else RECORD_RETENTION_YEARS
        return add_years(record.exit_day, years)
    return add_years(record.authorised_stay_until, OVERSTAYER_RETENTION_YEARS)


def file_erasure_date(
    last_exit_or_refusal: date | None, family_member: bool = False
) -> date | None:
    """EES Art 34(2): three years and one day after the last exit or refusal record.

    A family member's file (Art 2(1)(b)) goes one year after it (Art 34(4)).
    """
    if last_exit_or_refusal is None:
        return None
    if family_member:
        return add_years(last_exit_or_refusal, FAMILY_MEMBER_RETENTION_YEARS)
    return add_years(last_exit_or_refusal, RECORD_RETENTION_YEARS) + timedelta(
        days=FILE_RETENTION_EXTRA_DAYS
    )


@dataclass(frozen=True, slots=True)
class RetentionScan:
    """What the retention job looks at on one day: only what may be due (EES Art 34).

    Each bound is a day before which a record or file may have a step due; they are a
    few days generous (leap days, the month arithmetic of Art 34(3)), and
    `retention_plan` then decides exactly, file by file.
    """

    exited_before: date  # closed records: erased three years after the exit (Art 34(1))
    stay_ended_before: date  # open records not yet noticed: the notice of Art 34(3)
    noticed_stay_ended_before: date  # open records: erased five years on (Art 34(3))
    refused_before: date  # refusals: erased three years after (Art 34(1))
    last_exit_before: date  # files: erased three years and a day after (Art 34(2))
    # Family members of Union citizens: records and files go a year after (Art 34(4)).
    family_member_exited_before: date


_SCAN_MARGIN = timedelta(days=3)


def retention_scan(today: date) -> RetentionScan:
    """The bounds of the retention job's selection on `today` (EES Art 34)."""
    closed = add_years(today, -RECORD_RETENTION_YEARS) + _SCAN_MARGIN
    overstay_notice = add_months(
        add_years(today, -OVERSTAYER_RETENTION_YEARS), OVERSTAYER_NOTICE_MONTHS
    )
    return RetentionScan(
        exited_before=closed,
        stay_ended_before=overstay_notice + _SCAN_MARGIN,
        noticed_stay_ended_before=add_years(today, -OVERSTAYER_RETENTION_YEARS) + _SCAN_MARGIN,
        refused_before=closed,
        last_exit_before=closed - timedelta(days=FILE_RETENTION_EXTRA_DAYS),
        family_member_exited_before=add_years(today, -FAMILY_MEMBER_RETENTION_YEARS) + _SCAN_MARGIN,
    )


def retention_plan(
    file: IndividualFile,
    entries: Sequence[EntryExitRecord],
    refusals: Sequence[RefusalRecord],
    today: date,
) -> list[RetentionStep]:
    """What EES Art 34 asks for one file on `today`: records and file to erase, notices."""
    steps: list[RetentionStep] = []
    kept = 0
    for record in entries:
        if record.is_open and record.authorised_stay_until >= today:
            kept += 1  # still within the authorised stay
            continue
        erase_on = record_erasure_date(record)
        # Art 34(3): the notice is about overstayers; a family member is never one (Art 12).
        if record.is_open and record.erasure_notice_on is None and not record.family_member:
            notice_on = add_months(erase_on, -OVERSTAYER_NOTICE_MONTHS)
            if notice_on <= today < erase_on:
                steps.append(
                    RetentionStep(
                        RetentionAction.NOTIFY_OVERSTAYER_ERASURE,
                        record.record_id,
                        erase_on,
                        "EES Art 34(3)",
                    )
                )
        if erase_on <= today:
            article = (
                "EES Art 34(4)"
                if record.family_member and not record.is_open
                else "EES Art 34(3)"
                if record.is_open
                else "EES Art 34(1)"
            )
            steps.append(
                RetentionStep(RetentionAction.ERASE_RECORD, record.record_id, erase_on, article)
            )
        else:
            kept += 1
    for refusal in refusals:
        erase_on = add_years(refusal.refused_day, RECORD_RETENTION_YEARS)
        if erase_on <= today:
            steps.append(
                RetentionStep(
                    RetentionAction.ERASE_RECORD, refusal.record_id, erase_on, "EES Art 34(1)"
                )
            )
        else:
            kept += 1
    file_erase_on = file_erasure_date(file.last_exit_or_refusal, file.family_member)
    if kept == 0 and (file_erase_on is None or file_erase_on <= today):
        steps.append(
            RetentionStep(
                RetentionAction.ERASE_FILE,
                file.file_id,
                file_erase_on or today,
                "EES Art 34(4)" if file.family_member else "EES Art 34(2)",
            )
        )
    return steps


class StampPrecedence(StrEnum):
    """Which source a border guard follows when a stamp and the EES disagree."""

    STAMP = "stamp"
    EES = "ees"


def stamp_or_ees(
    ees_date: date | None, stamp_date: date | None, ees_file_has_biometrics: bool
) -> StampPrecedence:
    """Reg. (EU) 2025/1534 Art 5: which date counts during the progressive start.

    The stamp prevails where the EES holds no data; the EES prevails where the stamp
    is missing, or on a discrepancy with an EES file that holds biometric data.
    Otherwise, on a discrepancy, the stamp prevails (EES Art 22(3)).
    """
    if ees_date is None:
        return StampPrecedence.STAMP
    if stamp_date is None or ees_date == stamp_date or ees_file_has_biometrics:
        return StampPrecedence.EES
    return StampPrecedence.STAMP


def in_progressive_start(on: date) -> bool:
    """Whether `on` falls in the 180-day progressive start of Reg. (EU) 2025/1534."""
    return PROGRESSIVE_START_FIRST_DAY <= on <= PROGRESSIVE_START_LAST_DAY


def instant_date(at: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> date:
    """The calendar day of an instant in a time zone (EES Art 11; SBC Art 6(1)).

    The day of a crossing is the crossing point's local day, not the UTC day: an
    entry at 01:30 in Helsinki counts on that Helsinki day.
    """
    return at.astimezone(ZoneInfo(time_zone)).date()
