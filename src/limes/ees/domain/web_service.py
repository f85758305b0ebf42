"""What the web service answers travellers and carriers (EES Art 13; Impl. Reg. (EU) 2022/1409).

EES Art 13(1): a traveller gives the travel document (Art 16(1)(b)) and the intended
date of entry or exit, or both, and gets OK or NOT OK with the remaining authorised
stay. The answer is the automated calculator's (Art 11): the 90 days in any 180 and,
for a visa holder, the visa the EES recorded at the last entry (Art 16(2)): its
validity, its duration of stay and the entries it allows.

EES Art 13(3): a carrier gives the passenger's document and visa and gets OK or NOT
OK: whether the visa still allows the entry (its entries not used, valid on the date
of travel, days of stay left). The carrier learns nothing else: no dates, no days,
no stays (the minimum of data of Art 13 and of Impl. Reg. (EU) 2022/1409, which lays
down how the service runs, and whose legal bases include the carrier interface of the
VIS, Reg. (EC) No 767/2008 Art 45c). The 90/180-day rule is the border guard's
decision, not the carrier's: it does not make the carrier's answer NOT OK.

The functions take calendar days (`date`), never instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from limes.core.errors import FieldError, InvalidRequest
from limes.ees.domain.assessment import assess_entry
from limes.ees.domain.models import EntryExitRecord, RecordSource, VisaDetails
from limes.ees.domain.rules import stays_of
from limes.shortstay import Limit


class Verdict(StrEnum):
    """The web service's answer (EES Art 13(1), (3))."""

    OK = "OK"
    NOT_OK = "NOT OK"


class InvalidIntendedDates(InvalidRequest):
    """The intended dates given to the web service cannot be answered."""

    code = "ees-web-service-dates-invalid"
    title = "The intended dates cannot be used"


@dataclass(frozen=True, slots=True)
class TravellerAnswer:
    """EES Art 13(1): OK or NOT OK, and the remaining authorised stay.

    `found` says whether the EES holds a file for the document; `limited_by` what ends
    the stay that may be authorised (the 90/180-day rule or the visa).
    """

    found: bool
    verdict: Verdict
    in_territory: bool
    authorised_until: date | None
    days_left: int
    overstay_days: int
    next_entry: date | None
    limited_by: Limit | None
    reason: str


class CarrierReason(StrEnum):
    """Why a carrier gets OK or NOT OK, without any data of the traveller's stays."""

    NO_ENTRY_ON_VISA = "no_entry_on_visa"
    VISA_ALLOWS_ENTRY = "visa_allows_entry"
    MULTIPLE_ENTRY = "multiple_entry"
    VISA_ENTRIES_USED = "visa_entries_used"
    VISA_NOT_VALID = "visa_not_valid"
    VISA_DAYS_USED = "visa_days_used"
    VISA_ENDS_BEFORE_EXIT = "visa_ends_before_exit"


CARRIER_REASON_TEXT: dict[CarrierReason, str] = {
    CarrierReason.NO_ENTRY_ON_VISA: "OK: the EES holds no entry on this visa.",
    CarrierReason.VISA_ALLOWS_ENTRY: "OK: the visa allows this entry.",
    CarrierReason.MULTIPLE_ENTRY: "OK: a multiple-entry visa, valid on the date of travel.",
    CarrierReason.VISA_ENTRIES_USED: "NOT OK: the entries this visa allows are used.",
    CarrierReason.VISA_NOT_VALID: "NOT OK: the visa is not valid on the date of travel.",
    CarrierReason.VISA_DAYS_USED: "NOT OK: the days of stay this visa allows are used.",
    CarrierReason.VISA_ENDS_BEFORE_EXIT: "NOT OK: the visa does not cover the stay until the "
    "date of return.",
}


@dataclass(frozen=True, slots=True)
class CarrierAnswer:
    """EES Art 13(3): OK or NOT OK, and which condition of the visa decided it."""

    verdict: Verdict
    reason: CarrierReason

    @property
    def ok(self) -> bool:
        """Whether the answer is OK."""
        return self.verdict is Verdict.OK

    @property
    def text(self) -> str:
        """The answer in words, naming no date and no day of the traveller's stays."""
        return CARRIER_REASON_TEXT[self.reason]


