"""Stays shown only by the stamps in a travel document (EES Art 22; Reg. (EU) 2025/1534 Art 5).

While the EES starts, and wherever it is not used (a fully suspended crossing point,
the manual fall-back of Art 21, a Member State not yet operating it), crossings are
stamped and not recorded. The border guard enters the stays those stamps prove so
that the calculator counts them:

* EES Art 22(1): the stays of the 180 days preceding the entry or exit are taken into
  account by checking the stamps; older stays cannot count in a 90/180 window and are
  refused. This holds whenever stamps were affixed, not only in the 180 days after
  the start: a stamp affixed at a suspended crossing point proves a stay just as well.
* Reg. (EU) 2025/1534 Art 5(3)(a): a stamp prevails where the EES holds no data, so a
  stay the EES does not hold becomes a record of its own (source `stamp`).
* A stamped stay that overlaps an EES record is the same trip seen twice, not a
  second stay: the stamps are attached to that record and the precedence rules of
  Art 5(3)(b) and EES Art 22(2) decide which dates count (`rules.stamp_or_ees`).

Dates are calendar days: the functions take `date`s, never instants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from limes.core.errors import FieldError, InvalidRequest
from limes.ees.domain.assessment import assess_entry
from limes.ees.domain.models import EntryExitRecord, RecordSource, VisaDetails

# EES Art 22(1): the stamps of the stays in the 180 days preceding the entry or exit.
STAMP_LOOKBACK_DAYS = 180
# A stamp shows a day, not a time: noon UTC falls on that day in the time zone of
# every crossing point of the Member States (UTC-1 to UTC+3).
_STAMP_TIME = time(12, 0, tzinfo=UTC)


class InvalidStampedStay(InvalidRequest):
    """A stay entered from passport stamps cannot be taken into account as given."""

    code = "ees-stamped-stay-invalid"
    title = "A stay shown by stamps cannot be used"


@dataclass(frozen=True, slots=True)
class StampedStay:
    """A stay proven only by an entry stamp and an exit stamp (EES Art 22).

    `on_visa` says that the traveller entered on the visa presented at this crossing,
    so that the stay uses one of its entries (Art 22(1): the entries of a visa issued
    for one or two entries).
    """

    entry_date: date
    entry_crossing_point: str
    exit_date: date
    exit_crossing_point: str
    on_visa: bool = False


@dataclass(frozen=True, slots=True)
class StampedStays:
    """What the stamps change: EES records given their stamps, and records added."""

    amended: tuple[EntryExitRecord, ...] = ()
    added: tuple[EntryExitRecord, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.amended or self.added)

    def counted(self, entries: Iterable[EntryExitRecord]) -> tuple[EntryExitRecord, ...]:
        """The records the calculator counts: `entries` as the stamps change them."""
        if not self:
            return tuple(entries)
        amended = {r.record_id: r for r in self.amended}
        merged = [amended.get(r.record_id, r) for r in entries]
        return tuple(sorted((*merged, *self.added), key=lambda r: r.entry_at))

    def for_file(self, file_id: str) -> StampedStays:
        """The same change for the file it is recorded in (created with the crossing)."""
        return StampedStays(self.amended, tuple(replace(r, file_id=file_id) for r in self.added))


def stamp_instant(day: date) -> datetime:
    """The instant a record gets for a crossing known only by the day of its stamp."""
    return datetime.combine(day, _STAMP_TIME)


def _days(record: EntryExitRecord, today: date) -> tuple[date, date]:
    # The calendar days of a record; an open record runs to today.
    exit_day = record.exit_day
    return record.entry_day, exit_day if exit_day is not None else today


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    # Two stays overlap when they share a day other than one's exit day being the
    # other's entry day: leaving and coming back on the same day is two stays.
    if a == b:
        return True
    return a[0] < b[1] and b[0] < a[1]


def _span(first: date, last: date) -> str:
    return f"{first} to {last}"


def plan_stamped_stays(
    entries: Sequence[EntryExitRecord],
    stays: Sequence[StampedStay],
    today: date,
    file_id: str,
    visa: VisaDetails | None,
    new_id: Callable[[], str],
    field: str = "stamped_stays",
) -> StampedStays:
    """EES Art 22; Reg. (EU) 2025/1534 Art 5(3): what the stays shown by stamps change.

    A stay the EES does not hold is added as a record of source `stamp` (the stamp
    prevails where there are no EES data, Art 5(3)(a)); a stay overlapping one closed
    EES record gets its stamps attached to it, and `rules.stays_of` then applies the
    precedence of Art 5(3)(b). A stay already on record is not entered twice.

    Raises:
        InvalidStampedStay: every stay that cannot be used, each tied to its field:
            an exit before the entry, a date after today, a stay that ended before
            the 180 days preceding this crossing (Art 22(1)), an overlap with another
            stamped stay, with the stay in progress, or with more than one EES record.
    """
    if not stays:
        return StampedStays()
    errors: list[FieldError] = []
    earliest = today - timedelta(days=STAMP_LOOKBACK_DAYS - 1)
    stamped_on_record = [r for r in entries if r.source is RecordSource.STAMP]
    ees_records = [r for r in entries if r.source is not RecordSource.STAMP]
    amended: dict[str, EntryExitRecord] = {}
    claimed: set[str] = set()  # EES records a stamped stay of this request belongs to
    new: list[tuple[StampedStay, tuple[date, date]]] = []
    accepted: list[tuple[date, date]] = []
    for i, stay in enumerate(stays):
        path = f"{field}[{i}]"
        days = (stay.entry_date, stay.exit_date)
        problem = _date_problem(stay, path, today, earliest)
        if problem is not None:
            errors.append(problem)
            continue
        clash = next((a for a in accepted if _overlap(a, days)), None)
        if clash is not None:
            errors.append(
                FieldError(
                    path,
                    f"overlaps the stamped stay {_span(*clash)} given above; a traveller "
                    "cannot be in the territory twice",
                )
            )
            continue
        same = next(
            (r for r in stamped_on_record if _days(r, today) == days),
            None,
        )
        if same is not None:
            accepted.append(days)  # already on record: nothing to enter again
            continue
        on_record = next((r for r in stamped_on_record if _overlap(_days(r, today), days)), None)
        if on_record is not None:
            errors.append(
                FieldError(
                    path,
                    "overlaps the stay shown by stamps already on record "
                    f"({_span(*_days(on_record, today))}, record {on_record.record_id})",
                )
            )
            continue
        overlapping = [r for r in ees_records if _overlap(_days(r, today), days)]
        if not overlapping:
            accepted.append(days)
            new.append((stay, days))
            continue
        discrepancy = _discrepancy_problem(overlapping, stay, claimed, today)
        if discrepancy is not None:
            errors.append(FieldError(path, discrepancy))
            continue
        record = overlapping[0]
        claimed.add(record.record_id)
        accepted.append(days)
        if record.entry_stamp != stay.entry_date or record.exit_stamp != stay.exit_date:
            amended[record.record_id] = replace(
                record, entry_stamp=stay.entry_date, exit_stamp=stay.exit_date
            )
    if errors:
        raise InvalidStampedStay(
            "Some stays shown by stamps cannot be taken into account: correct the dates listed.",
            errors,
        )
    return StampedStays(
        tuple(amended.values()), _added(entries, amended, new, file_id, visa, new_id)
    )


def require_before(stays: Sequence[StampedStay], entry_stamp: date) -> None:
    """EES Art 22(2): stays shown by stamps end by the entry stamp of the stay in progress.

    Raises:
        InvalidStampedStay: a stay that ends after that entry, each tied to its field.
    """
    errors = [
        FieldError(
            f"stamped_stays[{i}]",
            f"ends after the entry stamp of {entry_stamp} of the stay in progress",
        )
        for i, stay in enumerate(stays)
        if stay.exit_date > entry_stamp
    ]
    if errors:
        raise InvalidStampedStay(
            "Some stays shown by stamps overlap the stay in progress: correct the dates listed.",
            errors,
        )


def _date_problem(stay: StampedStay, path: str, today: date, earliest: date) -> FieldError | None:
    # EES Art 22(1): a stay of the 180 days preceding the crossing, with its exit after
    # its entry and no stamp dated in the future.
    if stay.exit_date < stay.entry_date:
        return FieldError(
            f"{path}.exit_date",
            f"the exit stamp {stay.exit_date} is before the entry stamp {stay.entry_date}",
        )
    if stay.exit_date > today:
        at_fault = "entry_date" if stay.entry_date > today else "exit_date"
        return FieldError(
            f"{path}.{at_fault}",
            f"a stamp cannot be dated after today ({today}); enter only stays that have ended",
        )
    if stay.exit_date < earliest:
        return FieldError(
            f"{path}.exit_date",
            f"the stay ended on {stay.exit_date}, before the 180 days preceding this crossing "
            f"({_span(earliest, today)}); it does not count (EES Art 22(1))",
        )
    return None


def _discrepancy_problem(
    overlapping: Sequence[EntryExitRecord],
    stay: StampedStay,
    claimed: set[str],
    today: date,
) -> str | None:
    # Why a stamped stay cannot be read as the stamps of one EES record, or None.
    if len(overlapping) > 1:
        spans = ", ".join(_span(*_days(r, today)) for r in overlapping)
        return (
            f"overlaps {len(overlapping)} stays the EES holds ({spans}); the stamps of one "
            "stay can only belong to one of them"
        )
    record = overlapping[0]
    if record.is_open:
        return (
            f"overlaps the stay in progress since {record.entry_day}; give the stamp "
            "of a crossing with the crossing itself (stamp_date)"
        )
    if record.record_id in claimed:
        return (
            f"another stamped stay given above already belongs to the EES record of "
            f"{_span(*_days(record, today))}"
        )
    stamps = (record.entry_stamp, record.exit_stamp)
    given = (stay.entry_date, stay.exit_date)
    if any(s is not None and s != g for s, g in zip(stamps, given, strict=True)):
        return (
            f"the EES record of {_span(*_days(record, today))} already carries other stamps "
            f"(entry {record.entry_stamp or '-'}, exit {record.exit_stamp or '-'})"
        )
    return None


def _added(
    entries: Sequence[EntryExitRecord],
    amended: dict[str, EntryExitRecord],
    new: Sequence[tuple[StampedStay, tuple[date, date]]],
    file_id: str,
    visa: VisaDetails | None,
    new_id: Callable[[], str],
) -> tuple[EntryExitRecord, ...]:
    """The records of the stays only stamps show, oldest first.

    Each gets the authorised stay the calculator gives on its entry day over the stays
    before it, as the record of an entry at the border would (EES Art 11). It carries
    no overstay flag: the flag of Art 12 is for an EES record whose exit is missing,
    and a stay that went beyond 90 days in 180 is reported by the calculator as an
    earlier overstay at every check, without putting the traveller on the overstayer
    list on a date the EES never recorded.
    """
    history: list[EntryExitRecord] = [amended.get(r.record_id, r) for r in entries]
    added: list[EntryExitRecord] = []
    for stay, (entry, exit_) in sorted(new, key=lambda item: item[1]):
        before = [r for r in history if (day := r.exit_day) is not None and day < entry]
        stay_visa = visa if stay.on_visa else None
        assessment = assess_entry(before, entry, stay_visa)
        authorised = assessment.authorised_until or entry
        record = EntryExitRecord(
            record_id=new_id(),
            file_id=file_id,
            entry_at=stamp_instant(entry),
            entry_crossing_point=stay.entry_crossing_point,
            authorised_stay_until=authorised,
            source=RecordSource.STAMP,
            visa=stay_visa,
            exit_at=stamp_instant(exit_),
            exit_crossing_point=stay.exit_crossing_point,
            entry_stamp=entry,
            exit_stamp=exit_,
        )
        history.append(record)
        added.append(record)
    return tuple(added)
