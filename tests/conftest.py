"""Shared fixtures: the app over a fixed clock, the CLI as a real process, and databases.

Databases: `database_url` runs a test once on a fresh migrated SQLite file and once on
a fresh migrated PostgreSQL database (marked `postgres`); `sqlite_database_url` and
`postgres_database_url` give one of them; `empty_sqlite_url`/`empty_postgres_url`
give unmigrated ones. PostgreSQL is a throwaway server per pytest-xdist worker
(`postgres_server`, with the empty database `limes_test` at `postgres_url`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from limes.bootstrap import build_app
from limes.core.clock import FixedClock
from limes.db.migrate import upgrade
from limes.settings import EesSettings, InteropSettings, Settings
from tests.pg import INSTALL_HINT, PostgresServer, PostgresUnavailable, find_bin_dir

LIMES = Path(sys.executable).parent / "limes"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


def settings_in(directory: Path, database_url: str | None = None) -> Settings:
    """Settings that keep every file of a test in `directory`."""
    return Settings(
        database_url=database_url or f"sqlite:///{directory / 'limes.sqlite'}",
        ees=EesSettings(job_interval_seconds=0, fallback_path=str(directory / "fallback.sqlite")),
        interop=InteropSettings(mid_interval_seconds=0),
    )


@pytest.fixture
def client(clock: FixedClock, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(build_app(settings_in(tmp_path), clock=clock)) as test_client:
        yield test_client


def run_limes(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `limes` command as a user would."""
    return subprocess.run(
        [str(LIMES), *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for this worker, stopped and removed at the end.

    Without PostgreSQL the tests using it fail under CI and are skipped elsewhere.
    """
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = (
            f"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); {INSTALL_HINT}"
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        server = PostgresServer.start(bin_dir, name=f"limes-{worker}")
    except PostgresUnavailable as error:
        pytest.fail(f"could not start a throwaway PostgreSQL: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """`postgresql+psycopg://limes@127.0.0.1:PORT/limes_test`: an empty database, shared."""
    return postgres_server.create_database("limes_test")


@pytest.fixture
def empty_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped after it."""
    name = f"limes_test_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def postgres_database_url(empty_postgres_url: str) -> str:
    """A fresh PostgreSQL database for one test, migrated to head."""
    upgrade(empty_postgres_url)
    return empty_postgres_url


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'limes.sqlite'}"


@pytest.fixture
def sqlite_database_url(empty_sqlite_url: str) -> str:
    """A fresh SQLite file for one test, migrated to head."""
    upgrade(empty_sqlite_url)
    return empty_sqlite_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database for one test: SQLite, then PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_database_url")
    return url
