"""Engines for the two supported databases: an SQLite file and PostgreSQL.

SQLite runs in WAL mode with `synchronous=FULL`. WAL alone (with `synchronous=NORMAL`)
already survives a `kill -9` of the process, but a power cut can lose the last
commits; FULL syncs the log at every commit, so a crossing once acknowledged is on
disk. It costs one fsync per transaction, which is why writers batch into one unit
of work where they can.

The `sqlite3` driver's own transaction handling is switched off (it does not BEGIN
before SELECT or DDL): limes emits BEGIN itself, so reads are repeatable, DDL is
transactional and savepoints work. A unit of work that will write asks for
`BEGIN IMMEDIATE` (see `SQLITE_BEGIN`), so concurrent writers queue on the busy
timeout instead of failing when a read lock cannot be upgraded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from limes.db.loop_guard import forbid_on_event_loop
from limes.settings import Settings

__all__ = ["DEFAULT_SQLITE_PATH", "SQLITE_BEGIN", "default_database_url", "make_engine", "redact"]

DEFAULT_SQLITE_PATH = Path("var") / "limes.sqlite"

SQLITE_BEGIN = "limes_sqlite_begin"
"""Execution option naming how SQLite begins a transaction: DEFERRED (default) or IMMEDIATE."""

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)
_SQLITE_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})

POSTGRES_POOL_SIZE = 32
POSTGRES_MAX_OVERFLOW = 16
POSTGRES_CONNECT_TIMEOUT = 10  # seconds; an unreachable server fails fast as BackendUnavailable


def default_database_url(settings: Settings | None = None) -> str:
    """`LIMES_DATABASE_URL` if set, else the SQLite file `./var/limes.sqlite`."""
    configured = (settings or Settings()).database_url
    return configured or f"sqlite:///{DEFAULT_SQLITE_PATH.as_posix()}"


def redact(url: str) -> str:
    """The URL with its password hidden, fit for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def make_engine(url: str) -> Engine:
    """An engine for `sqlite:///path` or `postgresql+psycopg://...`, tuned for limes.

    Raises:
        ValueError: the URL names another database.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _guarded(_sqlite_engine(url))
    if backend in ("postgresql", "postgres"):
        return _guarded(
            create_engine(
                parsed.set(drivername="postgresql+psycopg"),
                pool_size=POSTGRES_POOL_SIZE,
                max_overflow=POSTGRES_MAX_OVERFLOW,
                pool_pre_ping=True,
                connect_args={
                    "connect_timeout": POSTGRES_CONNECT_TIMEOUT,
                    "application_name": "limes",
                },
            )
        )
    raise ValueError(f"limes runs on SQLite or PostgreSQL, not on {redact(url)}")


def _guarded(engine: Engine) -> Engine:
    """The engine, refusing to run a statement or a commit on an event loop's thread."""
    event.listen(engine, "before_cursor_execute", _not_on_loop_statement)
    event.listen(engine, "commit", _not_on_loop_commit)
    return engine


def _not_on_loop_statement(*_: Any) -> None:
    forbid_on_event_loop("a database statement")


def _not_on_loop_commit(_: Connection) -> None:
    forbid_on_event_loop("a database commit")


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # No transaction is open here, so the pragmas (foreign_keys in particular) take effect.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    if mode not in _SQLITE_BEGIN_MODES:
        raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")
