"""The worker process: multiple-identity detection and the scheduled jobs, off the web server.

The web server answers requests and does no background work; `limes worker` does it
(`limes serve` and `limes demo` start one and supervise it, `limes.supervisor`):

* multiple-identity detection over the CIR's change log (Reg. (EU) 2019/817 Art 27):
  batches one after the other until the log is drained, each short enough that a
  desk's commit on SQLite never waits long for the writer lock, then a short sleep
  (`LIMES_INTEROP__MID_INTERVAL_SECONDS`);
* every `LIMES_EES__JOB_INTERVAL_SECONDS`, the EES's jobs: uploading the fall-back
  queue (EES Art 21), flagging overstays (Art 12) and retention (Art 34).

The process runs below the web server's priority (`LIMES_WORKER__NICE`): on a busy
machine the desks come first and detection catches up when they leave it time.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from functools import partial
from types import FrameType
from typing import TYPE_CHECKING

from limes.scheduler import Scheduler

if TYPE_CHECKING:
    from limes.bootstrap import Services
    from limes.interop.mid.service import DetectionReport
    from limes.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["DetectionLoop", "Worker", "run_worker"]

# Between two batches while the log is not drained: time for the desks' writers.
_BETWEEN_BATCHES = 0.002
# After a failed batch (the database down, say), before trying again.
_AFTER_FAILURE = 1.0
# How often the worker checks that the process that started it is still there.
_PARENT_CHECK = 0.5


class DetectionLoop:
    """Runs `detect` on a thread: again at once while it finds changes, else after `idle`."""

    def __init__(self, detect: Callable[[], DetectionReport], idle: float) -> None:
        self._detect = detect
        self._idle = idle
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (no-op when `idle` is 0: detection is off)."""
        if self._idle <= 0 or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="mid-detection", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the batch under way and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self._detect()
            except Exception:
                # One failure (the store down, a defect) must not end detection.
                log.exception("multiple-identity detection failed; trying again")
                self._stop.wait(max(self._idle, _AFTER_FAILURE))
                continue
            self._stop.wait(_BETWEEN_BATCHES if report.changes else self._idle)


class Worker:
    """Detection and the EES's scheduled jobs over one set of services, on two threads."""

    def __init__(self, services: Services) -> None:
        settings = services.settings
        operations = services.ees_operations
        self.detection = DetectionLoop(
            partial(services.mid.detect_changes, budget=settings.worker.mid_batch_seconds),
            settings.interop.mid_interval_seconds,
        )
        self.jobs = Scheduler(
            "ees-jobs",
            # Upload the fall-back queue, flag overstays, apply retention, erase old logs.
            (
                services.ees_fallback.replay,
                operations.flag_overstays,
                operations.run_retention,
                operations.erase_logs,
            ),
            settings.ees.job_interval_seconds,
        )

    def start(self) -> None:
        """Start detection and the jobs."""
        self.detection.start()
        self.jobs.start()

    def stop(self) -> None:
        """Stop both, each after the work under way."""
        self.jobs.stop()
        self.detection.stop()


def run_worker(settings: Settings | None = None, *, parent_pid: int | None = None) -> None:
    """`limes worker`: run until SIGTERM or SIGINT, or until `parent_pid` is gone."""
    from limes.bootstrap import build_services

    services = build_services(settings)
    nice = services.settings.worker.nice
    if nice > 0:
        try:
            os.nice(nice)
        except OSError as error:  # not permitted here: run at the same priority
            log.warning("could not lower the worker's priority: %s", error)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker: %s received, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker = Worker(services)
    worker.start()
    log.info(
        "worker %d: multiple-identity detection and scheduled jobs on %s",
        os.getpid(),
        services.engine.url.render_as_string(hide_password=True),
    )
    try:
        while not stop.wait(_PARENT_CHECK):
            if parent_pid is not None and os.getppid() != parent_pid:
                log.warning("worker: the server (process %d) is gone; stopping", parent_pid)
                break
    finally:
        worker.stop()
        services.engine.dispose()
