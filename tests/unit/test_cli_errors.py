"""Every command's error is one line that says `error:` once (issue 11, section 3)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import LIMES

UNREACHABLE = "postgresql+psycopg://limes:secret@127.0.0.1:1/limes"


@pytest.mark.parametrize("command", [("mid", "run"), ("cir", "access-log")])
def test_a_command_that_cannot_reach_its_database_says_so_once(command: tuple[str, ...]) -> None:
    done = subprocess.run(
        [str(LIMES), *command],
        env={**os.environ, "LIMES_DATABASE_URL": UNREACHABLE},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert lines[0].count("error:") == 1
