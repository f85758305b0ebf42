"""The server's scheduled jobs: each runs in turn, and one failing stops none of the others."""

from __future__ import annotations

import threading

import pytest

from limes.core.errors import BackendUnavailable
from limes.scheduler import Scheduler


def test_a_failing_job_is_logged_and_the_next_one_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    def down() -> None:
        ran.append("down")
        raise BackendUnavailable("the database cannot be reached")

    scheduler = Scheduler("test-scheduler", (down, lambda: ran.append("next")), interval=0)
    scheduler.run_once()
    assert ran == ["down", "next"]
    assert "down failed: the database cannot be reached" in caplog.text


def test_the_thread_runs_the_jobs_until_stopped() -> None:
    done = threading.Event()
    scheduler = Scheduler("test-scheduler", (done.set,), interval=0.01)
    scheduler.start()
    try:
        assert done.wait(5)
    finally:
        scheduler.stop()


def test_an_interval_of_zero_starts_no_thread() -> None:
    scheduler = Scheduler("test-scheduler", (lambda: None,), interval=0)
    scheduler.start()
    assert not any(t.name == "test-scheduler" for t in threading.enumerate())
    scheduler.stop()
