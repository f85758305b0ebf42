"""Storage shared by every system: engines, the shared metadata, units of work, migrations.

    engine = make_engine(default_database_url())
    upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        SqlIdentityRepository(uow.connection).get(cir_id)

The names load on first use, so `limes calc` and `limes mrz` (whose CLI registers
`limes db`) do not pay for importing SQLAlchemy and Alembic.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from limes.db.engine import default_database_url, make_engine, redact
    from limes.db.metadata import UTCDateTime, metadata
    from limes.db.migrate import current, upgrade
    from limes.db.unit_of_work import SqlUnitOfWork, database_error

_HOMES = {
    "SqlUnitOfWork": "limes.db.unit_of_work",
    "UTCDateTime": "limes.db.metadata",
    "current": "limes.db.migrate",
    "database_error": "limes.db.unit_of_work",
    "default_database_url": "limes.db.engine",
    "make_engine": "limes.db.engine",
    "metadata": "limes.db.metadata",
    "redact": "limes.db.engine",
    "upgrade": "limes.db.migrate",
}

__all__ = [
    "SqlUnitOfWork",
    "UTCDateTime",
    "current",
    "database_error",
    "default_database_url",
    "make_engine",
    "metadata",
    "redact",
    "upgrade",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'limes.db' has no attribute {name!r}")
    return getattr(import_module(home), name)
