"""CIR access in SQL: the Art 24 access log, and read transactions for the queries.

`SqlAccessLog` writes every entry in a transaction of its own, committed before
`log` returns. A police identification or hit-flag query runs in a read transaction
(`SqlIdentityStore.reading`) that a refusal ends by rolling back; had the entry been
written there, the refusal would leave no trace, which Reg. (EU) 2019/817 Art 24
does not allow. A query's answer is only returned once its entry is committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine, RowMapping

from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.adapters.sql_tables import INSERT_ACCESS_LOG, READ_ACCESS_LOG, access_log
from limes.interop.cir.logs import AccessLogEntry, check_read_limit

__all__ = ["SqlAccessLog", "SqlIdentityStore"]


class SqlAccessLog:
    """`AccessLogStore` in the `cir_access_log` table (Reg. (EU) 2019/817 Art 24)."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def log(self, entry: AccessLogEntry) -> None:
        """Keep one entry, committed before this returns (Art 24(1)).

        Raises:
            BackendUnavailable: the database cannot be written; the query must not
                be answered then, as it could not be logged.
        """
        with SqlUnitOfWork(self._engine) as uow:
            uow.connection.execute(INSERT_ACCESS_LOG, _row(entry))

    def read(
        self,
        *,
        authority: str | None = None,
        operation: str | None = None,
        limit: int = 100,
    ) -> list[AccessLogEntry]:
        """Up to `limit` entries, newest first, of one authority and one operation or all.

        For data-protection monitoring (Art 24(4)); the filters are exact matches.

        Raises:
            InvalidRequest: `limit` is not from 1 to `MAX_READ`.
        """
        check_read_limit(limit)
        statement = READ_ACCESS_LOG
        if authority is not None:
            statement = statement.where(access_log.c.authority == authority)
        if operation is not None:
            statement = statement.where(access_log.c.operation == operation)
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            rows = uow.connection.execute(statement.limit(limit)).all()
        return [_entry(row._mapping) for row in rows]


class SqlIdentityStore:
    """`IdentityStore` over an engine: one read-only unit of work per query."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def reading(self) -> Iterator[SqlIdentityRepository]:
        """A read-only transaction over the CIR's tables; it takes no writer lock."""
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            yield SqlIdentityRepository(uow.connection)


def _row(entry: AccessLogEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "operation": entry.operation,
        "authority": entry.authority,
        "user_id": entry.user_id,
        "purpose": entry.purpose,
        "ground": entry.ground,
        "query_fields": orjson.dumps(list(entry.query_fields)).decode(),
        "outcome": entry.outcome,
        "result_references": orjson.dumps(list(entry.result_references)).decode(),
    }


def _entry(values: RowMapping) -> AccessLogEntry:
    return AccessLogEntry(
        at=values["at"],
        operation=values["operation"],
        authority=values["authority"],
        purpose=values["purpose"],
        ground=values["ground"],
        query_fields=tuple(orjson.loads(values["query_fields"])),
        outcome=values["outcome"],
        result_references=tuple(orjson.loads(values["result_references"])),
        user_id=values["user_id"],
    )
