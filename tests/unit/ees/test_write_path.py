"""The write path: versions refuse stale updates, constraints hold on every store, writes
are typed commands, and nothing blocking runs on an event loop."""

from __future__ import annotations

import inspect
import threading
from concurrent.futures import Future
from dataclasses import replace
from datetime import timedelta

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import BackendUnavailable, Conflict, StaleWrite
from limes.db.engine import make_engine
from limes.db.loop_guard import BlockingCallOnEventLoop, mark_serving_loop
from limes.db.migrate import upgrade
from limes.ees import planning
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.corrections import EesCorrections
from limes.ees.domain.errors import ExitWithoutEntry
from limes.ees.domain.models import EvidenceKind
from limes.ees.operations import EesOperations
from limes.ees.outcomes import CrossingReceipt
from limes.ees.ports import EesRepository, EesStore, EesUnitOfWork, IdempotentOutcome
from limes.ees.service import EesService
from limes.ees.writes import (
    PlannedUnitOfWork,
    UpdateEntry,
    UpdateFile,
    Write,
    _PlannedEes,
    _PlannedIdentities,
)
from limes.interop.cir.ports import IdentityRepository
from tests.ees_factories import Traveller
from tests.loops import run_on_a_loop_of_its_own
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()


def _entered(service: EesService) -> CrossingReceipt:
    return service.record_entry(GUARD, ADA.at())


def test_an_update_decided_on_an_old_version_is_refused(
    service: EesService, store: EesStore
) -> None:
    receipt = _entered(service)
    assert receipt.entry is not None
    read = peek(store).ees.get_entry(receipt.entry.record_id)
    with store.unit_of_work(write=True) as uow:
        uow.ees.update_entry(replace(read, rebuttal="first"))
    with pytest.raises(StaleWrite), store.unit_of_work(write=True) as uow:
        uow.ees.update_entry(replace(read, rebuttal="second, on the old copy"))
    stored = peek(store).ees.get_entry(read.record_id)
    assert stored.rebuttal == "first"
    assert stored.version == read.version + 1


def test_a_file_update_on_an_old_version_is_refused(service: EesService, store: EesStore) -> None:
    receipt = _entered(service)
    read = peek(store).ees.get_file(receipt.file_id)
    with store.unit_of_work(write=True) as uow:
        uow.ees.update_file(replace(read, updated_at=read.updated_at + timedelta(hours=1)))
    with pytest.raises(StaleWrite), store.unit_of_work(write=True) as uow:
        uow.ees.update_file(replace(read, updated_at=read.updated_at + timedelta(hours=2)))
    assert peek(store).ees.get_file(receipt.file_id).updated_at == read.updated_at + timedelta(
        hours=1
    )


