"""Shared fixtures: the app over a fixed clock, and the CLI as a real process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from limes.bootstrap import build_app
from limes.core.clock import FixedClock

LIMES = Path(sys.executable).parent / "limes"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture
def client(clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(build_app(clock=clock)) as test_client:
        yield test_client


def run_limes(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `limes` command as a user would."""
    return subprocess.run(
        [str(LIMES), *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )
