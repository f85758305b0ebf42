"""Engines: SQLite's pragmas on every connection, PostgreSQL's pool, URLs and redaction."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from limes.db.engine import default_database_url, make_engine, redact
from limes.settings import Settings


def test_sqlite_connections_are_durable_and_enforce_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'limes.sqlite'}")
    try:
        for _ in range(2):  # a fresh connection as well as a pooled one
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
            engine.dispose()
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "dir" / "limes.sqlite").is_file()


def test_sqlite_connections_may_move_between_threads(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'limes.sqlite'}")
    results: list[int] = []
    try:
        with engine.connect() as connection:
            thread = threading.Thread(
                target=lambda: results.append(connection.execute(text("SELECT 1")).scalar_one())
            )
            thread.start()
            thread.join()
    finally:
        engine.dispose()
    assert results == [1]


def test_sqlite_transactions_are_real_and_begin_as_asked(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'limes.sqlite'}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with engine.connect() as connection:
            connection.begin()
            connection.exec_driver_sql("CREATE TABLE u (x INTEGER)")  # transactional DDL
            connection.rollback()
            assert (
                connection.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'u'"
                ).scalar()
                == 0
            )
        with engine.connect().execution_options(limes_sqlite_begin="IMMEDIATE") as connection:
            connection.begin()
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            connection.commit()
        with (
            engine.connect().execution_options(limes_sqlite_begin="NONSENSE") as connection,
            pytest.raises(ValueError, match="BEGIN mode"),
        ):
            connection.begin()
    finally:
        engine.dispose()


def test_postgres_engines_use_psycopg_3_with_a_large_pre_pinged_pool() -> None:
    engine = make_engine("postgresql://limes:secret@db.example:5432/limes")
    try:
        assert engine.dialect.driver == "psycopg"
        assert engine.pool.size() == 32  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 16  # type: ignore[attr-defined]
        assert engine.pool._pre_ping is True
    finally:
        engine.dispose()


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        make_engine("mysql://root:secret@localhost/limes")


def test_the_default_database_is_a_sqlite_file_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LIMES_DATABASE_URL", raising=False)
    assert default_database_url() == "sqlite:///var/limes.sqlite"
    url = "postgresql+psycopg://limes@db/limes"
    assert default_database_url(Settings(database_url=url)) == url
    monkeypatch.setenv("LIMES_DATABASE_URL", url)
    assert default_database_url() == url


def test_redact_hides_the_password() -> None:
    assert redact("postgresql+psycopg://limes:s3cret@db:5432/limes") == (
        "postgresql+psycopg://limes:***@db:5432/limes"
    )
    assert redact("sqlite:///var/limes.sqlite") == "sqlite:///var/limes.sqlite"
    assert redact("not a url") == "<unparsable database URL>"
