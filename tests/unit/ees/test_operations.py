"""Overstays (Art 12, 20), retention (Art 34) and crossing points, moving the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import InvalidRequest
from limes.ees.corrections import EesCorrections
from limes.ees.domain.models import EvidenceKind, RefusalReason, SuspensionScope
from limes.ees.domain.rules import RetentionAction
from limes.ees.operations import EesOperations
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from tests.ees_factories import LAND, Traveller
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()
BEN = Traveller(surname="NOVAK", given_names="BEN", number="N2222222", nationality="CAN")


def test_an_open_entry_is_flagged_the_day_after_the_authorised_stay(
    service: EesService, operations: EesOperations, clock: FixedClock
) -> None:
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    clock.advance(timedelta(days=89))
    assert operations.flag_overstays() == []  # the last lawful day
    clock.advance(timedelta(days=1))
    assert operations.flag_overstays() == [entry.record_id]
    assert operations.flag_overstays() == []  # flagged once
    [listed] = operations.overstayers(GUARD)
    assert listed.record.overstay_from == entry.authorised_stay_until + timedelta(days=1)
    assert listed.identity is not None
    assert listed.identity.identity.surname.original == "OKAFOR"


def test_rebutting_an_overstay_takes_it_off_the_list(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 20: the rebuttal needs its evidence; the record leaves the list."""
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    clock.advance(timedelta(days=100))
    operations.flag_overstays()
    corrections = EesCorrections(store, clock)
    left = entry.entry_at.date() + timedelta(days=30)
    with pytest.raises(InvalidRequest):
        corrections.rebut(GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "  ", left)
    rebutted = corrections.rebut(
        GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "Exit stamp at Oslo airport", left
    )
    assert rebutted.rebuttal is not None
    assert operations.overstayers(GUARD) == []


def test_retention_erases_records_after_3_years_and_the_file_a_day_later(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    receipt = service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=10))
    exit_receipt = service.record_exit(GUARD, ADA.at())
    assert exit_receipt.entry is not None
    exit_day = exit_receipt.entry.exit_at
    assert exit_day is not None
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file is not None
    cir_id = individual_file.cir_id

    clock.set(exit_day.replace(year=exit_day.year + 3) - timedelta(days=1))
    assert operations.run_retention().steps == ()
    clock.advance(timedelta(days=1))
    report = operations.run_retention()
    assert report.count(RetentionAction.ERASE_RECORD) == 1
    assert report.count(RetentionAction.ERASE_FILE) == 0
    assert peek(store).ees.get_file(receipt.file_id) is not None
    clock.advance(timedelta(days=1))
    report = operations.run_retention()
    assert report.count(RetentionAction.ERASE_FILE) == 1
    assert peek(store).ees.get_file(receipt.file_id) is None
    assert peek(store).identities.get(cir_id) is None
    assert peek(store).identities.templates(cir_id) == []


def test_overstayers_are_kept_5_years_with_notice_3_months_before(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    clock.advance(timedelta(days=120))
    operations.flag_overstays()
    end = entry.authorised_stay_until
    clock.set(
        clock.now().replace(year=end.year + 5, month=end.month, day=end.day) - timedelta(days=95)
    )
    assert operations.run_retention().steps == ()
    clock.advance(timedelta(days=10))
    report = operations.run_retention()
    assert report.count(RetentionAction.NOTIFY_OVERSTAYER_ERASURE) == 1
    assert report.count(RetentionAction.ERASE_RECORD) == 0
    clock.advance(timedelta(days=1))
    assert operations.run_retention().steps == ()  # the overstayer is told once
    clock.set(clock.now().replace(year=end.year + 5, month=end.month, day=end.day))
    report = operations.run_retention()
    assert report.count(RetentionAction.ERASE_RECORD) == 1
    assert report.count(RetentionAction.ERASE_FILE) == 1
    assert peek(store).ees.file_ids() == []


def test_a_refusal_is_kept_3_years(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    receipt = service.record_refusal(GUARD, BEN.at(), [RefusalReason.H])
    refused = clock.now()
    clock.set(refused.replace(year=refused.year + 3))
    report = operations.run_retention()
    assert report.count(RetentionAction.ERASE_RECORD) == 1
    assert peek(store).ees.get_file(receipt.file_id) is not None
    clock.advance(timedelta(days=1))
    operations.run_retention()
    assert peek(store).ees.get_file(receipt.file_id) is None


def test_a_file_with_a_later_entry_is_kept(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    first = service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=5))
    service.record_exit(GUARD, ADA.at())
    clock.set(clock.now().replace(year=clock.now().year + 3) - timedelta(days=3))
    service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=10))
    report = operations.run_retention()
    assert report.count(RetentionAction.ERASE_RECORD) == 1
    assert report.count(RetentionAction.ERASE_FILE) == 0
    assert len(peek(store).ees.entries(first.file_id)) == 1


def test_suspending_a_crossing_point_needs_a_reason_and_is_audited(
    operations: EesOperations, store: EesStore
) -> None:
    with pytest.raises(InvalidRequest, match="reason"):
        operations.put_crossing_point(GUARD, LAND.code, suspension=SuspensionScope.PARTIAL)
    updated = operations.put_crossing_point(
        GUARD,
        LAND.code,
        suspension=SuspensionScope.PARTIAL,
        suspension_reason="queues over 4 hours",
    )
    assert updated.suspension is SuspensionScope.PARTIAL
    assert updated.changed_by == GUARD.user_id
    log = peek(store).ees.access_log()
    assert log[-1].operation == "set_crossing_point"
    assert log[-1].query["suspension"] == "partial"
    lifted = operations.put_crossing_point(GUARD, LAND.code, suspension=SuspensionScope.NONE)
    assert lifted.suspension_reason is None
