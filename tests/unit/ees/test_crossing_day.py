"""The day of a crossing is the crossing point's local day (EES Art 11, 16(2)(a);
Schengen Borders Code Art 6(1)), not the UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from limes.core.clock import FixedClock
from limes.ees.domain.errors import UnknownTimeZone
from limes.ees.domain.models import BorderType, EntryExitRecord, RefusalReason
from limes.ees.domain.rules import instant_date, record_erasure_date, stays_of
from limes.ees.operations import EesOperations
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from limes.shortstay import Stay
from tests.ees_factories import Traveller
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()
HELSINKI = "FIN-HEL"


@pytest.fixture
def helsinki(operations: EesOperations) -> str:
    operations.put_crossing_point(
        GUARD,
        HELSINKI,
        name="Helsinki-Vantaa",
        country="FIN",
        border_type=BorderType.AIR,
        time_zone="Europe/Helsinki",
    )
    return HELSINKI


def test_ees_art_11_sbc_art_6_an_entry_at_2330_utc_in_helsinki_counts_the_next_day(
    service: EesService, store: EesStore, clock: FixedClock, helsinki: str
) -> None:
    """EES Art 11 with SBC Art 6(1): the entry day is the first day of stay, and it is
    the day at the crossing point: 23:30 UTC on 4 May is 02:30 on 5 May in Helsinki."""
    clock.set(datetime(2026, 5, 4, 23, 30, tzinfo=UTC))
    receipt = service.record_entry(GUARD, ADA.at(helsinki))
    entry = receipt.entry
    assert entry is not None
    assert entry.entry_date == date(2026, 5, 5)
    # 90 days from 5 May, the entry day included.
    assert entry.authorised_stay_until == date(2026, 8, 2)
    (stored,) = peek(store).ees.entries(receipt.file_id)
    assert stored.entry_day == date(2026, 5, 5)


def test_ees_art_11_an_exit_at_0130_in_helsinki_counts_on_that_helsinki_day(
    service: EesService, store: EesStore, clock: FixedClock, helsinki: str
) -> None:
    """An exit at 01:30 local time (22:30 UTC the day before) is the local day's exit:
    the stay counts that day, and the file's last exit is that day (Art 34(2))."""
    clock.set(datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    service.record_entry(GUARD, ADA.at(helsinki))
    clock.set(datetime(2026, 5, 9, 22, 30, tzinfo=UTC))  # 10 May, 01:30 in Helsinki
    receipt = service.record_exit(GUARD, ADA.at(helsinki))
    closed = receipt.entry
    assert closed is not None
    assert closed.exit_date == date(2026, 5, 10)
    assert stays_of([closed], date(2026, 5, 10)) == [Stay(date(2026, 5, 4), date(2026, 5, 10))]
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file.last_exit_or_refusal == date(2026, 5, 10)
    # The next entry's calculator counts the seven local days, not six.
    clock.advance(timedelta(days=30))
    check = service.record_entry(GUARD, ADA.at(helsinki)).check
    assert check.assessment is not None
    assert check.assessment.days_used == 7


def test_ees_art_18_a_refusal_is_dated_on_the_local_day(
    service: EesService, clock: FixedClock, helsinki: str
) -> None:
    clock.set(datetime(2026, 5, 4, 21, 15, tzinfo=UTC))  # 00:15 on 5 May in Helsinki
    refusal = service.record_refusal(GUARD, ADA.at(helsinki), [RefusalReason.E]).refusal
    assert refusal is not None
    assert refusal.refused_on == date(2026, 5, 5)


def test_ees_art_34_retention_counts_from_the_local_day_of_the_exit() -> None:
    record = EntryExitRecord(
        record_id="E1",
        file_id="F1",
        entry_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
        entry_crossing_point=HELSINKI,
        authorised_stay_until=date(2026, 7, 29),
        exit_at=datetime(2026, 5, 9, 22, 30, tzinfo=UTC),
        exit_date=date(2026, 5, 10),
    )
    assert record_erasure_date(record) == date(2029, 5, 10)


def test_a_crossing_point_without_a_zone_keeps_utc_days(
    service: EesService, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 5, 4, 23, 30, tzinfo=UTC))
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    assert entry.entry_date == date(2026, 5, 4)


def test_the_day_of_an_instant_in_a_zone() -> None:
    at = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
    assert instant_date(at) == date(2026, 1, 10)
    assert instant_date(at, "Europe/Helsinki") == date(2026, 1, 11)
    assert instant_date(at, "America/New_York") == date(2026, 1, 10)


def test_a_crossing_point_zone_must_be_an_iana_name(operations: EesOperations) -> None:
    with pytest.raises(UnknownTimeZone) as raised:
        operations.put_crossing_point(GUARD, "FRA-CDG", time_zone="Paris")
    assert raised.value.errors[0].field == "time_zone"
    changed = operations.put_crossing_point(GUARD, "FRA-CDG", time_zone="Europe/Paris")
    assert changed.time_zone == "Europe/Paris"
    kept = operations.put_crossing_point(GUARD, "FRA-CDG", name="Roissy")
    assert kept.time_zone == "Europe/Paris"


def test_ees_art_12_an_overstay_is_flagged_when_the_last_day_has_ended_at_the_crossing_point(
    service: EesService, operations: EesOperations, clock: FixedClock, helsinki: str
) -> None:
    """EES Art 11-12: the authorised stay ends with a Helsinki day, 22:00 UTC in winter;
    at a crossing point west of UTC (the Azores, UTC-1 in winter) the day ends later."""
    operations.put_crossing_point(
        GUARD,
        "PRT-PDL",
        name="Ponta Delgada",
        country="PRT",
        border_type=BorderType.AIR,
        time_zone="Atlantic/Azores",
    )
    bob = Traveller(surname="NAKAMURA", given_names="BOB", number="J7700112", nationality="JPN")
    clock.set(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    east = service.record_entry(GUARD, ADA.at(helsinki)).entry
    west = service.record_entry(GUARD, bob.at("PRT-PDL")).entry
    assert east is not None
    assert west is not None
    assert east.authorised_stay_until == west.authorised_stay_until == date(2027, 1, 29)
    clock.set(datetime(2027, 1, 29, 21, 59, tzinfo=UTC))  # 23:59 in Helsinki
    assert operations.flag_overstays() == []
    clock.set(datetime(2027, 1, 29, 22, 1, tzinfo=UTC))  # 30 January in Helsinki
    assert operations.flag_overstays() == [east.record_id]
    clock.set(datetime(2027, 1, 30, 0, 30, tzinfo=UTC))  # still 29 January in the Azores
    assert operations.flag_overstays() == []
    clock.set(datetime(2027, 1, 30, 1, 1, tzinfo=UTC))  # 30 January there
    assert operations.flag_overstays() == [west.record_id]
