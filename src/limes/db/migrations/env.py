"""Alembic's environment for limes: online migrations over the caller's connection.

`limes.db.migrate` passes the connection in `config.attributes["connection"]`; without
one (Alembic's own command line), the URL comes from `sqlalchemy.url` or the settings.
SQLite gets batch mode, since it cannot alter most things in place.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from limes.db.engine import default_database_url, make_engine
from limes.db.metadata import UTCDateTime
from limes.db.tables import metadata


def _render_item(kind: str, item: Any, _autogen: AutogenContext) -> str | Literal[False]:
    # Migrations stay free of limes' own types: they must not change when the code does.
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or default_database_url()
    engine = make_engine(url)
    try:
        with engine.begin() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("limes migrations run online only: give them a database to migrate")
_run_online()