def test_an_exit_racing_a_rebuttal_keeps_the_proven_exit(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 20: an exit decided on a snapshot taken before a rebuttal was stored must
    not overwrite the exit the rebuttal set; decided again, it finds no open entry."""
    entry = _entered(service).entry
    assert entry is not None
    clock.advance(timedelta(days=100))
    assert operations.flag_overstays() == [entry.record_id]
    exit_decision = service.exit_decision(GUARD, ADA.at())
    corrections = EesCorrections(store, clock)
    left = entry.entry_at.date() + timedelta(days=20)
    decided = 0

    def exit_while_a_rebuttal_lands(uow: EesUnitOfWork) -> CrossingReceipt:
        nonlocal decided
        decided += 1
        receipt = exit_decision(uow)
        if decided == 1:  # another officer stores a rebuttal meanwhile, on another thread
            rebut = threading.Thread(
                target=corrections.rebut,
                args=(GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "Oslo airport", left),
            )
            rebut.start()
            rebut.join()
        return receipt

    with pytest.raises(ExitWithoutEntry):
        service.run(exit_while_a_rebuttal_lands)
    assert decided == 2  # refused as stale once, decided again on fresh data
    stored = peek(store).ees.get_entry(entry.record_id)
    assert stored.exit_at is not None
    assert stored.exit_at.date() == left
    assert stored.exit_by_rebuttal
    assert stored.rebuttal == "Oslo airport"


def test_a_file_has_one_open_entry_on_every_store(service: EesService, store: EesStore) -> None:
    receipt = _entered(service)
    assert receipt.entry is not None
    second = replace(receipt.entry, record_id="E-second", version=1)
    with pytest.raises(Conflict), store.unit_of_work(write=True) as uow:
        uow.ees.add_entry(second)
    assert [e.record_id for e in peek(store).ees.entries(receipt.file_id)] == [
        receipt.entry.record_id
    ]


def test_an_idempotency_key_is_used_once_on_every_store(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    outcome = IdempotentOutcome("key-1", GUARD.user_id, "entry", "digest", "E-1", clock.now())
    with store.unit_of_work(write=True) as uow:
        uow.ees.remember_outcome(outcome)
    with pytest.raises(Conflict), store.unit_of_work(write=True) as uow:
        uow.ees.remember_outcome(replace(outcome, record_id="E-2"))
    assert peek(store).ees.idempotent_outcome("key-1", GUARD.user_id).record_id == "E-1"


def test_a_record_needs_its_file_on_every_store(service: EesService, store: EesStore) -> None:
    entry = _entered(service).entry
    assert entry is not None
    orphan = replace(entry, record_id="E-orphan", file_id="F-missing", exit_at=None)
    with pytest.raises(Conflict), store.unit_of_work(write=True) as uow:
        uow.ees.add_entry(orphan)


def _own_methods(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items() if inspect.isfunction(value)}


def _protocol_methods(protocol: type) -> set[str]:
    return {
        name
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }


def test_the_planned_repositories_name_every_method_of_their_ports() -> None:
    # A write method missing here would not silently run on the read snapshot: there is
    # no fall-through at all, every method is spelt out.
    assert _protocol_methods(EesRepository) <= _own_methods(_PlannedEes)
    assert _protocol_methods(IdentityRepository) <= _own_methods(_PlannedIdentities)
    assert not hasattr(_PlannedEes, "__getattr__")


def test_a_decision_keeps_typed_writes_and_folds_updates_of_one_row(
    service: EesService, store: EesStore
) -> None:
    receipt = _entered(service)
    with store.unit_of_work(write=False) as snapshot:
        planned = PlannedUnitOfWork(snapshot)
        read = planned.ees.get_file(receipt.file_id)
        assert read is not None
        planned.ees.update_file(replace(read, updated_at=read.updated_at + timedelta(1)))
        planned.ees.update_file(replace(read, updated_at=read.updated_at + timedelta(2)))
        entry = planned.ees.entries(receipt.file_id)[0]
        planned.ees.update_entry(replace(entry, rebuttal="kept"))
    writes: list[Write] = planned.writes
    assert [type(w) for w in writes] == [UpdateFile, UpdateEntry]
    assert isinstance(writes[0], UpdateFile)
    assert writes[0].individual_file.version == read.version
    assert writes[0].individual_file.updated_at == read.updated_at + timedelta(2)
    # Nothing reached the store while deciding.
    assert peek(store).ees.get_file(receipt.file_id) == read


class _NeverAnswers:
    """A store whose commits never come back: a stuck database."""

    def __init__(self, inner: EesStore) -> None:
        self._inner = inner

    def unit_of_work(self, *, write: bool):  # type: ignore[no-untyped-def]
        return self._inner.unit_of_work(write=write)

    def submit_writes(self, writes: object) -> Future[None]:
        return Future()

    def submit_decision(self, decide: object) -> Future[object]:
        return Future()


def test_a_desk_waiting_on_a_stuck_commit_is_answered(
    store: EesStore, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planning, "COMMIT_TIMEOUT_SECONDS", 0.2)
    from limes.ees.adapters.biometrics import TemplateVerifier

    stuck = EesService(_NeverAnswers(store), clock, TemplateVerifier())  # type: ignore[arg-type]
    with pytest.raises(BackendUnavailable, match="Idempotency-Key"):
        stuck.record_entry(GUARD, ADA.at())

    async def on_the_loop() -> None:
        await stuck.run_async(stuck.entry_decision(GUARD, Traveller(number="Q1234567").at()))

    with pytest.raises(BackendUnavailable, match="did not confirm"):
        run_on_a_loop_of_its_own(on_the_loop())


def test_a_database_call_on_an_event_loop_fails_at_once(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = SqlEesStore(engine)

    async def on_the_loop() -> None:
        mark_serving_loop()
        with store.unit_of_work(write=False) as uow:
            uow.ees.file_ids()

    async def writing_on_the_loop() -> None:
        mark_serving_loop()
        with store.unit_of_work(write=True) as uow:
            uow.ees.file_ids()

    try:
        with pytest.raises(BlockingCallOnEventLoop):
            run_on_a_loop_of_its_own(on_the_loop())
        with pytest.raises(BlockingCallOnEventLoop):
            run_on_a_loop_of_its_own(writing_on_the_loop())
        # Off the loop, the same calls work.
        with store.unit_of_work(write=False) as uow:
            assert uow.ees.file_ids() == []
    finally:
        store.close()
        engine.dispose()


def test_decisions_of_coroutines_run_off_the_loop(service: EesService, store: EesStore) -> None:
    loop_threads: set[int] = set()
    decided_on: set[int] = set()
    decision = service.entry_decision(GUARD, Traveller(number="T7654321").at())

    def spy(uow: EesUnitOfWork) -> CrossingReceipt:
        decided_on.add(threading.get_ident())
        return decision(uow)

    async def desk() -> CrossingReceipt:
        loop_threads.add(threading.get_ident())
        return await service.run_async(spy)

    receipt = run_on_a_loop_of_its_own(desk())
    assert receipt.entry is not None
    assert decided_on
    assert not decided_on & loop_threads
