"""The server's scheduled jobs: each runs in turn, and one failing stops none of the others."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from limes.bootstrap import build_services
from limes.core.clock import FixedClock
from limes.core.errors import BackendUnavailable
from limes.ees.domain.models import BorderType
from limes.ees.outcomes import Actor
from limes.scheduler import Scheduler
from limes.worker import Worker
from tests.conftest import settings_in


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


def test_art46_the_worker_erases_logs_with_its_scheduled_jobs(tmp_path: Path) -> None:
    """EES Art 46(4): log erasure is one of the worker's scheduled jobs."""
    clock = FixedClock(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
    services = build_services(settings_in(tmp_path), clock=clock)
    try:
        admin = Actor("admin", "administrator", "FRA-ANTS", "system_administration")
        services.ees_operations.put_crossing_point(
            admin, "FRA-CDG", name="Paris CDG", country="FRA", border_type=BorderType.AIR
        )
        worker = Worker(services)
        worker.jobs.run_once()
        with services.ees_store.unit_of_work(write=False) as uow:
            assert len(uow.ees.logs_due_for_erasure(date.max, 10)) == 1
        clock.set(clock.now().replace(year=2032, day=8))  # six years on
        worker.jobs.run_once()
        with services.ees_store.unit_of_work(write=False) as uow:
            assert uow.ees.logs_due_for_erasure(date.max, 10) == []
    finally:
        services.ees_store.close()
