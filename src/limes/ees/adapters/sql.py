"""EES tables in SQL (SQLite or PostgreSQL), with SQLAlchemy Core.

Core and statements built once: a recorded crossing costs a handful of indexed
statements on one connection. One unit of work spans the EES tables and the CIR's,
so a crossing and the identity file it creates commit or roll back together.

At most one open entry per file is enforced by a partial unique index, so two
concurrent entries for one traveller cannot both be recorded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from limes.db.unit_of_work import SqlUnitOfWork
from limes.ees.adapters.group_commit import GroupCommitter, Write
from limes.ees.adapters.loop_commit import LoopGroupCommitter
from limes.ees.adapters.sql_tables import (
    ENTRIES,
    ENTRY,
    FILE,
    FILE_OF_IDENTITY,
    INSERT_ACCESS,
    INSERT_ENTRY,
    INSERT_FILE,
    INSERT_OUTCOME,
    OUTCOME,
    REFUSALS,
    UPDATE_ENTRY,
    UPDATE_FILE,
    access_from_row,
    access_log,
    access_values,
    crossing_point_from_row,
    crossing_point_values,
    crossing_points,
    entry_exit_records,
    entry_from_row,
    entry_values,
    file_from_row,
    file_values,
    individual_files,
    keyed,
    outcome_from_row,
    outcome_values,
    refusal_from_row,
    refusal_records,
    refusal_values,
)
from limes.ees.domain.models import CrossingPoint, EntryExitRecord, IndividualFile, RefusalRecord
from limes.ees.planning import apply_now, replay_writes
from limes.ees.ports import AccessLogEntry, EesUnitOfWork, IdempotentOutcome
from limes.interop.cir.adapters.sql import SqlIdentityRepository


class CrossingPointCache:
    """Crossing points change rarely and are read at every crossing: keep them briefly.

    A change made in this process is seen at once; one made by another process within
    `ttl` seconds.
    """

    def __init__(self, ttl: float = 2.0) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[float, CrossingPoint]] = {}
        self._lock = threading.Lock()

    def get(self, code: str) -> CrossingPoint | None:
        """The cached crossing point, if still fresh."""
        found = self._entries.get(code)
        if found is None or time.monotonic() - found[0] > self._ttl:
            return None
        return found[1]

    def put(self, crossing_point: CrossingPoint) -> None:
        """Remember a crossing point just read."""
        with self._lock:
            self._entries[crossing_point.code] = (time.monotonic(), crossing_point)

    def forget(self, code: str) -> None:
        """Drop a crossing point that is being changed."""
        with self._lock:
            self._entries.pop(code, None)


class SqlEesRepository:
    """The EES repository on one connection of an open transaction."""

    def __init__(self, connection: Connection, cache: CrossingPointCache | None = None) -> None:
        self._c = connection
        self._cache = cache or CrossingPointCache(ttl=0)

    def add_file(self, individual_file: IndividualFile) -> None:
        """Store a new individual file."""
        self.add_files([individual_file])

    def add_files(self, files: Sequence[IndividualFile]) -> None:
        """Store new individual files in one statement."""
        self._c.execute(INSERT_FILE, [file_values(f) for f in files])

    def update_file(self, individual_file: IndividualFile) -> None:
        """Replace a stored individual file."""
        self.update_files([individual_file])

    def update_files(self, files: Sequence[IndividualFile]) -> None:
        """Replace stored individual files in one statement."""
        self._c.execute(UPDATE_FILE, [keyed(file_values(f), "file_id") for f in files])

    def get_file(self, file_id: str) -> IndividualFile | None:
        """The file with this id, or None."""
        row = self._c.execute(FILE, {"file_id": file_id}).first()
        return file_from_row(row) if row else None

    def file_of_identity(self, cir_id: str) -> IndividualFile | None:
        """The EES file that refers to this CIR file, or None."""
        row = self._c.execute(FILE_OF_IDENTITY, {"cir_id": cir_id}).first()
        return file_from_row(row) if row else None

    def add_entry(self, record: EntryExitRecord) -> None:
        """Store a new entry/exit record."""
        self.add_entries([record])

    def add_entries(self, records: Sequence[EntryExitRecord]) -> None:
        """Store new entry/exit records in one statement."""
        self._c.execute(INSERT_ENTRY, [entry_values(r) for r in records])

    def update_entry(self, record: EntryExitRecord) -> None:
        """Replace a stored entry/exit record."""
        self.update_entries([record])

    def update_entries(self, records: Sequence[EntryExitRecord]) -> None:
        """Replace stored entry/exit records in one statement."""
        self._c.execute(UPDATE_ENTRY, [keyed(entry_values(r), "record_id") for r in records])

    def get_entry(self, record_id: str) -> EntryExitRecord | None:
        """The entry/exit record with this id, or None."""
        row = self._c.execute(ENTRY, {"record_id": record_id}).first()
        return entry_from_row(row) if row else None

    def entries(self, file_id: str) -> list[EntryExitRecord]:
        """The file's entry/exit records, oldest first."""
        rows = self._c.execute(ENTRIES, {"file_id": file_id})
        return [entry_from_row(row) for row in rows]

    def add_refusal(self, record: RefusalRecord) -> None:
        """Store a refusal record."""
        self._c.execute(insert(refusal_records), refusal_values(record))

    def get_refusal(self, record_id: str) -> RefusalRecord | None:
        """The refusal record with this id, or None."""
        row = self._c.execute(
            select(refusal_records).where(refusal_records.c.record_id == record_id)
        ).first()
        return refusal_from_row(row) if row else None

    def refusals(self, file_id: str) -> list[RefusalRecord]:
        """The file's refusal records, oldest first."""
        rows = self._c.execute(REFUSALS, {"file_id": file_id})
        return [refusal_from_row(row) for row in rows]

    def open_entries_ended_before(self, day: date) -> list[EntryExitRecord]:
        """Open records whose authorised stay ended before `day`, not flagged yet."""
        rows = self._c.execute(
            select(entry_exit_records).where(
                and_(
                    entry_exit_records.c.exit_at.is_(None),
                    entry_exit_records.c.authorised_stay_until < day,
                    entry_exit_records.c.overstay_from.is_(None),
                )
            )
        )
        return [entry_from_row(row) for row in rows]

    def overstays(self) -> list[EntryExitRecord]:
        """Every record flagged as an overstay and not rebutted."""
        rows = self._c.execute(
            select(entry_exit_records)
            .where(
                and_(
                    entry_exit_records.c.overstay_from.is_not(None),
                    entry_exit_records.c.rebuttal.is_(None),
                )
            )
            .order_by(entry_exit_records.c.overstay_from)
        )
        return [entry_from_row(row) for row in rows]

    def file_ids(self) -> list[str]:
        """Every file id."""
        return list(
            self._c.execute(select(individual_files.c.file_id).order_by("file_id")).scalars()
        )

    def erase_entry(self, record_id: str) -> None:
        """Erase an entry/exit record."""
        self._c.execute(
            delete(entry_exit_records).where(entry_exit_records.c.record_id == record_id)
        )

    def erase_refusal(self, record_id: str) -> None:
        """Erase a refusal record."""
        self._c.execute(delete(refusal_records).where(refusal_records.c.record_id == record_id))

    def erase_file(self, file_id: str) -> None:
        """Erase a file and whatever records it still has."""
        for table in (entry_exit_records, refusal_records):
            self._c.execute(delete(table).where(table.c.file_id == file_id))
        self._c.execute(delete(individual_files).where(individual_files.c.file_id == file_id))

    def crossing_point(self, code: str) -> CrossingPoint | None:
        """The crossing point with this code, or None."""
        cached = self._cache.get(code)
        if cached is not None:
            return cached
        row = self._c.execute(select(crossing_points).where(crossing_points.c.code == code)).first()
        if row is None:
            return None
        found = crossing_point_from_row(row)
        self._cache.put(found)
        return found

    def put_crossing_point(self, crossing_point: CrossingPoint) -> None:
        """Create or replace a crossing point."""
        self._cache.forget(crossing_point.code)
        values = crossing_point_values(crossing_point)
        done = self._c.execute(
            update(crossing_points).where(crossing_points.c.code == crossing_point.code), values
        )
        if done.rowcount == 0:
            self._c.execute(insert(crossing_points), values)

    def crossing_points(self) -> list[CrossingPoint]:
        """Every crossing point."""
        rows = self._c.execute(select(crossing_points).order_by(crossing_points.c.code))
        return [crossing_point_from_row(row) for row in rows]

    def log_access(self, entry: AccessLogEntry) -> None:
        """Append to the access log (EES Art 46)."""
        self.log_accesses([entry])

    def log_accesses(self, entries: Sequence[AccessLogEntry]) -> None:
        """Append to the access log (EES Art 46), in one statement."""
        self._c.execute(INSERT_ACCESS, [access_values(entry) for entry in entries])

    def access_log(self) -> list[AccessLogEntry]:
        """The access log, oldest first."""
        rows = self._c.execute(select(access_log).order_by(access_log.c.log_id))
        return [access_from_row(row) for row in rows]

    def idempotent_outcome(self, key: str, user_id: str) -> IdempotentOutcome | None:
        """What a user's Idempotency-Key recorded before, or None."""
        row = self._c.execute(OUTCOME, {"key": key, "user_id": user_id}).first()
        if row is None:
            return None
        return outcome_from_row(row)

    def remember_outcome(self, outcome: IdempotentOutcome) -> None:
        """Remember what an Idempotency-Key recorded."""
        self.remember_outcomes([outcome])

    def remember_outcomes(self, outcomes: Sequence[IdempotentOutcome]) -> None:
        """Remember what Idempotency-Keys recorded, in one statement."""
        self._c.execute(INSERT_OUTCOME, [outcome_values(outcome) for outcome in outcomes])


