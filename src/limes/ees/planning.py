"""Read first, write briefly: the border's units of work.

A crossing is decided on a read-only snapshot (file lookup, history, 1:1
verification, calculator), which runs beside other desks; only its writes (typed
commands, `limes.ees.writes`) are then applied, in a short write transaction. The
database's constraints (one document per file, one open entry per file, one use of
an Idempotency-Key) and the versions of updated rows catch a desk that wrote first;
the crossing is then decided again on a fresh snapshot, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from limes.core.errors import BackendUnavailable, Conflict
from limes.ees.ports import EesStore, EesUnitOfWork
from limes.ees.writes import PlannedUnitOfWork, Write, apply_writes

T = TypeVar("T")
Decision = Callable[[EesUnitOfWork], T]

# How long a desk waits for its crossing to be on disk before it is told the outcome
# is unknown. A commit takes milliseconds; this bounds a stuck database, never a
# healthy one. The crossing may still be stored: a retry with the same
# Idempotency-Key then answers with it rather than storing it twice.
COMMIT_TIMEOUT_SECONDS = 30.0


def _not_answered() -> BackendUnavailable:
    return BackendUnavailable(
        f"The database did not confirm the write within {COMMIT_TIMEOUT_SECONDS:.0f} s; its "
        "outcome is unknown. Retry with the same Idempotency-Key: a stored crossing is "
        "answered, not stored twice."
    )


def apply_now(store: EesStore, writes: Sequence[Write]) -> None:
    """Apply kept writes in one write unit of work of `store`, on the calling thread."""
    with store.unit_of_work(write=True) as uow:
        apply_writes(uow, writes)


def _on_snapshot(store: EesStore, decide: Decision[T]) -> tuple[T, list[Write]]:
    with store.unit_of_work(write=False) as snapshot:
        planned = PlannedUnitOfWork(snapshot)
        outcome = decide(planned)
    return outcome, planned.writes


def transact(store: EesStore, decide: Decision[T]) -> T:
    """Decide on a snapshot, then apply the decision's writes in one short transaction.

    A conflict with what another desk wrote first (a constraint, or a row changed since
    it was read) makes the decision be taken again on fresh data, once.
    """
    for attempt in (1, 2):
        outcome, writes = _on_snapshot(store, decide)
        if not writes:
            return outcome
        try:
            store.submit_writes(writes).result(timeout=COMMIT_TIMEOUT_SECONDS)
        except FutureTimeout:
            raise _not_answered() from None
        except Conflict:
            if attempt == 2:
                raise
            continue  # another desk wrote first: decide again on what it wrote
        return outcome
    raise AssertionError("unreachable")  # pragma: no cover


async def transact_async(store: EesStore, decide: Decision[T]) -> T:
    """`transact` for the event loop: decided and written off the loop, by the store's
    threads (on SQLite its committer's own); the coroutine only waits.
    """

    def on_snapshot() -> tuple[T, list[Write]]:
        return _on_snapshot(store, decide)

    for attempt in (1, 2):
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(store.submit_decision(on_snapshot)), COMMIT_TIMEOUT_SECONDS
            )
        except TimeoutError:
            raise _not_answered() from None
        except Conflict:
            if attempt == 2:
                raise
            continue  # another desk wrote first: decide again on what it wrote
    raise AssertionError("unreachable")  # pragma: no cover
