"""Keeps one worker process running beside the web server (`limes serve`, `limes demo`).

`WorkerSupervisor` starts a command (`limes worker`) as a child process in a session
of its own, so that the terminal's Ctrl+C reaches the server only and the server
decides when the worker stops. When the child dies it is started again, after a wait
that doubles while it keeps dying (up to `max_restart_seconds`) and starts over once
it has run for a minute. `stop` ends it (SIGTERM, then SIGKILL after `stop_timeout`)
and waits for it, so no process outlives the server. A server killed outright cannot
stop it: the worker then sees that its parent is gone and stops itself
(`limes.worker.run_worker`).

A supervisor only handles processes; it knows nothing of what the worker does.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)

__all__ = ["WorkerSupervisor", "worker_command"]

# A worker that ran this long before dying is restarted after the first wait again.
_HEALTHY_SECONDS = 60.0


def worker_command(parent_pid: int | None = None) -> list[str]:
    """`limes worker` run by this interpreter, told which process supervises it."""
    command = [sys.executable, "-m", "limes", "worker"]
    return [*command, "--parent-pid", str(parent_pid or os.getpid())]


class WorkerSupervisor:
    """Runs one child process, restarts it when it dies, stops it on `stop`."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        restart_seconds: float = 1.0,
        max_restart_seconds: float = 60.0,
        stop_timeout: float = 10.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._command = list(command)
        self._restart_seconds = restart_seconds
        self._max_restart_seconds = max(max_restart_seconds, restart_seconds)
        self._stop_timeout = stop_timeout
        self._env = dict(env) if env is not None else None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._started_at = 0.0
        self._thread: threading.Thread | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        """The process id of the running child, or None."""
        with self._lock:
            process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        """Start the child and the thread that watches it."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("the supervisor is already running")
            self._stopping.clear()
            self._spawn()
            self._thread = threading.Thread(
                target=self._watch, name="worker-supervisor", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL) and wait for it; no restart follows."""
        self._stopping.set()
        with self._lock:
            process, thread = self._process, self._thread
            self._thread = None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self._stop_timeout)
            except subprocess.TimeoutExpired:
                log.warning("the worker process %d did not stop; killing it", process.pid)
                process.kill()
                process.wait()
        if thread is not None:
            thread.join(timeout=self._stop_timeout)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self) -> None:
        # A session of its own: Ctrl+C in the terminal goes to the server, not here.
        self._process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            self._command, env=self._env, start_new_session=True
        )
        self._started_at = time.monotonic()
        log.info("worker process %d started", self._process.pid)

    def _watch(self) -> None:
        delay = self._restart_seconds
        while True:
            with self._lock:
                process = self._process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - self._started_at >= _HEALTHY_SECONDS:
                delay = self._restart_seconds
            log.warning(
                "worker process %d exited with code %s; starting another in %.1f s",
                process.pid,
                code,
                delay,
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._spawn()
                except OSError as error:
                    log.error("could not start the worker process: %s", error)
                    continue
                self.restarts += 1
            delay = min(delay * 2, self._max_restart_seconds)