class SqlEesUnitOfWork:
    """The EES and CIR repositories on one transaction."""

    def __init__(self, connection: Connection, cache: CrossingPointCache | None = None) -> None:
        self._ees = SqlEesRepository(connection, cache)
        self._identities = SqlIdentityRepository(connection)

    @property
    def ees(self) -> SqlEesRepository:
        """The EES tables."""
        return self._ees

    @property
    def identities(self) -> SqlIdentityRepository:
        """The CIR, source system EES."""
        return self._identities


# The writes of border crossings with a bulk form, in the order they are applied in
# bulk: rows before the rows that refer to them, a file's creation before its update.
_BULK: dict[tuple[str, str], Callable[[SqlEesUnitOfWork, list[tuple[Any, ...]]], None]] = {
    ("identities", "add"): lambda uow, calls: uow.identities.add_many(
        [(identity_file, templates) for identity_file, templates in calls]
    ),
    ("ees", "add_file"): lambda uow, calls: uow.ees.add_files([f for (f,) in calls]),
    ("ees", "update_file"): lambda uow, calls: uow.ees.update_files([f for (f,) in calls]),
    ("ees", "add_entry"): lambda uow, calls: uow.ees.add_entries([r for (r,) in calls]),
    ("ees", "update_entry"): lambda uow, calls: uow.ees.update_entries([r for (r,) in calls]),
    ("ees", "remember_outcome"): lambda uow, calls: uow.ees.remember_outcomes(
        [o for (o,) in calls]
    ),
    ("ees", "log_access"): lambda uow, calls: uow.ees.log_accesses([e for (e,) in calls]),
}
_BULK_ORDER = tuple(_BULK)