def check_intended_dates(
    today: date, intended_entry: date | None, intended_exit: date | None
) -> None:
    """EES Art 13(1): the intended dates are today or later, the exit not before the entry."""
    errors: list[FieldError] = []
    if intended_entry is not None and intended_entry < today:
        errors.append(
            FieldError("intended_entry", f"the intended entry date is before today ({today})")
        )
    if intended_exit is not None and intended_exit < today:
        errors.append(
            FieldError("intended_exit", f"the intended exit date is before today ({today})")
        )
    if intended_entry is not None and intended_exit is not None and intended_exit < intended_entry:
        errors.append(
            FieldError(
                "intended_exit",
                f"the intended exit date {intended_exit} is before the intended entry date "
                f"{intended_entry}",
            )
        )
    if errors:
        raise InvalidIntendedDates("Correct the intended dates listed.", errors)


def visa_on_record(entries: Sequence[EntryExitRecord]) -> VisaDetails | None:
    """EES Art 16(2): the visa recorded at the traveller's last entry, if any.

    A stay shown only by stamps (EES Art 22) records no visa of its own: the last
    entry the EES recorded decides, when there is one.
    """
    recorded = [r for r in entries if r.source is not RecordSource.STAMP] or list(entries)
    latest = max(recorded, key=lambda r: r.entry_at, default=None)
    return latest.visa if latest is not None else None


def traveller_answer(
    entries: Sequence[EntryExitRecord],
    today: date,
    intended_entry: date | None = None,
    intended_exit: date | None = None,
    biometric_file: bool = False,
    found: bool = True,
) -> TravellerAnswer:
    """EES Art 13(1), 11: OK or NOT OK for the intended dates, and the remaining stay.

    In the territory, the stay authorised at entry decides, and the intended exit (or
    today) must fall within it. Outside, the calculator gives the stay that may start
    on the intended entry date (today if none is given), capped by the visa recorded at
    the last entry, and the intended exit must fall within it.

    Raises:
        InvalidIntendedDates: a date before today, an exit before the entry, or an
            intended entry while the traveller is in the territory.
    """
    check_intended_dates(today, intended_entry, intended_exit)
    open_entry = next((r for r in entries if r.is_open), None)
    if open_entry is not None:
        if intended_entry is not None:
            raise InvalidIntendedDates(
                "The EES has you in the territory: give the date you intend to leave.",
                [FieldError("intended_entry", "you have not left since your last entry")],
            )
        if open_entry.stay_limit is None:
            # EES Art 2(1)(b), 11: a family member of a Union citizen has no authorised
            # stay to count down; the calculator does not apply.
            return TravellerAnswer(
                found,
                Verdict.OK,
                True,
                None,
                0,
                0,
                None,
                None,
                "You entered as the family member of a Union citizen: the 90/180-day rule "
                "and the calculator do not apply to your stay (EES Art 2(1)(b), 11).",
            )
        return _in_territory(open_entry.authorised_stay_until, today, intended_exit)
    entry = intended_entry or today
    visa = visa_on_record(entries)
    assessment = assess_entry(entries, entry, visa, biometric_file)
    calculation = assessment.calculation
    answer = calculation.answer or calculation.answer_ignoring_overstay
    limited_by = answer.limited_by if answer is not None else None
    until = assessment.authorised_until
    next_entry = assessment.next_entry.date if assessment.next_entry else None
    if until is None:
        reason = _no_stay(limited_by, entry, assessment.days_used, next_entry)
        return TravellerAnswer(
            found, Verdict.NOT_OK, False, None, 0, 0, next_entry, limited_by, reason
        )
    days = assessment.max_stay_days
    if intended_exit is not None and intended_exit > until:
        late = (intended_exit - until).days
        reason = (
            f"Entering on {entry}, you could stay {days} day{_s(days)}, until {until}"
            f"{_because(limited_by)}; leaving on {intended_exit} would be {late} "
            f"day{_s(late)} too late."
        )
        return TravellerAnswer(
            found, Verdict.NOT_OK, False, until, days, 0, None, limited_by, reason
        )
    reason = f"Entering on {entry}, you could stay {days} day{_s(days)}, until {until}" + (
        f"{_because(limited_by)}." if limited_by is not Limit.RULE_90_180 else "."
    )
    return TravellerAnswer(found, Verdict.OK, False, until, days, 0, None, limited_by, reason)


