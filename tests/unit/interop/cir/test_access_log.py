"""The CIR access log (Reg. (EU) 2019/817 Art 24) in memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from limes.core.errors import InvalidRequest
from limes.db.engine import make_engine
from limes.interop.cir.adapters.sql_access import SqlAccessLog
from limes.interop.cir.adapters.sql_tables import access_log
from limes.interop.cir.logs import AccessLogEntry, AccessLogStore, MemoryAccessLog
from tests.unit.interop.cir.conftest import NOW

POLICE = "FRA-DGPN"
DESIGNATED = "FRA-DGSI"


def entry(
    minutes: int = 0,
    *,
    authority: str = POLICE,
    operation: str = "police_identification",
    outcome: str = "identified",
    ground: str | None = "no_document",
    references: tuple[str, ...] = ("cir-ees-1", "cir-vis-2"),
    user_id: str | None = "police",
) -> AccessLogEntry:
    return AccessLogEntry(
        at=NOW + timedelta(minutes=minutes),
        operation=operation,
        authority=authority,
        purpose="identity check after a road accident",
        ground=ground,
        query_fields=("biometric:face", "travel_document"),
        outcome=outcome,
        result_references=references,
        user_id=user_id,
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def log(request: pytest.FixtureRequest) -> Iterator[AccessLogStore]:
    if request.param == "memory":
        yield MemoryAccessLog()
        return
    engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
    try:
        yield SqlAccessLog(engine)
    finally:
        engine.dispose()


def test_an_entry_reads_back_as_written(log: AccessLogStore) -> None:
    written = entry()
    flag = entry(
        operation="hit_flag", authority=DESIGNATED, ground=None, references=(), user_id=None
    )
    log.log(written)
    log.log(flag)
    assert log.read() == [flag, written]
    assert log.read()[1].at == NOW
    assert log.read()[1].at.utcoffset() == timedelta(0)


def test_entries_come_newest_first_and_the_later_written_first_at_one_instant(
    log: AccessLogStore,
) -> None:
    log.log(entry(0, outcome="first"))
    log.log(entry(5, outcome="newest"))
    log.log(entry(0, outcome="second"))
    assert [e.outcome for e in log.read()] == ["newest", "second", "first"]
    assert [e.outcome for e in log.read(limit=2)] == ["newest", "second"]


def test_reads_filter_by_authority_and_operation(log: AccessLogStore) -> None:
    log.log(entry(0))
    log.log(entry(1, authority=DESIGNATED, operation="hit_flag", ground=None))
    log.log(entry(2, outcome="cir-no-legal-ground", ground="curiosity", references=()))
    police = log.read(authority=POLICE)
    assert [e.outcome for e in police] == ["cir-no-legal-ground", "identified"]
    assert [e.authority for e in log.read(operation="hit_flag")] == [DESIGNATED]
    assert log.read(authority=DESIGNATED, operation="police_identification") == []
    assert log.read(authority="DEU-BKA") == []


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_a_read_outside_the_page_size_is_refused(log: AccessLogStore, limit: int) -> None:
    with pytest.raises(InvalidRequest) as refused:
        log.read(limit=limit)
    assert refused.value.errors[0].field == "limit"


def test_long_free_text_is_kept_whole(log: AccessLogStore) -> None:
    purpose = "investigation " * 200
    ground = "x" * 300
    long = AccessLogEntry(NOW, "police_identification", "A" * 300, purpose, ground, (), "e", ())
    log.log(long)
    assert log.read() == [long]


def test_the_sql_log_commits_each_entry_by_itself(sqlite_database_url: str) -> None:
    engine = make_engine(sqlite_database_url)
    try:
        SqlAccessLog(engine).log(entry())
        # Another engine, as another process would: the entry is on disk.
        other = make_engine(sqlite_database_url)
        try:
            with other.connect() as connection:
                rows = connection.execute(select(access_log)).mappings().all()
        finally:
            other.dispose()
    finally:
        engine.dispose()
    [row] = rows
    assert row["query_fields"] == '["biometric:face","travel_document"]'
    assert row["result_references"] == '["cir-ees-1","cir-vis-2"]'
    assert row["user_id"] == "police"
