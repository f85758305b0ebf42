"""Faults: the central store going down (fall-back, Art 21) and a hard kill of the server."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import select

from limes.core.clock import FixedClock
from limes.db.engine import make_engine
from limes.db.migrate import upgrade
from limes.ees.adapters.biometrics import TemplateVerifier
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.adapters.sql_tables import entry_exit_records
from limes.ees.domain.models import RecordSource
from limes.ees.fallback import FallbackRecorder, Operation, QueuedReceipt, SqliteFallbackQueue
from limes.ees.outcomes import CrossingReceipt
from limes.ees.service import EesService
from tests.ees_factories import AIRPORT, Traveller
from tests.pg import PostgresServer, find_bin_dir
from tests.unit.ees.conftest import GUARD

LIMES = Path(sys.executable).parent / "limes"


@pytest.fixture
def outage_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, so that it can be taken down."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed: make postgres")
    server = PostgresServer.start(bin_dir, name="limes-outage")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.postgres
def test_fallback_queue_uploads_in_order_exactly_once_when_the_store_is_back(
    outage_server: PostgresServer, tmp_path: Path
) -> None:
    url = outage_server.create_database("outage")
    upgrade(url)
    engine = make_engine(url)
    try:
        store = SqlEesStore(engine)
        with store.unit_of_work(write=True) as uow:
            uow.ees.put_crossing_point(AIRPORT)
        clock = FixedClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
        recorder = FallbackRecorder(
            EesService(store, clock, TemplateVerifier()),
            SqliteFallbackQueue(tmp_path / "queue.sqlite"),
            clock,
        )
        ada, ben, cleo = Traveller(), Traveller(number="B1000001"), Traveller(number="C1000001")
        assert isinstance(recorder.record(Operation.ENTRY, GUARD, ada.at()), CrossingReceipt)

        outage_server.pause()
        clock.advance(timedelta(days=3))
        exit_at = clock.now()
        queued = [recorder.record(Operation.EXIT, GUARD, ada.at())]
        clock.advance(timedelta(minutes=5))
        ben_request = ben.at()
        queued.append(recorder.record(Operation.ENTRY, GUARD, ben_request, "desk-1"))
        queued.append(recorder.record(Operation.ENTRY, GUARD, cleo.at()))
        assert all(isinstance(q, QueuedReceipt) for q in queued)
        sequences = [q.sequence for q in queued if isinstance(q, QueuedReceipt)]
        assert sequences == sorted(sequences)
        still_down = recorder.replay()
        assert still_down.uploaded == ()
        assert still_down.remaining == 3

        outage_server.resume()
        report = recorder.replay()
        assert len(report.uploaded) == 3
        assert report.remaining == 0
        assert recorder.replay().uploaded == ()

        # An upload whose answer was lost is sent again: the key makes it a retry.
        ben_again = queued[1]
        assert isinstance(ben_again, QueuedReceipt)
        from limes.ees.fallback import QueuedCrossing

        recorder.queue.append(
            QueuedCrossing(0, Operation.ENTRY, GUARD, ben_request, "desk-1", ben_again.at)
        )
        assert len(recorder.replay().uploaded) == 1

        with engine.connect() as connection:
            rows = connection.execute(select(entry_exit_records)).all()
        assert len(rows) == 3
        by_exit = [r for r in rows if r.exit_at is not None]
        assert [r.exit_at for r in by_exit] == [exit_at]  # the time of the crossing, not the upload
        assert sorted(r.source for r in rows) == sorted(
            [RecordSource.EES.value, RecordSource.FALLBACK.value, RecordSource.FALLBACK.value]
        )
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LIMES_DATABASE_URL": f"sqlite:///{tmp_path / 'central.sqlite'}",
        "LIMES_EES__FALLBACK_PATH": str(tmp_path / "fallback.sqlite"),
        "LIMES_EES__JOB_INTERVAL_SECONDS": "0",
    }
    process = subprocess.Popen(
        [str(LIMES), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/auth/me", timeout=1).status_code == 401:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("limes serve did not start")


def _token(base: str, user: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/api/v1/auth/sessions", json={"user": user, "password": "limes-demo"}
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_acknowledged_crossings_survive_a_hard_kill_of_the_server(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(tmp_path, port)
    acknowledged: list[str] = []
    lock = threading.Lock()
    try:
        admin = _token(base, "admin")
        httpx.put(
            f"{base}/api/v1/ees/crossing-points/FRA-CDG",
            json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
            headers=admin,
        ).raise_for_status()
        guard = _token(base, "guard")

        def desk(desk_number: int) -> None:
            with httpx.Client(base_url=base, headers=guard, timeout=5) as client:
                for n in range(200):
                    traveller = Traveller(number=f"K{desk_number}{n:06d}")
                    body = {
                        "mrz": traveller.mrz(),
                        "crossing_point": "FRA-CDG",
                        "capture": {"synthetic": True},
                    }
                    try:
                        response = client.post("/api/v1/ees/entries", json=body)
                    except httpx.TransportError:
                        return  # the server is gone
                    if response.status_code == 201:
                        with lock:
                            acknowledged.append(response.json()["record_id"])

        desks = [threading.Thread(target=desk, args=(i,)) for i in range(1, 7)]
        for thread in desks:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)  # mid-load, no chance to flush anything
        server.wait(timeout=10)
        for thread in desks:
            thread.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert len(acknowledged) >= 60
    stored = {
        row[0]
        for row in sqlite3.connect(tmp_path / "central.sqlite").execute(
            "SELECT record_id FROM ees_entry_exit_records"
        )
    }
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged crossings were lost"

    restarted = _serve(tmp_path, port)
    try:
        guard = _token(base, "guard")
        again = httpx.post(
            f"{base}/api/v1/ees/border-checks",
            json={
                "mrz": Traveller(number="K1000000").mrz(),
                "crossing_point": "FRA-CDG",
                "capture": {"synthetic": True},
            },
            headers=guard,
        )
        assert again.status_code == 200
        assert again.json()["file"] is not None
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=10)
