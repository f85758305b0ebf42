"""Stays shown only by passport stamps (EES Art 22; Reg. (EU) 2025/1534 Art 5(3))."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from limes.core.clock import FixedClock
from limes.ees.domain.errors import NoStayPossible
from limes.ees.domain.models import Direction, EntryExitRecord, RecordSource
from limes.ees.domain.rules import stays_of
from limes.ees.domain.stamps import (
    InvalidStampedStay,
    StampedStay,
    StampedStays,
    plan_stamped_stays,
)
from limes.ees.fallback import Operation, QueuedCrossing, SqliteFallbackQueue
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from limes.shortstay import EntriesAllowed, Stay
from tests.ees_factories import Traveller, visa
from tests.unit.ees.conftest import GUARD, peek

TODAY = date(2026, 5, 4)
ADA = Traveller()
_ids = itertools.count(1)


def _new_id() -> str:
    return f"E{next(_ids)}"


def _stamped(entry: date, exit_: date, on_visa: bool = False) -> StampedStay:
    return StampedStay(entry, "DEU-FRA", exit_, "DEU-MUC", on_visa)


def _record(entry: date, exit_: date | None, **changes: object) -> EntryExitRecord:
    record = EntryExitRecord(
        record_id=f"R{entry:%m%d}",
        file_id="F1",
        entry_at=datetime(entry.year, entry.month, entry.day, 9, tzinfo=UTC),
        entry_crossing_point="FRA-CDG",
        authorised_stay_until=entry + timedelta(days=89),
        exit_at=(datetime(exit_.year, exit_.month, exit_.day, 18, tzinfo=UTC) if exit_ else None),
        exit_crossing_point="FRA-CDG" if exit_ else None,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def _plan(stays: list[StampedStay], entries: tuple[EntryExitRecord, ...] = ()) -> StampedStays:
    return plan_stamped_stays(entries, stays, TODAY, "F1", None, _new_id)


def _fields(error: pytest.ExceptionInfo[InvalidStampedStay]) -> dict[str, str]:
    return {e.field: e.reason for e in error.value.errors}


# --------------------------------------------------------------------- what may be entered


def test_art_22_a_stay_only_stamps_show_becomes_a_stamp_record_counted_by_the_calculator() -> None:
    """Reg. (EU) 2025/1534 Art 5(3)(a): the stamp prevails where the EES holds no data."""
    plan = _plan([_stamped(date(2026, 2, 1), date(2026, 3, 2))])
    assert plan.amended == ()
    (record,) = plan.added
    assert record.source is RecordSource.STAMP
    assert (record.entry_stamp, record.exit_stamp) == (date(2026, 2, 1), date(2026, 3, 2))
    assert (record.entry_crossing_point, record.exit_crossing_point) == ("DEU-FRA", "DEU-MUC")
    assert stays_of(plan.counted(()), TODAY) == [Stay(date(2026, 2, 1), date(2026, 3, 2))]


def test_art_22_an_exit_stamp_before_the_entry_stamp_is_refused() -> None:
    with pytest.raises(InvalidStampedStay) as error:
        _plan([_stamped(date(2026, 3, 2), date(2026, 2, 1))])
    assert "before the entry stamp" in _fields(error)["stamped_stays[0].exit_date"]


def test_art_22_a_stamp_dated_after_today_is_refused() -> None:
    with pytest.raises(InvalidStampedStay) as error:
        _plan(
            [
                _stamped(date(2026, 5, 1), date(2026, 5, 9)),
                _stamped(TODAY + timedelta(1), TODAY + timedelta(3)),
            ]
        )
    fields = _fields(error)
    assert "after today" in fields["stamped_stays[0].exit_date"]
    assert "after today" in fields["stamped_stays[1].entry_date"]


def test_art_22_1_only_the_stays_of_the_180_days_preceding_the_crossing_count() -> None:
    """A stay ended before the 180-day window cannot count; one reaching into it can."""
    window_start = TODAY - timedelta(days=179)
    with pytest.raises(InvalidStampedStay) as error:
        _plan([_stamped(date(2025, 9, 1), window_start - timedelta(days=1))])
    assert "Art 22(1)" in _fields(error)["stamped_stays[0].exit_date"]
    plan = _plan([_stamped(date(2025, 10, 1), window_start)])
    assert len(plan.added) == 1


def test_art_22_stamped_stays_that_overlap_each_other_are_refused() -> None:
    with pytest.raises(InvalidStampedStay) as error:
        _plan(
            [
                _stamped(date(2026, 2, 1), date(2026, 2, 20)),
                _stamped(date(2026, 2, 15), date(2026, 3, 1)),
            ]
        )
    assert "overlaps the stamped stay" in _fields(error)["stamped_stays[1]"]


def test_leaving_and_coming_back_the_same_day_is_two_stays_not_an_overlap() -> None:
    plan = _plan(
        [
            _stamped(date(2026, 2, 1), date(2026, 2, 20)),
            _stamped(date(2026, 2, 20), date(2026, 3, 1)),
        ]
    )
    assert len(plan.added) == 2


def test_art_22_a_stay_overlapping_a_stamp_record_on_file_is_refused_the_same_one_is_not_entered_twice() -> (
    None
):
    on_file = _plan([_stamped(date(2026, 2, 1), date(2026, 2, 20))]).added
    again = _plan([_stamped(date(2026, 2, 1), date(2026, 2, 20))], on_file)
    assert not again
    with pytest.raises(InvalidStampedStay) as error:
        _plan([_stamped(date(2026, 2, 10), date(2026, 2, 25))], on_file)
    assert "already on record" in _fields(error)["stamped_stays[0]"]


# --------------------------------------------------------------------- discrepancies


def test_2025_1534_art_5_3_a_stay_overlapping_an_ees_record_is_a_discrepancy_not_a_second_stay() -> (
    None
):
    """The stamps go on the EES record; the precedence of Art 5(3)(b) decides the dates."""
    ees = _record(date(2026, 2, 3), date(2026, 2, 20))
    plan = _plan([_stamped(date(2026, 2, 1), date(2026, 2, 20))], (ees,))
    assert plan.added == ()
    (amended,) = plan.amended
    assert (amended.entry_stamp, amended.exit_stamp) == (date(2026, 2, 1), date(2026, 2, 20))
    counted = plan.counted((ees,))
    assert len(counted) == 1
    # A file without biometrics: the stamp prevails (EES Art 22(2)).
    assert stays_of(counted, TODAY) == [Stay(date(2026, 2, 1), date(2026, 2, 20))]
    # A file with biometrics: the EES prevails (Reg. (EU) 2025/1534 Art 5(3)(b)(i)).
    assert stays_of(counted, TODAY, biometric_file=True) == [
        Stay(date(2026, 2, 3), date(2026, 2, 20))
    ]


def test_art_5_3_a_stamped_stay_cannot_overlap_the_stay_in_progress_or_two_ees_records() -> None:
    open_record = _record(date(2026, 4, 20), None)
    with pytest.raises(InvalidStampedStay) as error:
        _plan([_stamped(date(2026, 4, 18), date(2026, 4, 25))], (open_record,))
    assert "stay in progress" in _fields(error)["stamped_stays[0]"]
    two = (
        _record(date(2026, 2, 1), date(2026, 2, 5)),
        _record(date(2026, 2, 10), date(2026, 2, 15)),
    )
    with pytest.raises(InvalidStampedStay) as error:
        _plan([_stamped(date(2026, 2, 2), date(2026, 2, 12))], two)
    assert "overlaps 2 stays the EES holds" in _fields(error)["stamped_stays[0]"]


def test_two_stamped_stays_cannot_both_be_the_stamps_of_one_ees_record() -> None:
    ees = _record(date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(InvalidStampedStay) as error:
        _plan(
            [
                _stamped(date(2026, 2, 1), date(2026, 2, 10)),
                _stamped(date(2026, 2, 15), date(2026, 2, 28)),
            ],
            (ees,),
        )
    assert "already belongs to the EES record" in _fields(error)["stamped_stays[1]"]


def test_an_ees_record_with_other_stamps_is_not_silently_changed() -> None:
    ees = _record(date(2026, 2, 3), date(2026, 2, 20), entry_stamp=date(2026, 2, 3))
    with pytest.raises(InvalidStampedStay) as error:
        _plan([_stamped(date(2026, 2, 1), date(2026, 2, 20))], (ees,))
    assert "already carries other stamps" in _fields(error)["stamped_stays[0]"]


# --------------------------------------------------------------------- at the border


def _sixty_days_in_february_and_march() -> StampedStay:
    # 1 Feb to 1 Apr 2026: 60 days, all within the 180 days before 4 May 2026.
    return _stamped(date(2026, 2, 1), date(2026, 4, 1))


def test_art_22_stamps_count_at_entry_and_are_recorded_with_it(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 22(1): the stays the stamps show reduce the stay authorised at entry."""
    request = replace(ADA.at(), stamped_stays=(_sixty_days_in_february_and_march(),))
    check = service.check(GUARD, request, Direction.ENTRY)
    assert check.assessment is not None
    assert check.assessment.days_used == 60
    assert check.assessment.max_stay_days == 30
    assert peek(store).ees.file_ids() == []  # a check records nothing
    receipt = service.record_entry(GUARD, request)
    assert receipt.entry is not None
    assert receipt.entry.authorised_stay_until == clock.today() + timedelta(days=29)
    stored = peek(store).ees.entries(receipt.file_id)
    assert [r.source for r in stored] == [RecordSource.STAMP, RecordSource.EES]
    assert stored[0].entry_at.date() == date(2026, 2, 1)
    assert stored[0].exit_at is not None
    assert stored[0].exit_at.date() == date(2026, 4, 1)
    # The next check counts them without the guard entering them again.
    check = service.check(GUARD, ADA.at(), Direction.EXIT)
    assert check.assessment is not None
    assert check.assessment.days_used == 61


