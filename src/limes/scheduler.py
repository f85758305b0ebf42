"""Scheduled work in the server: each system's periodic jobs on a daemon thread.

A `Scheduler` runs its jobs one after the other every `interval` seconds. Each job
opens its own units of work; a failure (the store down, say) is logged and retried
at the next run, and never stops the other jobs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from limes.core.errors import DomainError

log = logging.getLogger(__name__)

__all__ = ["Scheduler"]


class Scheduler:
    """Runs named jobs periodically until stopped."""

    def __init__(self, name: str, jobs: Sequence[Callable[[], object]], interval: float) -> None:
        self.name = name
        self._jobs = tuple(jobs)
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """Run every job once, in order."""
        for job in self._jobs:
            try:
                job()
            except DomainError as error:
                log.warning("%s job %s failed: %s", self.name, _name(job), error)

    def start(self) -> None:
        """Start the thread (no-op when the interval is 0)."""
        if self._interval <= 0 or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.run_once()


def _name(job: Callable[[], object]) -> str:
    return str(getattr(job, "__qualname__", repr(job)))
