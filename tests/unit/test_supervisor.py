"""The worker's supervisor: a child that dies is started again; stopping leaves nothing behind."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable

from limes.supervisor import WorkerSupervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
# A child that will not stop on SIGTERM.
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True);"
    " time.sleep(120)",
]


def gone(pid: int) -> bool:
    """No such process, or only its zombie left for the parent to reap."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_killed_child_is_started_again_and_stop_ends_it() -> None:
    supervisor = WorkerSupervisor(SLEEPER, restart_seconds=0.05)
    supervisor.start()
    try:
        first = supervisor.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert wait_for(lambda: supervisor.pid not in (None, first)), "no new child"
        second = supervisor.pid
        assert second is not None
        assert supervisor.restarts == 1
    finally:
        supervisor.stop()
    assert gone(first)
    assert gone(second)
    assert supervisor.pid is None
    time.sleep(0.2)  # longer than the restart wait: nothing comes back after stop
    assert supervisor.pid is None
    assert supervisor.restarts == 1


def test_a_child_that_ignores_sigterm_is_killed_on_stop() -> None:
    supervisor = WorkerSupervisor(STUBBORN, stop_timeout=0.5)
    supervisor.start()
    pid = supervisor.pid
    assert pid is not None
    time.sleep(0.3)  # the child sets its handler
    started = time.monotonic()
    supervisor.stop()
    assert gone(pid)
    assert time.monotonic() - started < 5


def test_the_child_runs_in_a_session_of_its_own() -> None:
    # The terminal's Ctrl+C goes to the server's process group; the server stops the worker.
    with WorkerSupervisor(SLEEPER) as supervisor:
        pid = supervisor.pid
        assert pid is not None
        assert os.getsid(pid) == pid != os.getsid(0)
    assert gone(pid)