def test_art_22_1_a_stamped_entry_on_a_single_entry_visa_uses_it(
    service: EesService, clock: FixedClock
) -> None:
    """EES Art 22(1): the stamps show whether the entries of the visa are used."""
    single = visa(
        valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31), entries=EntriesAllowed.ONE
    )
    request = replace(
        ADA.at(visa=single), stamped_stays=(_stamped(date(2026, 3, 1), date(2026, 3, 10), True),)
    )
    with pytest.raises(NoStayPossible, match="entries of the visa are used"):
        service.record_entry(GUARD, request)
    not_on_it = replace(
        ADA.at(visa=single), stamped_stays=(_stamped(date(2026, 3, 1), date(2026, 3, 10)),)
    )
    assert service.record_entry(GUARD, not_on_it).entry is not None


def test_art_22_stamps_given_at_exit_are_recorded_with_the_exit(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=5))
    earlier = _stamped(date(2026, 1, 10), date(2026, 1, 20))
    receipt = service.record_exit(GUARD, replace(ADA.at(), stamped_stays=(earlier,)))
    sources = [r.source for r in peek(store).ees.entries(receipt.file_id)]
    assert sources == [RecordSource.STAMP, RecordSource.EES]
    assert receipt.check.assessment is not None
    assert receipt.check.assessment.days_used == 11 + 6


