"""Group commit: the writes of many crossings in one transaction, one sync to disk.

Desks decide their crossings on snapshots, side by side; their writes meet here. One
thread takes every write set waiting and applies them in one transaction, commits
once, and only then answers each desk. A crossing is acknowledged only once it is on
disk, and the cost of the commit is shared by all the crossings in the batch.

The batch is first applied in bulk: one multi-row statement per kind of write for all
its crossings, so the thread takes few statements (it waits for the interpreter lock
after each one, behind the event loop). If the bulk does not apply (a conflict, or a
kind of write without a bulk form), the batch is applied again crossing by crossing,
each in a savepoint, so one desk's conflict does not undo another's crossing.

The whole transaction, from taking the writer lock to the commit, runs on this one
thread: no lock is held across an `await`, and nothing on an event loop waits for
the lock. Every submitted write set gets an answer, whatever an apply raises; the
thread survives any error and goes on with the next batch.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from limes.core.errors import BackendUnavailable, DomainError
from limes.db.unit_of_work import SqlUnitOfWork, database_error
from limes.ees.writes import Write

log = logging.getLogger(__name__)

Apply = Callable[[Connection, Sequence[Write]], None]
# Applies many crossings' writes in bulk; False when it cannot (nothing is then written).
ApplyBulk = Callable[[Connection, Sequence[Sequence[Write]]], bool]

MAX_BATCH = 128

_Pending = tuple[Sequence[Write], Future[None]]
_STOP = object()

T = TypeVar("T")
# A decision to take on the committer's own thread: it reads a snapshot and returns
# its outcome with the writes to apply.
Decide = Callable[[], tuple[T, Sequence[Write]]]


@dataclass(frozen=True, slots=True)
class _Decision(Generic[T]):
    decide: Decide[T]
    done: Future[T]


class GroupCommitter:
    """Applies write sets in batches on one thread; each caller's future gets its outcome."""

    def __init__(
        self,
        engine: Engine,
        apply: Apply,
        apply_bulk: ApplyBulk | None = None,
        *,
        max_batch: int = MAX_BATCH,
        name: str = "ees-group-commit",
    ) -> None:
        self._engine = engine
        self._apply = apply
        self._apply_bulk = apply_bulk
        self._max_batch = max_batch
        self._pending: queue.SimpleQueue[_Pending | object] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, writes: Sequence[Write]) -> Future[None]:
        """Queue `writes`; the future is done once they are on disk, or holds their error."""
        done: Future[None] = Future()
        if self._closed:
            done.set_exception(BackendUnavailable("the store is closed"))
            return done
        self._pending.put((writes, done))
        return done

    def submit_decision(self, decide: Decide[T]) -> Future[T]:
        """Queue a decision: taken on this thread, its writes applied with the batch.

        The future holds the decision's outcome once its writes are on disk, or the
        error it met. Deciding here rather than on reader threads keeps the threads that
        compete for the interpreter lock to two, this one and the event loop: with
        reader threads beside it, this thread, the serial path of every crossing,
        waited for the lock most of the time it spent applying a batch.
        """
        done: Future[T] = Future()
        if self._closed:
            done.set_exception(BackendUnavailable("the store is closed"))
            return done
        self._pending.put(_Decision(decide, done))
        return done

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        if not self._closed:
            self._closed = True
            self._pending.put(_STOP)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._pending.get()
            if first is _STOP:
                return
            taken: list[Any] = [first]
            stop = False
            while len(taken) < self._max_batch:
                try:
                    more = self._pending.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                taken.append(more)
            batch = self._decided(taken)
            if batch:
                self._commit_answering_all(batch)
            if stop:
                return

    @staticmethod
    def _decided(taken: list[Any]) -> list[_Pending]:
        """The write sets of a batch, taking its decisions first, each on its snapshot.

        A desk that stopped waiting (a time-out, a lost client) has cancelled its
        future: its crossing is neither decided nor written. The others can no longer
        be cancelled. A decision that fails, or writes nothing, is answered at once.
        """
        batch: list[_Pending] = []
        for item in taken:
            if not isinstance(item, _Decision):
                writes, done = item
                if done.set_running_or_notify_cancel():
                    batch.append((writes, done))
                continue
            if not item.done.set_running_or_notify_cancel():
                continue
            try:
                outcome, writes = item.decide()
            except BaseException as error:
                item.done.set_exception(error)
                continue
            if not writes:
                item.done.set_result(outcome)
                continue
            written: Future[None] = Future()
            written.set_running_or_notify_cancel()
            written.add_done_callback(partial(answer, item.done, outcome))
            batch.append((writes, written))
        return batch

    def _commit_answering_all(self, batch: list[_Pending]) -> None:
        """Commit a batch; whatever happens, every future of it is resolved."""
        try:
            self._commit(batch)
        except BaseException as error:
            log.exception("group commit failed")
            failure = _domain(error)
            for _, done in batch:
                if not done.done():
                    done.set_exception(failure)
        finally:
            for _, done in batch:
                if not done.done():  # pragma: no cover - every path above answers
                    done.set_exception(BackendUnavailable("the commit gave no answer"))

    def _commit(self, batch: list[_Pending]) -> None:
        if self._apply_bulk is not None and len(batch) > 1 and self._commit_bulk(batch):
            return
        self._commit_one_by_one(batch)

    def _commit_bulk(self, batch: list[_Pending]) -> bool:
        assert self._apply_bulk is not None  # noqa: S101 - checked by the caller
        try:
            with SqlUnitOfWork(self._engine) as uow:
                if not self._apply_bulk(uow.connection, [writes for writes, _ in batch]):
                    return False
        except BackendUnavailable as error:
            for _, done in batch:
                done.set_exception(error)
            return True
        except Exception:
            return False
        for _, done in batch:
            done.set_result(None)
        return True

    def _commit_one_by_one(self, batch: list[_Pending]) -> None:
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
                    except Exception as error:
                        savepoint.rollback()
                        refused.append((done, _domain(error)))
        except (DomainError, sa_exc.SQLAlchemyError) as error:
            for done in applied:
                done.set_exception(_domain(error))
            applied = []
        # Answer only after the commit: a refused desk that decides again must see what
        # the others of its batch wrote.
        for done in applied:
            done.set_result(None)
        for done, reason in refused:
            done.set_exception(reason)


def answer(done: Future[T], outcome: T, written: Future[None]) -> None:
    """Settle a decision's future once its writes are on disk (or refused)."""
    if done.done():
        return  # the desk stopped waiting
    error = written.exception()
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(outcome)


def _domain(error: BaseException) -> BaseException:
    if isinstance(error, DomainError):
        return error
    return database_error(error) or error
