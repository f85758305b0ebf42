"""The one `MetaData` every system's tables belong to, and the shared column types.

Each system's tables carry its name as a prefix (`cir_`, `ees_`, `sis_`, ...) rather
than living in a PostgreSQL schema per system: SQLite has no schemas, and one model
and one migration history then serve both databases unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData
from sqlalchemy.types import TypeDecorator

__all__ = ["NAMING_CONVENTION", "UTCDateTime", "metadata"]

# Constraint names are deterministic, so migrations can name what they alter or drop.
# They must stay within PostgreSQL's 63 characters (SQLite has no limit, and a name
# PostgreSQL truncated would differ between the two), so foreign keys leave out the
# referred table.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, stored in UTC and read back as a timezone-aware UTC datetime.

    PostgreSQL stores `timestamp with time zone`; SQLite stores the UTC wall time as
    text (it has no time zones), which this type marks as UTC again when read.
    Naive datetimes are refused: an instant without a zone is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a naive datetime cannot be stored as an instant: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
