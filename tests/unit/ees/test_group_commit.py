"""The group committer answers every desk, whatever an apply raises, and lives on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import wait
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, func, select

from limes.core.errors import BackendUnavailable, Conflict
from limes.db.engine import make_engine
from limes.db.migrate import upgrade
from limes.ees.adapters.group_commit import GroupCommitter
from limes.ees.adapters.sql import SqlEesUnitOfWork
from limes.ees.adapters.sql_tables import access_log
from limes.ees.ports import AccessLogEntry
from limes.ees.writes import LogAccess, Write, apply_writes

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _logged(user_id: str) -> list[Write]:
    entry = AccessLogEntry(AT, user_id, "border_guard", "FRA-PAF", "test", "op", None, {}, ())
    return [LogAccess(entry)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
    upgrade(engine)
    yield engine
    engine.dispose()


def _apply(connection: Connection, writes: Sequence[Write]) -> None:
    for write in writes:
        if isinstance(write, LogAccess) and write.entry.user_id.startswith("boom"):
            raise RuntimeError("an apply that fails for no database reason")
    apply_writes(SqlEesUnitOfWork(connection), writes)


def _stored(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(access_log.c.user_id)).scalars())


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(access_log)).scalar_one())


def test_a_failing_apply_refuses_only_its_own_desk(engine: Engine) -> None:
    committer = GroupCommitter(engine, _apply)
    try:
        futures = {user: committer.submit(_logged(user)) for user in ("a", "boom-1", "b", "c")}
        _, pending = wait(futures.values(), timeout=30)
        assert not pending, "every desk is answered"
        assert isinstance(futures["boom-1"].exception(), RuntimeError)
        assert all(futures[u].exception() is None for u in ("a", "b", "c"))
        assert _stored(engine) == {"a", "b", "c"}
        # The thread lives on: the next desk is served.
        assert committer.submit(_logged("d")).result(timeout=30) is None
        assert "d" in _stored(engine)
    finally:
        committer.close()


def _failing_bulk(connection: Connection, write_sets: Sequence[Sequence[Write]]) -> bool:
    raise RuntimeError("the bulk form breaks")


def test_a_failing_bulk_falls_back_to_one_by_one(engine: Engine) -> None:
    committer = GroupCommitter(engine, _apply, _failing_bulk)
    try:
        futures = [committer.submit(_logged(f"desk-{n}")) for n in range(20)]
        _, pending = wait(futures, timeout=30)
        assert not pending
        assert all(f.exception() is None for f in futures)
        assert _count(engine) == 20
    finally:
        committer.close()


def test_a_database_that_cannot_be_reached_answers_every_desk() -> None:
    unreachable = make_engine("postgresql+psycopg://limes:secret@127.0.0.1:1/limes")
    committer = GroupCommitter(unreachable, _apply)
    try:
        futures = [committer.submit(_logged(f"desk-{n}")) for n in range(5)]
        _, pending = wait(futures, timeout=60)
        assert not pending
        assert all(isinstance(f.exception(), BackendUnavailable) for f in futures)
        # Still serving: the next desk gets its answer too.
        assert isinstance(committer.submit(_logged("next")).exception(timeout=60), Exception)
    finally:
        committer.close()
        unreachable.dispose()
    closed = committer.submit(_logged("late"))
    assert isinstance(closed.exception(timeout=1), BackendUnavailable)  # never left waiting


def test_a_desk_that_stopped_waiting_is_not_written(engine: Engine) -> None:
    committer = GroupCommitter(engine, _apply)
    try:
        gone = committer.submit(_logged("gone"))
        gone.cancel()
        assert committer.submit(_logged("here")).result(timeout=30) is None
        assert _stored(engine) <= {"here", "gone"}
        assert "here" in _stored(engine)
    finally:
        committer.close()


def test_decisions_are_taken_on_the_committers_thread_and_answered_each(engine: Engine) -> None:
    committer = GroupCommitter(engine, _apply)
    threads: list[str] = []

    def decision(user: str) -> Callable[[], tuple[str, list[Write]]]:
        def decide() -> tuple[str, list[Write]]:
            threads.append(threading.current_thread().name)
            if user == "refused":
                raise Conflict("this desk's decision is refused")
            return f"outcome of {user}", [] if user == "reads-only" else _logged(user)

        return decide

    try:
        futures = {
            user: committer.submit_decision(decision(user))
            for user in ("a", "refused", "reads-only", "boom-2", "b")
        }
        _, pending = wait(futures.values(), timeout=30)
        assert not pending
        assert futures["a"].result() == "outcome of a"
        assert futures["reads-only"].result() == "outcome of reads-only"
        assert isinstance(futures["refused"].exception(), Conflict)
        assert isinstance(futures["boom-2"].exception(), RuntimeError)  # its write failed
        assert _stored(engine) == {"a", "b"}
        assert set(threads) == {"ees-group-commit"}
    finally:
        committer.close()