# Decisions on PostgreSQL wait on round trips; a few threads keep the server busy.
READER_THREADS = 4


class SqlEesStore:
    """The EES in a SQL database.

    The writes of border crossings go through a group committer (`submit_writes`);
    on SQLite, every writer waits its turn on the database's writer lock.
    """

    def __init__(self, engine: Engine, group_commit: bool = True) -> None:
        self._engine = engine
        self._crossing_points = CrossingPointCache()
        self._reader = (
            None
            if engine.dialect.name == "sqlite"
            else ThreadPoolExecutor(READER_THREADS, thread_name_prefix="ees-reader")
        )
        self._committer = (
            GroupCommitter(engine, self._apply, self._apply_bulk) if group_commit else None
        )
        # SQLite's statements are local and quick: coroutines commit on their own loop.
        self._loop_committer = (
            LoopGroupCommitter(engine, self._apply, self._apply_bulk)
            if group_commit and engine.dialect.name == "sqlite"
            else None
        )

    @property
    def engine(self) -> Engine:
        """The engine the store works on."""
        return self._engine

    def submit_writes(self, writes: Sequence[Write]) -> Future[None]:
        """Apply a decided crossing's writes durably, batched with other desks' crossings."""
        if self._committer is not None:
            return self._committer.submit(writes)
        return apply_now(self, writes)

    async def write_async(self, writes: Sequence[Write]) -> None:
        """Apply a decided crossing's writes durably, without holding a thread meanwhile."""
        if self._loop_committer is not None:
            await self._loop_committer.write(writes)
            return
        await asyncio.wrap_future(self.submit_writes(writes))

    @property
    def reader(self) -> Executor | None:
        """PostgreSQL reads wait on the server: decisions run on a few threads of their own."""
        return self._reader

    def _apply(self, connection: Connection, writes: Sequence[Write]) -> None:
        replay_writes(SqlEesUnitOfWork(connection, self._crossing_points), writes)

    def _apply_bulk(self, connection: Connection, write_sets: Sequence[Sequence[Write]]) -> bool:
        calls: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for writes in write_sets:
            for target, method, args, kwargs in writes:
                if kwargs or (target, method) not in _BULK_ORDER:
                    return False
                calls.setdefault((target, method), []).append(args)
        uow = SqlEesUnitOfWork(connection, self._crossing_points)
        for write in _BULK_ORDER:
            if write in calls:
                _BULK[write](uow, calls[write])
        return True

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[EesUnitOfWork]:
        """One transaction over the EES and CIR tables."""
        with SqlUnitOfWork(self._engine, read_only=not write) as uow:
            yield SqlEesUnitOfWork(uow.connection, self._crossing_points)
