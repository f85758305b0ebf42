"""The EES's scheduled work in the server: overstay detection and retention.

A daemon thread runs both every `interval` seconds. Each run is a unit of work of
its own; a failure (the store down, say) is logged and retried at the next run.
"""

from __future__ import annotations

import logging
import threading

from limes.core.errors import DomainError
from limes.ees.fallback import FallbackRecorder
from limes.ees.operations import EesOperations

log = logging.getLogger(__name__)


class EesScheduler:
    """Runs the EES jobs periodically until stopped."""

    def __init__(
        self, operations: EesOperations, fallback: FallbackRecorder, interval: float
    ) -> None:
        self._operations = operations
        self._fallback = fallback
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """Upload the fall-back queue, flag overstays, apply retention."""
        for job in (
            self._fallback.replay,
            self._operations.flag_overstays,
            self._operations.run_retention,
        ):
            try:
                job()
            except DomainError as error:
                log.warning("EES job %s failed: %s", job.__name__, error)

    def start(self) -> None:
        """Start the thread (no-op when the interval is 0)."""
        if self._interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="ees-scheduler", daemon=True)
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
