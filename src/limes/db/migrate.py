"""Alembic, configured in code: the migrations ship inside the package, no alembic.ini.

upgrade("sqlite:///var/limes.sqlite")   # create or migrate; returns the revision
current(engine)                         # the revision the database is at, or None
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from limes.db.engine import make_engine

__all__ = ["MIGRATIONS", "alembic_config", "current", "head", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for limes' migrations, bound to `connection` if given.

    Handy for Alembic's own commands too: `command.revision(alembic_config(), "msg",
    autogenerate=...)` with a connection, `command.history(alembic_config())`.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str | None:
    """The newest revision the package ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> str | None:
    """Create or migrate the database up to `revision`, in one transaction.

    Returns:
        The revision the database is at afterwards.
    """
    engine, owned = _engine(engine_or_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        return current(engine)
    finally:
        if owned:
            engine.dispose()


def current(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def _engine(engine_or_url: Engine | str) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    return make_engine(engine_or_url), True
