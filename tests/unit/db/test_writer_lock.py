"""One SQLite writer at a time, across processes, without polling."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from limes.db.engine import make_engine
from limes.db.writer_lock import WriterLock, writer_lock


def _hold(path: str, held: Any, seconds: float) -> None:
    with WriterLock(Path(path)):
        held.set()
        time.sleep(seconds)


def test_a_writer_in_another_process_waits_until_the_lock_is_released(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite.writer-lock")
    context = multiprocessing.get_context("spawn")
    held = context.Event()
    other = context.Process(target=_hold, args=(path, held, 0.6))
    other.start()
    try:
        assert held.wait(30)
        started = time.monotonic()
        with WriterLock(Path(path)):
            waited = time.monotonic() - started
    finally:
        other.join(30)
    assert other.exitcode == 0
    assert waited >= 0.3  # it waited for the other process's writer...
    assert waited < 5  # ...and woke when it was done, without polling for long


def test_each_sqlite_engine_has_one_writer_lock_and_postgresql_none(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert writer_lock(engine) is writer_lock(engine)
    assert writer_lock(make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")) is not writer_lock(engine)
    assert writer_lock(make_engine("postgresql+psycopg://u@localhost/x")) is None