def _in_territory(until: date, today: date, intended_exit: date | None) -> TravellerAnswer:
    left = (until - today).days + 1
    if left <= 0:
        overstay = -left + 1
        reason = (
            f"Your authorised stay ended on {until}: you have overstayed by {overstay} "
            f"day{_s(overstay)}."
        )
        return TravellerAnswer(True, Verdict.NOT_OK, True, until, 0, overstay, None, None, reason)
    leaving = intended_exit or today
    if leaving > until:
        late = (leaving - until).days
        reason = (
            f"You may stay until {until}; leaving on {leaving} would be {late} "
            f"day{_s(late)} too late."
        )
        return TravellerAnswer(True, Verdict.NOT_OK, True, until, left, 0, None, None, reason)
    reason = f"You may stay until {until}: {left} day{_s(left)} left, today included."
    return TravellerAnswer(True, Verdict.OK, True, until, left, 0, None, None, reason)


_VISA_LIMITS = {
    Limit.VISA_ENTRIES: "the entries of the visa recorded at your last entry are used",
    Limit.VISA_VALIDITY: "the visa recorded at your last entry is not valid then",
    Limit.VISA_DURATION: "the days of stay of the visa recorded at your last entry are used",
}


def _because(limited_by: Limit | None) -> str:
    if limited_by is Limit.VISA_VALIDITY:
        return " (the end of the validity of your visa)"
    if limited_by is Limit.VISA_DURATION:
        return " (the days of stay your visa allows)"
    if limited_by is Limit.RULE_90_180:
        return " (90 days in any 180)"
    return ""


def _no_stay(limited_by: Limit | None, entry: date, used: int, next_entry: date | None) -> str:
    if limited_by in _VISA_LIMITS:
        return (
            f"No stay may start on {entry}: {_VISA_LIMITS[limited_by]}. A new visa is needed; "
            "the EES knows a visa once it has been used to enter."
        )
    when = f" The next stay may start on {next_entry}." if next_entry else ""
    return f"No stay may start on {entry}: {used} days are used in the 180 days before it.{when}"


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def carrier_answer(
    entries: Sequence[EntryExitRecord],
    sticker_number: str,
    today: date,
    intended_entry: date | None = None,
    intended_exit: date | None = None,
) -> CarrierAnswer:
    """EES Art 13(3); EES Art 11(2)(a); Visa Code Art 24: whether the visa allows the entry.

    NOT OK when the entries of a one- or two-entry visa are used, when the visa is not
    valid on the date of travel (today if none is given), when its days of stay are
    used, or when it ends before the date of return given. A visa the EES holds no
    entry on is OK for its entries: its validity is the VIS's to confirm.

    Raises:
        InvalidIntendedDates: a date before today, or a return before the travel.
    """
    check_intended_dates(today, intended_entry, intended_exit)
    on_visa = sorted(
        (r for r in entries if r.visa is not None and r.visa.sticker_number == sticker_number),
        key=lambda r: r.entry_at,
    )
    if not on_visa:
        return CarrierAnswer(Verdict.OK, CarrierReason.NO_ENTRY_ON_VISA)
    visa = on_visa[-1].visa
    assert visa is not None  # noqa: S101 - selected for having this visa
    entry = intended_entry or today
    if not visa.valid_from <= entry <= visa.valid_until:
        return CarrierAnswer(Verdict.NOT_OK, CarrierReason.VISA_NOT_VALID)
    allowed = visa.entries.limit
    if allowed is not None and len(on_visa) >= allowed:
        return CarrierAnswer(Verdict.NOT_OK, CarrierReason.VISA_ENTRIES_USED)
    last_day = min(visa.valid_until, _last_day_by_duration(entries, visa, entry, today))
    if last_day < entry:
        return CarrierAnswer(Verdict.NOT_OK, CarrierReason.VISA_DAYS_USED)
    if intended_exit is not None and intended_exit > last_day:
        return CarrierAnswer(Verdict.NOT_OK, CarrierReason.VISA_ENDS_BEFORE_EXIT)
    if allowed is None:
        return CarrierAnswer(Verdict.OK, CarrierReason.MULTIPLE_ENTRY)
    return CarrierAnswer(Verdict.OK, CarrierReason.VISA_ALLOWS_ENTRY)


def _last_day_by_duration(
    entries: Sequence[EntryExitRecord], visa: VisaDetails, entry: date, today: date
) -> date:
    # Visa Code Art 24(1): the duration of stay counts the days spent in the territory
    # within the visa's validity; those before the new entry are used.
    days: set[date] = set()
    for stay in stays_of(entries, today):
        first = max(stay.entry, visa.valid_from)
        last = min(stay.exit, entry - timedelta(days=1))
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return entry + timedelta(days=visa.duration_days - len(days) - 1)
