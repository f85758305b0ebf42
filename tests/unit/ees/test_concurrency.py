"""Many desks at once: every crossing is stored once, and one traveller enters once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from limes.core.errors import Conflict, DomainError
from limes.ees.domain.errors import SecondEntryWithoutExit
from limes.ees.outcomes import CrossingReceipt
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from tests.ees_factories import Traveller
from tests.unit.ees.conftest import GUARD, peek

T = TypeVar("T")


def test_concurrent_desks_record_every_crossing_exactly_once(
    service: EesService, store: EesStore
) -> None:
    travellers = [Traveller(number=f"M{i:07d}") for i in range(40)]
    requests = [t.at() for t in travellers]
    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(lambda r: service.record_entry(GUARD, r), requests))
    assert len({r.record_id for r in receipts}) == 40
    stored = {
        record.record_id
        for receipt in receipts
        for record in peek(store).ees.entries(receipt.file_id)
    }
    assert stored == {r.record_id for r in receipts}


def test_two_desks_entering_one_traveller_at_once_record_one_entry(
    service: EesService, store: EesStore
) -> None:
    ada = Traveller(number="D0000001")
    request = ada.at()
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def desk() -> None:
        barrier.wait()
        try:
            outcomes.append(service.record_entry(GUARD, request))
        except DomainError as error:
            outcomes.append(error)

    desks = [threading.Thread(target=desk) for _ in range(4)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join()
    recorded = [o for o in outcomes if not isinstance(o, DomainError)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(recorded) == 1
    assert all(isinstance(e, SecondEntryWithoutExit) for e in refused), refused
    file_ids = peek(store).ees.file_ids()
    assert len(file_ids) == 1
    assert len(peek(store).ees.entries(file_ids[0])) == 1


def _on_a_loop_of_its_own(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    # A browser test of the same worker may leave Playwright's loop running in this
    # thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(main())).result()


def test_desks_on_the_event_loop_record_every_crossing_exactly_once(
    service: EesService, store: EesStore
) -> None:
    travellers = [Traveller(number=f"L{i:07d}") for i in range(48)]

    async def desks() -> list[CrossingReceipt]:
        return await asyncio.gather(
            *(service.run_async(service.entry_decision(GUARD, t.at())) for t in travellers)
        )

    receipts = _on_a_loop_of_its_own(desks)
    assert len({r.record_id for r in receipts}) == 48
    stored = {
        record.record_id
        for receipt in receipts
        for record in peek(store).ees.entries(receipt.file_id)
    }
    assert stored == {r.record_id for r in receipts}


def test_a_clash_in_a_batch_refuses_only_the_desk_that_lost(
    service: EesService, store: EesStore
) -> None:
    # Decided side by side, these land in one commit batch: the bulk write clashes on
    # the one traveller entered twice, and the batch is applied again crossing by
    # crossing, so the others are recorded.
    twice = Traveller(number="D0000002")
    others = [Traveller(number=f"B{i:07d}") for i in range(6)]
    requests = [twice.at(), *(t.at() for t in others), twice.at()]

    async def desks() -> list[CrossingReceipt | BaseException]:
        return await asyncio.gather(
            *(service.run_async(service.entry_decision(GUARD, r)) for r in requests),
            return_exceptions=True,
        )

    outcomes = _on_a_loop_of_its_own(desks)
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1
    assert isinstance(refused[0], SecondEntryWithoutExit | Conflict), refused
    recorded = [o for o in outcomes if isinstance(o, CrossingReceipt)]
    assert len(recorded) == 7
    assert len(peek(store).ees.file_ids()) == 7
