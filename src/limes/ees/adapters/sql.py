"""EES tables in SQL (SQLite or PostgreSQL), with SQLAlchemy Core.

Core and statements built once: a recorded crossing costs a handful of indexed
statements on one connection. One unit of work spans the EES tables and the CIR's,
so a crossing and the identity file it creates commit or roll back together.

At most one open entry per file is enforced by a partial unique index, so two
concurrent entries for one traveller cannot both be recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from limes.core.errors import StaleWrite
from limes.db.unit_of_work import SqlUnitOfWork
from limes.ees.adapters.group_commit import Decide, GroupCommitter, answer
from limes.ees.adapters.sql_tables import (
    ENTRIES,
    ENTRY,
    FILE,
    FILE_OF_IDENTITY,
    FILES_DUE_FOR_RETENTION,
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
    erasure_notices,
    file_from_row,
    file_values,
    individual_files,
    notice_from_row,
    notice_values,
    outcome_from_row,
    outcome_values,
    refusal_from_row,
    refusal_records,
    refusal_values,
    stay_decision_from_row,
    stay_decision_values,
    stay_decisions,
    versioned,
)
from limes.ees.domain.corrections import ErasureNotice, StayDecision
from limes.ees.domain.models import CrossingPoint, EntryExitRecord, IndividualFile, RefusalRecord
from limes.ees.domain.rules import RetentionScan
from limes.ees.planning import apply_now
from limes.ees.ports import AccessLogEntry, EesUnitOfWork, IdempotentOutcome
from limes.ees.writes import (
    AddEntry,
    AddFile,
    AddIdentity,
    LogAccess,
    RememberOutcome,
    UpdateEntry,
    UpdateFile,
    Write,
    apply_writes,
)
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
        """Replace stored individual files in one statement, each if still at its version.

        Raises:
            StaleWrite: a file changed (or went) since it was read; nothing is updated.
        """
        done = self._c.execute(UPDATE_FILE, [versioned(file_values(f), "file_id") for f in files])
        if done.rowcount != len(files):
            raise StaleWrite(
                "The traveller's file was changed by someone else meanwhile; decide again "
                "on what is stored now."
            )

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
        """Replace stored entry/exit records in one statement, each if still at its version.

        Raises:
            StaleWrite: a record changed (or went) since it was read; nothing is updated.
        """
        done = self._c.execute(
            UPDATE_ENTRY, [versioned(entry_values(r), "record_id") for r in records]
        )
        if done.rowcount != len(records):
            raise StaleWrite(
                "The entry/exit record was changed by someone else meanwhile; decide again "
                "on what is stored now."
            )

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
                    # EES Art 12 does not apply to family members of Union citizens.
                    entry_exit_records.c.family_member.is_(False),
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

    def entries_for_review(self) -> list[EntryExitRecord]:
        """Every record from the fall-back flagged for review (EES Art 21), oldest first."""
        rows = self._c.execute(
            select(entry_exit_records)
            .where(entry_exit_records.c.review_reason.is_not(None))
            .order_by(entry_exit_records.c.entry_at)
        )
        return [entry_from_row(row) for row in rows]

    def file_ids(self) -> list[str]:
        """Every file id."""
        return list(
            self._c.execute(select(individual_files.c.file_id).order_by("file_id")).scalars()
        )

    def files_due_for_retention(self, scan: RetentionScan) -> list[str]:
        """The ids of files that may have a retention step due, each part by an index."""
        rows = self._c.execute(
            FILES_DUE_FOR_RETENTION,
            {
                "exited_before": _midnight(scan.exited_before),
                "stay_ended_before": scan.stay_ended_before,
                "noticed_stay_ended_before": scan.noticed_stay_ended_before,
                "refused_before": _midnight(scan.refused_before),
                "last_exit_before": scan.last_exit_before,
                "family_member_exited_before": _midnight(scan.family_member_exited_before),
                "family_member_last_exit_before": scan.family_member_exited_before,
            },
        )
        return sorted(rows.scalars())

    def erase_entry(self, record_id: str) -> None:
        """Erase an entry/exit record, its notices (its stay decisions cascade)."""
        self._c.execute(delete(erasure_notices).where(erasure_notices.c.record_id == record_id))
        self._c.execute(
            delete(entry_exit_records).where(entry_exit_records.c.record_id == record_id)
        )

    def erase_refusal(self, record_id: str) -> None:
        """Erase a refusal record."""
        self._c.execute(delete(refusal_records).where(refusal_records.c.record_id == record_id))

    def erase_file(self, file_id: str) -> None:
        """Erase a file and whatever records it still has."""
        for table in (stay_decisions, erasure_notices, entry_exit_records, refusal_records):
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

    def add_stay_decision(self, decision: StayDecision) -> None:
        """Store a decision on an authorised stay (EES Art 19)."""
        self._c.execute(insert(stay_decisions), stay_decision_values(decision))

    def stay_decisions(self, file_id: str) -> list[StayDecision]:
        """The decisions on the file's authorised stays, oldest first."""
        rows = self._c.execute(
            select(stay_decisions)
            .where(stay_decisions.c.file_id == file_id)
            .order_by(stay_decisions.c.recorded_at)
        )
        return [stay_decision_from_row(row) for row in rows]

    def add_notice(self, notice: ErasureNotice) -> None:
        """Put a notice to a Member State in the outbox (EES Art 34)."""
        self._c.execute(insert(erasure_notices), notice_values(notice))

    def notices(self, member_state: str | None, pending_only: bool) -> list[ErasureNotice]:
        """The outbox of one Member State (None: every one), oldest first."""
        query = select(erasure_notices).order_by(
            erasure_notices.c.created_at, erasure_notices.c.notice_id
        )
        if member_state is not None:
            query = query.where(erasure_notices.c.member_state == member_state)
        if pending_only:
            query = query.where(erasure_notices.c.acknowledged_at.is_(None))
        return [notice_from_row(row) for row in self._c.execute(query)]

    def get_notice(self, notice_id: str) -> ErasureNotice | None:
        """The notice with this id, or None."""
        row = self._c.execute(
            select(erasure_notices).where(erasure_notices.c.notice_id == notice_id)
        ).first()
        return notice_from_row(row) if row else None

    def acknowledge_notice(self, notice_id: str, at: datetime, by: str) -> None:
        """Mark a notice as read, once: a later acknowledgement keeps the first."""
        self._c.execute(
            update(erasure_notices)
            .where(
                erasure_notices.c.notice_id == notice_id,
                erasure_notices.c.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=at, acknowledged_by=by)
        )

    def schedule_log_erasure(self, file_id: str, on: date) -> None:
        """Set the day the logs of an erased file go (EES Art 46(4)), by index."""
        self._c.execute(
            update(access_log).where(access_log.c.subject == file_id).values(erase_on=on)
        )

    def logs_due_for_erasure(self, today: date, limit: int) -> list[int]:
        """Up to `limit` ids of logs whose erasure day has come, by index."""
        rows = self._c.execute(
            select(access_log.c.log_id)
            .where(access_log.c.erase_on <= today)
            .order_by(access_log.c.log_id)
            .limit(limit)
        )
        return list(rows.scalars())

    def erase_logs(self, log_ids: Sequence[int]) -> None:
        """Erase these logs."""
        if log_ids:
            self._c.execute(delete(access_log).where(access_log.c.log_id.in_(list(log_ids))))


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


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


