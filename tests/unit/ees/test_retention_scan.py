"""The retention job reads only what may be due (EES Art 34), through indexes, and
commits in chunks; its selection never misses a file that `retention_plan` would act on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from limes.core.clock import FixedClock
from limes.ees.adapters.memory import MemoryEesStore
from limes.ees.domain.models import (
    Completeness,
    EntryExitRecord,
    FingerprintStatus,
    IndividualFile,
    RefusalReason,
    RefusalRecord,
    TravellerKind,
)
from limes.ees.domain.rules import RetentionAction, retention_plan, retention_scan
from limes.ees.operations import EesOperations
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from limes.interop.cir.models import SourceSystem
from tests.ees_factories import Traveller
from tests.unit.ees.conftest import GUARD, peek


def test_only_files_with_something_due_are_selected(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    old = [Traveller(number=f"R{n:07d}") for n in range(3)]
    for traveller in old:
        service.record_entry(GUARD, traveller.at())
    clock.advance(timedelta(days=5))
    for traveller in old:
        service.record_exit(GUARD, traveller.at())
    clock.set(clock.now().replace(year=clock.now().year + 3) - timedelta(days=20))
    recent = [Traveller(number=f"S{n:07d}") for n in range(5)]
    for traveller in recent:
        service.record_entry(GUARD, traveller.at())
    today = clock.today() + timedelta(days=30)
    with store.unit_of_work(write=False) as uow:
        due = uow.ees.files_due_for_retention(retention_scan(today))
        old_files = {
            uow.identities.find_by_document(SourceSystem.EES, t.number, t.nationality) for t in old
        }
    assert len(due) == 3
    assert {peek(store).ees.file_of_identity(f.cir_id).file_id for f in old_files if f} == set(due)


def test_retention_in_chunks_of_one_erases_every_due_file(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    travellers = [Traveller(number=f"C{n:07d}") for n in range(4)]
    for traveller in travellers:
        service.record_refusal(GUARD, traveller.at(), [RefusalReason.H])
    clock.set(clock.now().replace(year=clock.now().year + 3) + timedelta(days=2))
    report = operations.run_retention(chunk=1)
    assert report.count(RetentionAction.ERASE_RECORD) == 4
    assert report.count(RetentionAction.ERASE_FILE) == 4
    assert peek(store).ees.file_ids() == []


AT = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
days = st.integers(min_value=0, max_value=9 * 366)


@st.composite
def histories(draw: st.DrawFn) -> tuple[IndividualFile, list[EntryExitRecord], list[RefusalRecord]]:
    entries: list[EntryExitRecord] = []
    last_exit: date | None = None
    for number in range(draw(st.integers(0, 3))):
        entered = AT + timedelta(days=draw(days))
        stay_until = entered.date() + timedelta(days=draw(st.integers(0, 90)))
        exit_at = None
        if draw(st.booleans()):
            exit_at = entered + timedelta(days=draw(st.integers(0, 200)))
            last_exit = max(filter(None, (last_exit, exit_at.date())))
        notice = entered.date() + timedelta(days=draw(days)) if draw(st.booleans()) else None
        entries.append(
            EntryExitRecord(
                f"E{number}",
                "F1",
                entered,
                "FRA-CDG",
                stay_until,
                exit_at=exit_at,
                erasure_notice_on=notice if exit_at is None else None,
            )
        )
    refusals = []
    for number in range(draw(st.integers(0, 2))):
        refused = AT + timedelta(days=draw(days))
        refusals.append(RefusalRecord(f"R{number}", "F1", refused, "FRA-CDG", (RefusalReason.B,)))
        last_exit = max(filter(None, (last_exit, refused.date())))
    individual_file = IndividualFile(
        "F1",
        "C1",
        TravellerKind.VISA_EXEMPT,
        FingerprintStatus.CAPTURED,
        Completeness.COMPLETE,
        AT,
        AT,
        last_exit,
    )
    return individual_file, entries, refusals


@settings(max_examples=300, deadline=None)
@given(history=histories(), today_offset=st.integers(min_value=0, max_value=12 * 366))
def test_the_selection_never_misses_a_file_with_a_step_due(
    history: tuple[IndividualFile, list[EntryExitRecord], list[RefusalRecord]],
    today_offset: int,
) -> None:
    individual_file, entries, refusals = history
    today = AT.date() + timedelta(days=today_offset)
    # A file is made with its first record and erased with its last (`retention_plan`):
    # none is ever stored without records.
    if not (entries or refusals) or not retention_plan(individual_file, entries, refusals, today):
        return
    store = MemoryEesStore()
    try:
        with store.unit_of_work(write=True) as uow:
            uow.ees.add_file(individual_file)
            for record in entries:
                uow.ees._t.entries[record.record_id] = record
            for refusal in refusals:
                uow.ees.add_refusal(refusal)
        with store.unit_of_work(write=False) as uow:
            assert uow.ees.files_due_for_retention(retention_scan(today)) == ["F1"]
    finally:
        store.close()
