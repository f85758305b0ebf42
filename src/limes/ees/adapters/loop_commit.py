"""Group commit for an event loop: the statements on the loop, the sync to disk off it.

A thread that runs SQL waits for the interpreter lock after every statement, behind
an event loop that holds it for whole requests; with SQLite, the statements of a
batch take a fraction of a millisecond and the sync to disk takes the rest. So on
SQLite the server's crossings are committed here: the desks' write sets gather
while the previous batch is syncing; then the loop takes the writer lock (waiting on
a thread, since another process may hold it), applies the whole batch itself, and
hands only the COMMIT, which waits for the disk, to a thread. The loop goes on
deciding other crossings meanwhile. A desk is answered once its batch is on disk.

As in `group_commit`, the batch is applied in bulk first, and crossing by crossing
in savepoints if the bulk clashes with a constraint.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from limes.core.errors import BackendUnavailable, DomainError
from limes.db.engine import SQLITE_BEGIN
from limes.db.unit_of_work import database_error
from limes.db.writer_lock import WriterLock, writer_lock
from limes.ees.adapters.group_commit import MAX_BATCH, Apply, ApplyBulk, Write

_Pending = tuple[Sequence[Write], "asyncio.Future[None]"]


class LoopGroupCommitter:
    """Commits the write sets of coroutines in batches; each awaits its own outcome."""

    def __init__(
        self, engine: Engine, apply: Apply, apply_bulk: ApplyBulk, *, max_batch: int = MAX_BATCH
    ) -> None:
        self._engine = engine
        self._apply = apply
        self._apply_bulk = apply_bulk
        self._max_batch = max_batch
        self._lock = writer_lock(engine) or WriterLock(None)
        self._disk = ThreadPoolExecutor(1, thread_name_prefix="ees-commit")
        self._pending: list[_Pending] = []
        self._draining: asyncio.Task[None] | None = None

    async def write(self, writes: Sequence[Write]) -> None:
        """Apply `writes` durably with the other desks' of the batch; raise what they met."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((writes, done))
        if self._draining is None or self._draining.done():
            self._draining = loop.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                outcomes = await self._commit([writes for writes, _ in batch])
            except Exception as error:
                reason = database_error(error) or BackendUnavailable(f"the commit failed: {error}")
                outcomes = [reason] * len(batch)
            for (_, done), outcome in zip(batch, outcomes, strict=True):
                if done.done():
                    continue  # the desk went away
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)

    async def _commit(self, write_sets: list[Sequence[Write]]) -> list[BaseException | None]:
        if len(write_sets) > 1:
            bulk = await self._transaction(lambda c: self._apply_bulk(c, write_sets))
            if bulk is True:
                return [None] * len(write_sets)
            if isinstance(bulk, BackendUnavailable):
                return [bulk] * len(write_sets)
            # No bulk form, or a clash: find out whose, crossing by crossing.
        refused: dict[int, BaseException] = {}

        def one_by_one(connection: Connection) -> bool:
            for number, writes in enumerate(write_sets):
                savepoint = connection.begin_nested()
                try:
                    self._apply(connection, writes)
                    savepoint.commit()
                except (sa_exc.SQLAlchemyError, DomainError) as error:
                    savepoint.rollback()
                    refused[number] = _domain(error)
            return True

        outcome = await self._transaction(one_by_one)
        if outcome is not True:
            return [outcome or BackendUnavailable("the batch was not applied")] * len(write_sets)
        return [refused.get(number) for number in range(len(write_sets))]

    async def _transaction(self, apply: Callable[[Connection], bool]) -> bool | BaseException:
        """Run `apply` in one write transaction; True once committed, False if it declined."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._disk, self._lock.__enter__)
        try:
            connection = self._engine.connect().execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            try:
                connection.begin()
                if not apply(connection):
                    connection.rollback()
                    return False
                await loop.run_in_executor(self._disk, connection.commit)
                return True
            except (sa_exc.SQLAlchemyError, DomainError) as error:
                with contextlib.suppress(sa_exc.SQLAlchemyError):
                    connection.rollback()
                return _domain(error)
            finally:
                connection.close()
        finally:
            self._lock.__exit__(None, None, None)


def _domain(error: BaseException) -> BaseException:
    if isinstance(error, DomainError):
        return error
    return database_error(error) or error
