"""Group commit: the writes of many crossings in one transaction, one sync to disk.

Desks decide their crossings on snapshots, side by side; their writes meet here. One
thread takes every write set waiting and applies them in one transaction, commits
once, and only then answers each desk. A crossing is acknowledged only once it is on
disk, and the cost of the commit is shared by all the crossings in the batch.

The batch is first applied in bulk: one multi-row statement per kind of write for all
its crossings. Besides the statements saved, this matters for a server whose event
loop shares the interpreter with this thread: the thread waits for the interpreter
lock after every statement, so a batch should take few. If the bulk does not apply
(a conflict, or a kind of write without a bulk form), the batch is applied again
crossing by crossing, each in a savepoint, so one desk's conflict does not undo
another's crossing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from limes.core.errors import BackendUnavailable, DomainError
from limes.db.unit_of_work import SqlUnitOfWork, database_error

Write = tuple[str, str, tuple[Any, ...], dict[str, Any]]
Apply = Callable[[Connection, Sequence[Write]], None]
# Applies many crossings' writes in bulk; False when it cannot (nothing is then written).
ApplyBulk = Callable[[Connection, Sequence[Sequence[Write]]], bool]

MAX_BATCH = 128


class GroupCommitter:
    """Applies write sets in batches on one thread; each caller waits for its own outcome."""

    def __init__(
        self,
        engine: Engine,
        apply: Apply,
        apply_bulk: ApplyBulk | None = None,
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._engine = engine
        self._apply = apply
        self._apply_bulk = apply_bulk
        self._max_batch = max_batch
        self._pending: queue.SimpleQueue[tuple[Sequence[Write], Future[None]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="ees-group-commit", daemon=True)
        self._thread.start()

    def submit(self, writes: Sequence[Write]) -> Future[None]:
        """Queue `writes`; the future is done once they are on disk, or holds their error."""
        done: Future[None] = Future()
        self._pending.put((writes, done))
        return done

    def _run(self) -> None:
        while True:
            batch = [self._pending.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[tuple[Sequence[Write], Future[None]]]) -> None:
        if self._apply_bulk is not None and len(batch) > 1 and self._commit_bulk(batch):
            return
        self._commit_one_by_one(batch)

    def _commit_bulk(self, batch: list[tuple[Sequence[Write], Future[None]]]) -> bool:
        assert self._apply_bulk is not None  # noqa: S101 - checked by the caller
        try:
            with SqlUnitOfWork(self._engine) as uow:
                if not self._apply_bulk(uow.connection, [writes for writes, _ in batch]):
                    return False
        except DomainError as error:
            if not isinstance(error, BackendUnavailable):
                return False  # a conflict: find out whose, crossing by crossing
            for _, done in batch:
                done.set_exception(error)
            return True
        except sa_exc.SQLAlchemyError:
            return False
        for _, done in batch:
            done.set_result(None)
        return True

    def _commit_one_by_one(self, batch: list[tuple[Sequence[Write], Future[None]]]) -> None:
        applied: list[Future[None]] = []
        refused: list[tuple[Future[None], BaseException]] = []
        try:
            with SqlUnitOfWork(self._engine) as uow:
                connection = uow.connection
                for writes, done in batch:
                    savepoint = connection.begin_nested()
                    try:
                        self._apply(connection, writes)
                        savepoint.commit()
                        applied.append(done)
                    except (sa_exc.SQLAlchemyError, DomainError) as error:
                        savepoint.rollback()
                        refused.append((done, _domain(error)))
        except (DomainError, sa_exc.SQLAlchemyError) as error:
            for done in applied:
                done.set_exception(_domain(error))
            applied = []
        except BaseException as error:  # pragma: no cover - keep the thread alive
            for done in applied:
                done.set_exception(BackendUnavailable(f"the commit failed: {error}"))
            applied = []
        # Answer only after the commit: a refused desk that decides again must see what
        # the others of its batch wrote.
        for done in applied:
            done.set_result(None)
        for done, reason in refused:
            done.set_exception(reason)


def _domain(error: BaseException) -> BaseException:
    if isinstance(error, DomainError):
        return error
    return database_error(error) or error
