"""Group commit: the writes of many crossings in one transaction, one sync to disk.

Desks decide their crossings on snapshots, side by side; their writes meet here. One
thread takes every write set waiting, applies each in a savepoint of one transaction
(so one desk's conflict does not undo another's crossing), commits once, and only
then answers each desk. A crossing is acknowledged only once it is on disk, and the
cost of the commit is shared by all the crossings in the batch.
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

MAX_BATCH = 128


class GroupCommitter:
    """Applies write sets in batches on one thread; each caller waits for its own outcome."""

    def __init__(
        self,
        engine: Engine,
        apply: Apply,
        *,
        lock: threading.Lock | None = None,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._engine = engine
        self._lock = lock
        self._apply = apply
        self._max_batch = max_batch
        self._pending: queue.SimpleQueue[tuple[Sequence[Write], Future[None]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="ees-group-commit", daemon=True)
        self._thread.start()

    def submit(self, writes: Sequence[Write]) -> None:
        """Apply `writes` durably, or raise the error they met (Conflict, BackendUnavailable)."""
        done: Future[None] = Future()
        self._pending.put((writes, done))
        done.result()

    def _run(self) -> None:
        while True:
            batch = [self._pending.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            if self._lock is None:
                self._commit(batch)
                continue
            with self._lock:
                self._commit(batch)

    def _commit(self, batch: list[tuple[Sequence[Write], Future[None]]]) -> None:
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