def _add_identities(uow: SqlEesUnitOfWork, writes: list[Any]) -> None:
    uow.identities.add_many([(w.identity_file, w.templates) for w in writes])


# The writes of border crossings with a bulk form, in the order they are applied in
# bulk: rows before the rows that refer to them.
_BULK: dict[type[Write], Callable[[SqlEesUnitOfWork, list[Any]], None]] = {
    AddIdentity: _add_identities,
    AddFile: lambda uow, writes: uow.ees.add_files([w.individual_file for w in writes]),
    UpdateFile: lambda uow, writes: uow.ees.update_files([w.individual_file for w in writes]),
    AddEntry: lambda uow, writes: uow.ees.add_entries([w.record for w in writes]),
    UpdateEntry: lambda uow, writes: uow.ees.update_entries([w.record for w in writes]),
    RememberOutcome: lambda uow, writes: uow.ees.remember_outcomes([w.outcome for w in writes]),
    LogAccess: lambda uow, writes: uow.ees.log_accesses([w.entry for w in writes]),
}

# PostgreSQL's decisions wait on round trips: a few threads keep the server busy.
READER_THREADS = 4

T = TypeVar("T")


class SqlEesStore:
    """The EES in a SQL database.

    Crossings are decided on the store's reader threads and their writes applied by
    its group committer (`submit_writes`); on SQLite, every writer waits its turn on
    the database's writer lock, on a thread, never on an event loop.
    """

    def __init__(self, engine: Engine, group_commit: bool = True) -> None:
        self._engine = engine
        self._crossing_points = CrossingPointCache()
        self._reader = ThreadPoolExecutor(READER_THREADS, thread_name_prefix="ees-reader")
        self._committer = (
            GroupCommitter(engine, self._apply, self._apply_bulk) if group_commit else None
        )
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="ees-writer")

    @property
    def engine(self) -> Engine:
        """The engine the store works on."""
        return self._engine

    def submit_writes(self, writes: Sequence[Write]) -> Future[None]:
        """Apply a decided crossing's writes durably, batched with other desks' crossings."""
        if self._committer is not None:
            return self._committer.submit(writes)
        # Never on the caller's thread: it may be an event loop.
        return self._writer.submit(apply_now, self, writes)

    def submit_decision(self, decide: Decide[T]) -> Future[T]:
        """Take a decision and apply its writes: on SQLite, both on the committer's thread.

        SQLite's reads are local and take microseconds: decided on the committer's
        thread, they do not compete with it for the interpreter lock (which, with reader
        threads beside it, made the committer the slow serial path). PostgreSQL's reads
        wait on round trips: they run on reader threads, side by side.
        """
        if self._committer is not None and self._engine.dialect.name == "sqlite":
            return self._committer.submit_decision(decide)
        done: Future[T] = Future()

        def decided(taken: Future[tuple[T, Sequence[Write]]]) -> None:
            if done.done():
                return  # the desk stopped waiting
            try:
                outcome, writes = taken.result()
            except BaseException as error:
                done.set_exception(error)
                return
            if not writes:
                done.set_result(outcome)
                return
            self.submit_writes(writes).add_done_callback(partial(answer, done, outcome))

        self._reader.submit(decide).add_done_callback(decided)
        return done

    def close(self) -> None:
        """Commit what is queued and stop the store's threads."""
        if self._committer is not None:
            self._committer.close()
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=False)

    def _apply(self, connection: Connection, writes: Sequence[Write]) -> None:
        apply_writes(SqlEesUnitOfWork(connection, self._crossing_points), writes)

    def _apply_bulk(self, connection: Connection, write_sets: Sequence[Sequence[Write]]) -> bool:
        calls: dict[type[Write], list[Write]] = {}
        for writes in write_sets:
            for write in writes:
                if type(write) not in _BULK:
                    return False
                calls.setdefault(type(write), []).append(write)
        uow = SqlEesUnitOfWork(connection, self._crossing_points)
        for kind, apply in _BULK.items():
            if kind in calls:
                apply(uow, calls[kind])
        return True

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[EesUnitOfWork]:
        """One transaction over the EES and CIR tables."""
        with SqlUnitOfWork(self._engine, read_only=not write) as uow:
            yield SqlEesUnitOfWork(uow.connection, self._crossing_points)
