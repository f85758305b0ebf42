"""`limes serve` runs detection in a worker process it supervises, not in the web server.

The server is started as a user starts it; crossings are recorded through the API, and
the links appear and the lag drops to zero without any request asking for detection.
A killed worker is started again; stopping the server leaves no process behind, and a
worker whose server was killed outright stops by itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from limes.core.identity import Name, PartialDate
from limes.db.engine import make_engine
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from tests.conftest import LIMES
from tests.ees_factories import Traveller
from tests.scenarios.test_ees_faults import _free_port, _token
from tests.unit.test_supervisor import gone, wait_for

ADA = Traveller(number="W1000001")  # her file is in the VIS
# One letter off in the surname, the same date of birth, another passport: a yellow link.
ADAH = Traveller(surname="OKAFFOR", given_names="ADA", number="W1000002")
LATER = Traveller(surname="OKAFOR", given_names="ADAEZE", number="W1000003")


def workers_of(server_pid: int) -> list[int]:
    """The `limes worker` processes started by the server with this pid."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in argv and str(server_pid).encode() in argv and not gone(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], str]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(database_url: str, *args: str) -> tuple[subprocess.Popen[bytes], str]:
        port = _free_port()
        env = {
            **os.environ,
            "LIMES_DATABASE_URL": database_url,
            "LIMES_EES__FALLBACK_PATH": str(tmp_path / "fallback.sqlite"),
            "LIMES_INTEROP__MID_INTERVAL_SECONDS": "0.1",
            "LIMES_WORKER__RESTART_SECONDS": "0.2",
        }
        command = [str(LIMES), "serve", "--port", str(port), "--no-access-log", *args]
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
        started.append(process)
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                return httpx.get(f"{base}/api/v1/auth/me", timeout=1).status_code == 401
            except httpx.TransportError:
                return False

        assert wait_for(answers, 60), "limes serve did not start"
        return process, base

    try:
        yield start
    finally:
        for process in started:
            workers = workers_of(process.pid)
            if process.poll() is None:
                process.kill()
                process.wait()
            for pid in workers:
                if not gone(pid):
                    os.kill(pid, signal.SIGKILL)


def enter(base: str, guard: dict[str, str], traveller: Traveller) -> str:
    body = {"mrz": traveller.mrz(), "crossing_point": "FRA-CDG", "capture": {"synthetic": True}}
    response = httpx.post(f"{base}/api/v1/ees/entries", json=body, headers=guard, timeout=10)
    assert response.status_code == 201, response.text
    cir_id: str = response.json()["check"]["file"]["cir_id"]
    return cir_id


def identity_check(base: str, guard: dict[str, str], cir_id: str) -> dict[str, Any]:
    url = f"{base}/api/v1/mid/records/{cir_id}/identity-check"
    response = httpx.get(url, headers=guard, timeout=10)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def detected(base: str, guard: dict[str, str], cir_id: str) -> dict[str, Any]:
    """The identity check once the worker has reached the file (polled, with a deadline)."""
    result: dict[str, Any] = {}

    def done() -> bool:
        result.update(identity_check(base, guard, cir_id))
        return result["pending"] is False

    assert wait_for(done, 30), f"detection never reached {cir_id}"
    return result


def vis_file(database_url: str, traveller: Traveller) -> str:
    """The traveller's VIS file in the CIR: a link joins data of two systems (Art 27-28)."""
    at = datetime.now(UTC)
    identity = IdentityFile(
        cir_id=f"V{traveller.number}",
        system=SourceSystem.VIS,
        source_reference=f"vis-{traveller.number}",
        identity=IdentityData(
            Name.of(traveller.surname),
            Name.of(traveller.given_names),
            PartialDate.from_date(traveller.birth_date),
            traveller.sex.value,
            (traveller.nationality,),
        ),
        documents=(TravelDocument("P", traveller.number, traveller.nationality, traveller.expiry),),
        created_at=at,
        updated_at=at,
        member_state="FRA",
    )
    engine = make_engine(database_url)
    try:
        with SqlUnitOfWork(engine) as uow:
            SqlIdentityRepository(uow.connection).add(identity, traveller.templates())
    finally:
        engine.dispose()
    return identity.cir_id


def test_the_worker_process_detects_restarts_and_stops_with_the_server(
    serve: Callable[..., tuple[subprocess.Popen[bytes], str]], database_url: str
) -> None:
    server, base = serve(database_url, "--workers", "2")
    assert wait_for(lambda: len(workers_of(server.pid)) == 1)
    (worker,) = workers_of(server.pid)
    admin = _token(base, "admin")
    httpx.put(
        f"{base}/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        headers=admin,
    ).raise_for_status()
    guard = _token(base, "guard")

    first = vis_file(database_url, ADA)
    second = enter(base, guard, ADAH)
    (link,) = detected(base, guard, second)["links"]
    assert {link["a"]["record_id"], link["b"]["record_id"]} == {first, second}
    assert link["colour"] == "yellow"

    def caught_up() -> bool:
        lag = httpx.get(f"{base}/api/v1/mid/detection", headers=admin, timeout=10).json()
        return lag["caught_up"] is True and lag["recent_files"] >= 2

    assert wait_for(caught_up, 30)

    # A worker that dies is started again, and the new one carries on from the log.
    os.kill(worker, signal.SIGKILL)
    assert wait_for(lambda: workers_of(server.pid) not in ([], [worker]), 30)
    (restarted,) = workers_of(server.pid)
    third = enter(base, guard, LATER)
    detected(base, guard, third)
    assert workers_of(server.pid) == [restarted]  # still exactly one

    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    assert gone(restarted)
    assert gone(worker)


def test_a_worker_whose_server_was_killed_stops_by_itself(
    serve: Callable[..., tuple[subprocess.Popen[bytes], str]], sqlite_database_url: str
) -> None:
    server, _ = serve(sqlite_database_url)
    assert wait_for(lambda: len(workers_of(server.pid)) == 1)
    (worker,) = workers_of(server.pid)
    server.kill()  # no chance to stop its worker
    server.wait()
    assert wait_for(lambda: gone(worker), 10)
