"""One SQLite writer at a time, across threads and processes, served in order of arrival.

SQLite lets one transaction write at a time. A writer that finds the write lock taken
waits in SQLite's busy handler, which sleeps and polls with growing pauses (up to
100 ms): under load, writers of two server processes would spend most of their time
asleep. limes takes a lock of its own first, beside the database file: a thread lock
inside the process, then `flock` on `<database>.writer-lock` between processes. A
waiting writer blocks in the kernel and wakes as soon as the lock is released.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from limes.db.loop_guard import forbid_on_event_loop

__all__ = ["WriterLock", "writer_lock"]


class WriterLock:
    """A thread lock, plus an exclusive `flock` on a file shared with other processes."""

    def __init__(self, path: Path | None) -> None:
        self._thread_lock = threading.Lock()
        self._path = path
        self._descriptor: int | None = None

    def __enter__(self) -> None:
        # Waiting here on an event loop's thread would stop the loop that may be the
        # very thing the holder waits for.
        forbid_on_event_loop("waiting for the database's writer lock")
        self._thread_lock.acquire()
        if self._path is None:
            return
        try:
            if self._descriptor is None:
                self._descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._descriptor is not None:
                fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


_LOCKS: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> WriterLock | None:
    """The writer lock of an SQLite engine (one per engine); None for PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return None
    with _GUARD:
        lock = _LOCKS.get(engine)
        if lock is None:
            database = engine.url.database
            on_disk = database not in (None, "", ":memory:") and not str(database).startswith(
                "file:"
            )
            lock = WriterLock(Path(f"{database}.writer-lock") if on_disk else None)
            _LOCKS[engine] = lock
        return lock
