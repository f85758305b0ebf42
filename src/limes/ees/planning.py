"""Read first, write briefly: the border's units of work.

A crossing is decided on a read-only snapshot (file lookup, history, 1:1
verification, calculator), which runs beside other desks; only its writes are then
applied, in a short write transaction. The database's constraints (one document per
file, one open entry per file, one use of an Idempotency-Key) catch a desk that wrote
first; the crossing is then decided again on a fresh snapshot, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar, cast

from limes.core.errors import Conflict, DomainError
from limes.ees.ports import EesRepository, EesStore, EesUnitOfWork
from limes.interop.cir.ports import IdentityRepository

T = TypeVar("T")
Decision = Callable[[EesUnitOfWork], T]

_EES_WRITES = frozenset(
    {
        "add_file",
        "update_file",
        "add_entry",
        "update_entry",
        "add_refusal",
        "erase_entry",
        "erase_refusal",
        "erase_file",
        "put_crossing_point",
        "log_access",
        "remember_outcome",
    }
)
_CIR_WRITES = frozenset({"add", "update", "put_templates", "erase"})

_Write = tuple[str, str, tuple[Any, ...], dict[str, Any]]


class _Recorder:
    """Forwards reads to the snapshot; keeps writes for later."""

    def __init__(
        self, target: object, name: str, writes: frozenset[str], log: list[_Write]
    ) -> None:
        self._target = target
        self._name = name
        self._writes = writes
        self._log = log

    def __getattr__(self, method: str) -> Any:
        if method not in self._writes:
            return getattr(self._target, method)

        def record(*args: Any, **kwargs: Any) -> None:
            self._log.append((self._name, method, args, kwargs))

        return record


class PlannedUnitOfWork:
    """A unit of work whose reads see a snapshot and whose writes are kept."""

    def __init__(self, snapshot: EesUnitOfWork) -> None:
        self.writes: list[_Write] = []
        self._ees = cast(EesRepository, _Recorder(snapshot.ees, "ees", _EES_WRITES, self.writes))
        self._identities = cast(
            IdentityRepository,
            _Recorder(snapshot.identities, "identities", _CIR_WRITES, self.writes),
        )

    @property
    def ees(self) -> EesRepository:
        """The EES tables: reads now, writes later."""
        return self._ees

    @property
    def identities(self) -> IdentityRepository:
        """The CIR: reads now, writes later."""
        return self._identities


def replay_writes(uow: EesUnitOfWork, writes: Sequence[_Write]) -> None:
    """Apply kept writes, in order, on a unit of work."""
    for target, method, args, kwargs in writes:
        getattr(getattr(uow, target), method)(*args, **kwargs)


def apply_now(store: EesStore, writes: Sequence[_Write]) -> Future[None]:
    """Apply kept writes in one write unit of work of `store`, now; a done future."""
    done: Future[None] = Future()
    try:
        with store.unit_of_work(write=True) as uow:
            replay_writes(uow, writes)
    except DomainError as error:
        done.set_exception(error)
    else:
        done.set_result(None)
    return done


def _on_snapshot(store: EesStore, decide: Decision[T]) -> tuple[T, list[_Write]]:
    with store.unit_of_work(write=False) as snapshot:
        planned = PlannedUnitOfWork(snapshot)
        outcome = decide(planned)
    return outcome, planned.writes


def transact(store: EesStore, decide: Decision[T]) -> T:
    """Decide on a snapshot, then apply the decision's writes in one short transaction."""
    for attempt in (1, 2):
        outcome, writes = _on_snapshot(store, decide)
        if not writes:
            return outcome
        try:
            store.submit_writes(writes).result()
        except Conflict:
            if attempt == 2:
                raise
            continue  # another desk wrote first: decide again on what it wrote
        return outcome
    raise AssertionError("unreachable")  # pragma: no cover


async def transact_async(store: EesStore, decide: Decision[T]) -> T:
    """`transact` for the event loop: the caller waits for the commit without a thread.

    Where the store's reads are local (SQLite), the decision runs on the loop itself;
    where they wait on a server, on the store's reader threads.
    """
    loop = asyncio.get_running_loop()
    for attempt in (1, 2):
        if store.reader is None:
            outcome, writes = _on_snapshot(store, decide)
        else:
            outcome, writes = await loop.run_in_executor(store.reader, _on_snapshot, store, decide)
        if not writes:
            return outcome
        try:
            await store.write_async(writes)
        except Conflict:
            if attempt == 2:
                raise
            continue
        return outcome
    raise AssertionError("unreachable")  # pragma: no cover
