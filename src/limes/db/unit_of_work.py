"""One transaction on one connection, with database errors translated at its edge.

SQLAlchemy and driver exceptions stop here: integrity violations become `Conflict`,
lost or unreachable databases (and any other driver failure) `BackendUnavailable`.
Programming errors that never reached the database are left alone.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from limes.core.errors import BackendUnavailable, Conflict, DomainError
from limes.db.engine import SQLITE_BEGIN
from limes.db.writer_lock import writer_lock

__all__ = ["SqlUnitOfWork", "database_error"]


def database_error(error: BaseException) -> DomainError | None:
    """The domain error standing for a database error, or None if it is not one."""
    if isinstance(error, sa_exc.IntegrityError):
        return Conflict(f"the change clashes with stored data: {_reason(error)}")
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return BackendUnavailable(f"the database cannot be reached: {_reason(error)}")
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return BackendUnavailable(f"the database cannot be reached: {_reason(error)}")
        return BackendUnavailable(f"the database refused the operation: {_reason(error)}")
    return None


def _reason(error: sa_exc.SQLAlchemyError) -> str:
    cause = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


class SqlUnitOfWork:
    """A transaction: commits when the block ends, rolls back if it raises.

        with SqlUnitOfWork(engine) as uow:
            SqlIdentityRepository(uow.connection).add(...)

    On SQLite a unit of work that may write first takes the database's writer lock
    (`limes.db.writer_lock`, shared by threads and processes) and begins IMMEDIATE;
    pass `read_only=True` for a plain deferred BEGIN without the lock. PostgreSQL
    ignores the flag.
    """

    __slots__ = ("_connection", "_engine", "_read_only", "_writer_lock")

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None
        self._writer_lock = None if read_only else writer_lock(engine)

    @property
    def connection(self) -> Connection:
        """The connection of the open transaction."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open; use it in a `with` block")
        return self._connection

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        mode = "DEFERRED" if self._read_only else "IMMEDIATE"
        if self._writer_lock is not None:
            self._writer_lock.__enter__()
        try:
            connection = self._engine.connect().execution_options(**{SQLITE_BEGIN: mode})
        except sa_exc.SQLAlchemyError as error:
            self._release()
            raise _translated(error) from error
        try:
            connection.begin()
        except sa_exc.SQLAlchemyError as error:
            connection.close()
            self._release()
            raise _translated(error) from error
        self._connection = connection
        return self

    def _release(self) -> None:
        if self._writer_lock is not None:
            self._writer_lock.__exit__(None, None, None)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self.connection, None
        try:
            if exc is None:
                connection.commit()
            else:
                connection.rollback()
        except sa_exc.SQLAlchemyError as error:
            if exc is None:
                raise _translated(error) from error
            # The block's own error says more than the failed rollback; the pool
            # discards the connection when it is closed below.
        finally:
            connection.close()
            self._release()
        if exc is not None:
            translated = database_error(exc)
            if translated is not None:
                raise translated from exc


def _translated(error: sa_exc.SQLAlchemyError) -> Exception:
    return database_error(error) or error
