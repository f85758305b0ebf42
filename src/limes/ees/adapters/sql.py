"""EES tables in SQL (SQLite or PostgreSQL), with SQLAlchemy Core.

Core and statements built once: a recorded crossing costs a handful of indexed
statements on one connection. One unit of work spans the EES tables and the CIR's,
so a crossing and the identity file it creates commit or roll back together.

At most one open entry per file is enforced by a partial unique index, so two
concurrent entries for one traveller cannot both be recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Row,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)

from limes.core.errors import DomainError
from limes.db.metadata import UTCDateTime, metadata
from limes.db.unit_of_work import SqlUnitOfWork
from limes.ees.adapters.group_commit import GroupCommitter, Write
from limes.ees.domain.models import (
    BorderType,
    Completeness,
    CrossingPoint,
    EntryExitRecord,
    FingerprintStatus,
    IndividualFile,
    RecordSource,
    RefusalReason,
    RefusalRecord,
    SuspensionScope,
    TravellerKind,
    VisaDetails,
)
from limes.ees.planning import replay_writes
from limes.ees.ports import AccessLogEntry, EesUnitOfWork, IdempotentOutcome
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.shortstay import EntriesAllowed

_ENUM = 24

crossing_points = Table(
    "ees_crossing_points",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String, nullable=False),
    Column("country", String(3), nullable=False),
    Column("border_type", String(_ENUM), nullable=False),
    Column("ees_active", Boolean, nullable=False),
    Column("biometrics_required", Boolean, nullable=False),
    Column("suspension", String(_ENUM), nullable=False),
    Column("suspension_reason", String, nullable=True),
    Column("changed_at", UTCDateTime, nullable=True),
    Column("changed_by", String, nullable=True),
)

individual_files = Table(
    "ees_individual_files",
    metadata,
    Column("file_id", String(64), primary_key=True),
    Column("cir_id", String(64), nullable=False, unique=True),
    Column("kind", String(_ENUM), nullable=False),
    Column("fingerprint_status", String(_ENUM), nullable=False),
    Column("completeness", String(_ENUM), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_exit_or_refusal", Date, nullable=True),
)

entry_exit_records = Table(
    "ees_entry_exit_records",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column(
        "file_id",
        String(64),
        ForeignKey("ees_individual_files.file_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("entry_at", UTCDateTime, nullable=False),
    Column("entry_crossing_point", String(32), nullable=False),
    Column("authorised_stay_until", Date, nullable=False),
    Column("source", String(_ENUM), nullable=False),
    Column("visa_sticker_number", String(32), nullable=True),
    Column("visa_valid_from", Date, nullable=True),
    Column("visa_valid_until", Date, nullable=True),
    Column("visa_duration_days", Integer, nullable=True),
    Column("visa_entries", String(_ENUM), nullable=True),
    Column("visa_limited_territorial_validity", Boolean, nullable=True),
    Column("exit_at", UTCDateTime, nullable=True),
    Column("exit_crossing_point", String(32), nullable=True),
    Column("overstay_from", Date, nullable=True),
    Column("rebuttal", Text, nullable=True),
    Column("rebutted_at", UTCDateTime, nullable=True),
    Column("entry_stamp", Date, nullable=True),
    Column("exit_stamp", Date, nullable=True),
    Column("erasure_notice_on", Date, nullable=True),
    Index("ix_ees_entry_exit_records_file_entry", "file_id", "entry_at"),
    Index(
        "uq_ees_entry_exit_records_one_open_entry",
        "file_id",
        unique=True,
        sqlite_where=text("exit_at IS NULL"),
        postgresql_where=text("exit_at IS NULL"),
    ),
    Index(
        "ix_ees_entry_exit_records_open_stay_end",
        "authorised_stay_until",
        sqlite_where=text("exit_at IS NULL"),
        postgresql_where=text("exit_at IS NULL"),
    ),
    Index("ix_ees_entry_exit_records_overstay_from", "overstay_from"),
)

refusal_records = Table(
    "ees_refusal_records",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column(
        "file_id",
        String(64),
        ForeignKey("ees_individual_files.file_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("refused_at", UTCDateTime, nullable=False),
    Column("crossing_point", String(32), nullable=False),
    Column("reasons", String(16), nullable=False),
    Column("source", String(_ENUM), nullable=False),
)

access_log = Table(
    "ees_access_log",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("user_id", String, nullable=False),
    Column("role", String(_ENUM), nullable=False),
    Column("authority", String, nullable=False),
    Column("purpose", String, nullable=False),
    Column("operation", String(32), nullable=False),
    Column("crossing_point", String(32), nullable=True),
    Column("query", Text, nullable=False),
    Column("result_references", Text, nullable=False),
)

idempotency_keys = Table(
    "ees_idempotency_keys",
    metadata,
    Column("key", String(200), nullable=False),
    Column("user_id", String, nullable=False),
    Column("operation", String(16), nullable=False),
    Column("request_digest", String(64), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("key", "user_id"),
)


# The statements of a border check, built once (a statement built per call costs more
# to build and to look up in the compiled cache than SQLite takes to run it).
_FILE = select(individual_files).where(individual_files.c.file_id == bindparam("file_id"))
_FILE_OF_IDENTITY = select(individual_files).where(individual_files.c.cir_id == bindparam("cir_id"))
_ENTRY = select(entry_exit_records).where(entry_exit_records.c.record_id == bindparam("record_id"))
_ENTRIES = (
    select(entry_exit_records)
    .where(entry_exit_records.c.file_id == bindparam("file_id"))
    .order_by(entry_exit_records.c.entry_at)
)
_REFUSALS = (
    select(refusal_records)
    .where(refusal_records.c.file_id == bindparam("file_id"))
    .order_by(refusal_records.c.refused_at)
)
_OUTCOME = select(idempotency_keys).where(
    idempotency_keys.c.key == bindparam("key"), idempotency_keys.c.user_id == bindparam("user_id")
)
_INSERT_FILE = insert(individual_files)
_UPDATE_FILE = update(individual_files).where(individual_files.c.file_id == bindparam("key"))
_INSERT_ENTRY = insert(entry_exit_records)
_UPDATE_ENTRY = update(entry_exit_records).where(entry_exit_records.c.record_id == bindparam("key"))
_INSERT_ACCESS = insert(access_log)
_INSERT_OUTCOME = insert(idempotency_keys)


def _keyed(values: dict[str, Any], key: str) -> dict[str, Any]:
    # An UPDATE of many rows names its row by the bound "key", not by the column.
    values["key"] = values.pop(key)
    return values


def _file(row: Row[Any]) -> IndividualFile:
    return IndividualFile(
        file_id=row.file_id,
        cir_id=row.cir_id,
        kind=TravellerKind(row.kind),
        fingerprint_status=FingerprintStatus(row.fingerprint_status),
        completeness=Completeness(row.completeness),
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_exit_or_refusal=row.last_exit_or_refusal,
    )


def _file_values(f: IndividualFile) -> dict[str, Any]:
    return {
        "file_id": f.file_id,
        "cir_id": f.cir_id,
        "kind": f.kind.value,
        "fingerprint_status": f.fingerprint_status.value,
        "completeness": f.completeness.value,
        "created_at": f.created_at,
        "updated_at": f.updated_at,
        "last_exit_or_refusal": f.last_exit_or_refusal,
    }


def _entry(row: Row[Any]) -> EntryExitRecord:
    visa = None
    if row.visa_sticker_number is not None:
        visa = VisaDetails(
            sticker_number=row.visa_sticker_number,
            valid_from=row.visa_valid_from,
            valid_until=row.visa_valid_until,
            duration_days=row.visa_duration_days,
            entries=EntriesAllowed(row.visa_entries),
            limited_territorial_validity=bool(row.visa_limited_territorial_validity),
        )
    return EntryExitRecord(
        record_id=row.record_id,
        file_id=row.file_id,
        entry_at=row.entry_at,
        entry_crossing_point=row.entry_crossing_point,
        authorised_stay_until=row.authorised_stay_until,
        source=RecordSource(row.source),
        visa=visa,
        exit_at=row.exit_at,
        exit_crossing_point=row.exit_crossing_point,
        overstay_from=row.overstay_from,
        rebuttal=row.rebuttal,
        rebutted_at=row.rebutted_at,
        entry_stamp=row.entry_stamp,
        exit_stamp=row.exit_stamp,
        erasure_notice_on=row.erasure_notice_on,
    )


def _entry_values(r: EntryExitRecord) -> dict[str, Any]:
    v = r.visa
    return {
        "record_id": r.record_id,
        "file_id": r.file_id,
        "entry_at": r.entry_at,
        "entry_crossing_point": r.entry_crossing_point,
        "authorised_stay_until": r.authorised_stay_until,
        "source": r.source.value,
        "visa_sticker_number": v.sticker_number if v else None,
        "visa_valid_from": v.valid_from if v else None,
        "visa_valid_until": v.valid_until if v else None,
        "visa_duration_days": v.duration_days if v else None,
        "visa_entries": v.entries.value if v else None,
        "visa_limited_territorial_validity": v.limited_territorial_validity if v else None,
        "exit_at": r.exit_at,
        "exit_crossing_point": r.exit_crossing_point,
        "overstay_from": r.overstay_from,
        "rebuttal": r.rebuttal,
        "rebutted_at": r.rebutted_at,
        "entry_stamp": r.entry_stamp,
        "exit_stamp": r.exit_stamp,
        "erasure_notice_on": r.erasure_notice_on,
    }


def _refusal(row: Row[Any]) -> RefusalRecord:
    return RefusalRecord(
        record_id=row.record_id,
        file_id=row.file_id,
        refused_at=row.refused_at,
        crossing_point=row.crossing_point,
        reasons=tuple(RefusalReason(letter) for letter in row.reasons),
        source=RecordSource(row.source),
    )


def _crossing_point(row: Row[Any]) -> CrossingPoint:
    return CrossingPoint(
        code=row.code,
        name=row.name,
        country=row.country,
        border_type=BorderType(row.border_type),
        ees_active=bool(row.ees_active),
        biometrics_required=bool(row.biometrics_required),
        suspension=SuspensionScope(row.suspension),
        suspension_reason=row.suspension_reason,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
    )


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
        self._c.execute(_INSERT_FILE, [_file_values(f) for f in files])

    def update_file(self, individual_file: IndividualFile) -> None:
        """Replace a stored individual file."""
        self.update_files([individual_file])

    def update_files(self, files: Sequence[IndividualFile]) -> None:
        """Replace stored individual files in one statement."""
        self._c.execute(_UPDATE_FILE, [_keyed(_file_values(f), "file_id") for f in files])

    def get_file(self, file_id: str) -> IndividualFile | None:
        """The file with this id, or None."""
        row = self._c.execute(_FILE, {"file_id": file_id}).first()
        return _file(row) if row else None

    def file_of_identity(self, cir_id: str) -> IndividualFile | None:
        """The EES file that refers to this CIR file, or None."""
        row = self._c.execute(_FILE_OF_IDENTITY, {"cir_id": cir_id}).first()
        return _file(row) if row else None

    def add_entry(self, record: EntryExitRecord) -> None:
        """Store a new entry/exit record."""
        self.add_entries([record])

    def add_entries(self, records: Sequence[EntryExitRecord]) -> None:
        """Store new entry/exit records in one statement."""
        self._c.execute(_INSERT_ENTRY, [_entry_values(r) for r in records])

    def update_entry(self, record: EntryExitRecord) -> None:
        """Replace a stored entry/exit record."""
        self.update_entries([record])

    def update_entries(self, records: Sequence[EntryExitRecord]) -> None:
        """Replace stored entry/exit records in one statement."""
        self._c.execute(_UPDATE_ENTRY, [_keyed(_entry_values(r), "record_id") for r in records])

    def get_entry(self, record_id: str) -> EntryExitRecord | None:
        """The entry/exit record with this id, or None."""
        row = self._c.execute(_ENTRY, {"record_id": record_id}).first()
        return _entry(row) if row else None

    def entries(self, file_id: str) -> list[EntryExitRecord]:
        """The file's entry/exit records, oldest first."""
        rows = self._c.execute(_ENTRIES, {"file_id": file_id})
        return [_entry(row) for row in rows]

    def add_refusal(self, record: RefusalRecord) -> None:
        """Store a refusal record."""
        self._c.execute(
            insert(refusal_records),
            {
                "record_id": record.record_id,
                "file_id": record.file_id,
                "refused_at": record.refused_at,
                "crossing_point": record.crossing_point,
                "reasons": "".join(record.reasons),
                "source": record.source.value,
            },
        )

    def get_refusal(self, record_id: str) -> RefusalRecord | None:
        """The refusal record with this id, or None."""
        row = self._c.execute(
            select(refusal_records).where(refusal_records.c.record_id == record_id)
        ).first()
        return _refusal(row) if row else None

    def refusals(self, file_id: str) -> list[RefusalRecord]:
        """The file's refusal records, oldest first."""
        rows = self._c.execute(_REFUSALS, {"file_id": file_id})
        return [_refusal(row) for row in rows]

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
        return [_entry(row) for row in rows]

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
        return [_entry(row) for row in rows]

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
        found = _crossing_point(row)
        self._cache.put(found)
        return found

    def put_crossing_point(self, crossing_point: CrossingPoint) -> None:
        """Create or replace a crossing point."""
        self._cache.forget(crossing_point.code)
        values = {
            "code": crossing_point.code,
            "name": crossing_point.name,
            "country": crossing_point.country,
            "border_type": crossing_point.border_type.value,
            "ees_active": crossing_point.ees_active,
            "biometrics_required": crossing_point.biometrics_required,
            "suspension": crossing_point.suspension.value,
            "suspension_reason": crossing_point.suspension_reason,
            "changed_at": crossing_point.changed_at,
            "changed_by": crossing_point.changed_by,
        }
        done = self._c.execute(
            update(crossing_points).where(crossing_points.c.code == crossing_point.code), values
        )
        if done.rowcount == 0:
            self._c.execute(insert(crossing_points), values)

    def crossing_points(self) -> list[CrossingPoint]:
        """Every crossing point."""
        rows = self._c.execute(select(crossing_points).order_by(crossing_points.c.code))
        return [_crossing_point(row) for row in rows]

    def log_access(self, entry: AccessLogEntry) -> None:
        """Append to the access log (EES Art 46)."""
        self.log_accesses([entry])

    def log_accesses(self, entries: Sequence[AccessLogEntry]) -> None:
        """Append to the access log (EES Art 46), in one statement."""
        self._c.execute(
            _INSERT_ACCESS,
            [
                {
                    "at": entry.at,
                    "user_id": entry.user_id,
                    "role": entry.role,
                    "authority": entry.authority,
                    "purpose": entry.purpose,
                    "operation": entry.operation,
                    "crossing_point": entry.crossing_point,
                    "query": json.dumps(entry.query, sort_keys=True),
                    "result_references": " ".join(entry.result_references),
                }
                for entry in entries
            ],
        )

    def access_log(self) -> list[AccessLogEntry]:
        """The access log, oldest first."""
        rows = self._c.execute(select(access_log).order_by(access_log.c.log_id))
        return [
            AccessLogEntry(
                at=row.at,
                user_id=row.user_id,
                role=row.role,
                authority=row.authority,
                purpose=row.purpose,
                operation=row.operation,
                crossing_point=row.crossing_point,
                query=json.loads(row.query),
                result_references=tuple(row.result_references.split()),
            )
            for row in rows
        ]

    def idempotent_outcome(self, key: str, user_id: str) -> IdempotentOutcome | None:
        """What a user's Idempotency-Key recorded before, or None."""
        row = self._c.execute(_OUTCOME, {"key": key, "user_id": user_id}).first()
        if row is None:
            return None
        return IdempotentOutcome(
            row.key, row.user_id, row.operation, row.request_digest, row.record_id, row.created_at
        )

    def remember_outcome(self, outcome: IdempotentOutcome) -> None:
        """Remember what an Idempotency-Key recorded."""
        self.remember_outcomes([outcome])

    def remember_outcomes(self, outcomes: Sequence[IdempotentOutcome]) -> None:
        """Remember what Idempotency-Keys recorded, in one statement."""
        self._c.execute(
            _INSERT_OUTCOME,
            [
                {
                    "key": outcome.key,
                    "user_id": outcome.user_id,
                    "operation": outcome.operation,
                    "request_digest": outcome.request_digest,
                    "record_id": outcome.record_id,
                    "created_at": outcome.created_at,
                }
                for outcome in outcomes
            ],
        )


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

    @property
    def engine(self) -> Engine:
        """The engine the store works on."""
        return self._engine

    def submit_writes(self, writes: Sequence[Write]) -> Future[None]:
        """Apply a decided crossing's writes durably, batched with other desks' crossings."""
        if self._committer is not None:
            return self._committer.submit(writes)
        done: Future[None] = Future()
        try:
            with self.unit_of_work(write=True) as uow:
                replay_writes(uow, writes)
        except DomainError as error:
            done.set_exception(error)
        else:
            done.set_result(None)
        return done

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