def test_art_21_a_crossing_kept_in_the_fallback_queue_keeps_its_stamped_stays(
    tmp_path: Path, clock: FixedClock
) -> None:
    """EES Art 21 with Art 22: uploaded later, the crossing still carries the stamps."""
    queue = SqliteFallbackQueue(tmp_path / "queue.sqlite")
    request = replace(ADA.at(), stamped_stays=(_stamped(date(2026, 2, 1), date(2026, 3, 2), True),))
    queue.append(QueuedCrossing(0, Operation.ENTRY, GUARD, request, "desk-1", clock.now()))
    (kept,) = queue.pending()
    assert kept.request.stamped_stays == request.stamped_stays
    assert kept.request.digest("entry") == request.digest("entry")


def test_art_22_2_stamped_stays_end_before_the_stamped_entry_of_the_stay_in_progress(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 22(2): at an exit with only an entry stamp, earlier stays end before it."""
    entered = clock.today() - timedelta(days=10)
    overlapping = replace(
        ADA.at(), stamped_stays=(_stamped(date(2026, 4, 1), entered + timedelta(1)),)
    )
    with pytest.raises(InvalidStampedStay) as error:
        service.record_exit(GUARD, overlapping, stamp_entry_date=entered)
    assert "stamped_stays[0]" in _fields(error)
    assert peek(store).ees.file_ids() == []
    before = replace(ADA.at(), stamped_stays=(_stamped(date(2026, 4, 1), entered),))
    receipt = service.record_exit(GUARD, before, stamp_entry_date=entered)
    sources = [r.source for r in peek(store).ees.entries(receipt.file_id)]
    assert sources == [RecordSource.STAMP, RecordSource.STAMP]


def test_art_12_a_stamped_stay_beyond_90_days_is_an_earlier_overstay_not_a_listed_one(
    service: EesService, store: EesStore
) -> None:
    """The calculator reports it at each check; the Art 12 list is for EES records."""
    long_stay = _stamped(date(2025, 10, 1), date(2026, 1, 10))  # 102 days, 66 in the window
    request = replace(ADA.at(), stamped_stays=(long_stay,))
    check = service.check(GUARD, request, Direction.ENTRY)
    assert check.assessment is not None
    assert check.assessment.earlier_overstays == 1
    (record,) = check.stamped.added
    assert record.overstay_from is None
    service.record_entry(GUARD, request)
    assert peek(store).ees.overstays() == []
