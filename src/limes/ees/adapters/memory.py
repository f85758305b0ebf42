"""In-memory EES storage for fast unit tests; a unit of work commits or rolls back whole."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from limes.core.errors import Conflict, StaleWrite
from limes.ees.domain.corrections import (
    ErasureNotice,
    StayDecision,
    unattached_log_erasure_date,
)
from limes.ees.domain.models import CrossingPoint, EntryExitRecord, IndividualFile, RefusalRecord
from limes.ees.domain.rules import RetentionScan
from limes.ees.planning import apply_now
from limes.ees.ports import AccessLogEntry, EesUnitOfWork, IdempotentOutcome
from limes.ees.writes import Write
from limes.interop.cir.adapters.memory import MemoryIdentityRepository

T = TypeVar("T")


@dataclass
class _LogRow:
    """An access-log line with its id and the day it goes (EES Art 46(4)), as in SQL."""

    log_id: int
    entry: AccessLogEntry
    erase_on: date | None


@dataclass
class _Tables:
    files: dict[str, IndividualFile] = field(default_factory=dict)
    entries: dict[str, EntryExitRecord] = field(default_factory=dict)
    refusals: dict[str, RefusalRecord] = field(default_factory=dict)
    crossing_points: dict[str, CrossingPoint] = field(default_factory=dict)
    access_log: list[_LogRow] = field(default_factory=list)
    outcomes: dict[tuple[str, str], IdempotentOutcome] = field(default_factory=dict)
    stay_decisions: dict[str, StayDecision] = field(default_factory=dict)
    notices: dict[str, ErasureNotice] = field(default_factory=dict)
    last_log_id: int = 0


class MemoryEesRepository:
    """The EES repository over dictionaries."""

    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    def add_file(self, individual_file: IndividualFile) -> None:
        """Store a new individual file.

        Raises:
            Conflict: the file id, or the CIR file it refers to, is taken (as in SQL).
        """
        if individual_file.file_id in self._t.files:
            raise Conflict(f"the EES already holds a file {individual_file.file_id!r}")
        if any(f.cir_id == individual_file.cir_id for f in self._t.files.values()):
            raise Conflict(f"an EES file already refers to CIR file {individual_file.cir_id!r}")
        self._t.files[individual_file.file_id] = individual_file

    def update_file(self, individual_file: IndividualFile) -> None:
        """Replace a stored individual file if it is still at its version.

        Raises:
            StaleWrite: the file changed (or went) since it was read.
        """
        stored = self._t.files.get(individual_file.file_id)
        if stored is None or stored.version != individual_file.version:
            raise StaleWrite("The traveller's file was changed by someone else meanwhile.")
        self._t.files[individual_file.file_id] = replace(
            individual_file, version=individual_file.version + 1
        )

    def get_file(self, file_id: str) -> IndividualFile | None:
        """The file with this id, or None."""
        return self._t.files.get(file_id)

    def file_of_identity(self, cir_id: str) -> IndividualFile | None:
        """The EES file that refers to this CIR file, or None."""
        return next((f for f in self._t.files.values() if f.cir_id == cir_id), None)

    def add_entry(self, record: EntryExitRecord) -> None:
        """Store a new entry/exit record.

        Raises:
            Conflict: the id is taken, the file does not exist, or the file already has
                an open entry (one open entry per file, as SQL's partial unique index).
        """
        if record.record_id in self._t.entries:
            raise Conflict(f"the EES already holds a record {record.record_id!r}")
        self._require_file(record.file_id)
        self._one_open_entry(record)
        self._t.entries[record.record_id] = record

    def update_entry(self, record: EntryExitRecord) -> None:
        """Replace a stored entry/exit record if it is still at its version.

        Raises:
            StaleWrite: the record changed (or went) since it was read.
            Conflict: the file would have two open entries.
        """
        stored = self._t.entries.get(record.record_id)
        if stored is None or stored.version != record.version:
            raise StaleWrite("The entry/exit record was changed by someone else meanwhile.")
        self._one_open_entry(record)
        self._t.entries[record.record_id] = replace(record, version=record.version + 1)

    def _require_file(self, file_id: str) -> None:
        if file_id not in self._t.files:
            raise Conflict(f"no EES file {file_id!r} for the record to belong to")

    def _one_open_entry(self, record: EntryExitRecord) -> None:
        if not record.is_open:
            return
        for other in self._t.entries.values():
            if (
                other.file_id == record.file_id
                and other.is_open
                and other.record_id != (record.record_id)
            ):
                raise Conflict(f"file {record.file_id!r} already has an open entry")

    def get_entry(self, record_id: str) -> EntryExitRecord | None:
        """The entry/exit record with this id, or None."""
        return self._t.entries.get(record_id)

    def entries(self, file_id: str) -> list[EntryExitRecord]:
        """The file's entry/exit records, oldest first."""
        found = [r for r in self._t.entries.values() if r.file_id == file_id]
        return sorted(found, key=lambda r: r.entry_at)

    def add_refusal(self, record: RefusalRecord) -> None:
        """Store a refusal record.

        Raises:
            Conflict: the id is taken, or the file does not exist.
        """
        if record.record_id in self._t.refusals:
            raise Conflict(f"the EES already holds a refusal {record.record_id!r}")
        self._require_file(record.file_id)
        self._t.refusals[record.record_id] = record

    def get_refusal(self, record_id: str) -> RefusalRecord | None:
        """The refusal record with this id, or None."""
        return self._t.refusals.get(record_id)

    def refusals(self, file_id: str) -> list[RefusalRecord]:
        """The file's refusal records, oldest first."""
        found = [r for r in self._t.refusals.values() if r.file_id == file_id]
        return sorted(found, key=lambda r: r.refused_at)

    def open_entries_ended_before(self, day: date) -> list[EntryExitRecord]:
        """Open records whose authorised stay ended before `day`, not flagged yet."""
        return [
            r
            for r in self._t.entries.values()
            if r.is_open
            and r.authorised_stay_until < day
            and r.overstay_from is None
            and not r.family_member  # EES Art 12 does not apply to family members
        ]

    def overstays(self) -> list[EntryExitRecord]:
        """Every record flagged as an overstay and not rebutted."""
        found = [
            r
            for r in self._t.entries.values()
            if r.overstay_from is not None and r.rebuttal is None
        ]
        return sorted(found, key=lambda r: r.overstay_from or date.min)

    def entries_for_review(self) -> list[EntryExitRecord]:
        """Every record from the fall-back flagged for review (EES Art 21), oldest first."""
        found = [r for r in self._t.entries.values() if r.review_reason is not None]
        return sorted(found, key=lambda r: r.entry_at)

    def file_ids(self) -> list[str]:
        """Every file id."""
        return sorted(self._t.files)

    def files_due_for_retention(self, scan: RetentionScan) -> list[str]:
        """The ids of files that may have a retention step due (EES Art 34)."""
        due = {
            r.file_id
            for r in self._t.entries.values()
            if (r.exit_at is not None and r.exit_at.date() < scan.exited_before)
            or (
                r.family_member
                and r.exit_at is not None
                and r.exit_at.date() < scan.family_member_exited_before
            )
            or (
                r.exit_at is None
                and r.authorised_stay_until < scan.stay_ended_before
                and (
                    r.erasure_notice_on is None
                    or r.authorised_stay_until < scan.noticed_stay_ended_before
                )
            )
        }
        due.update(
            r.file_id
            for r in self._t.refusals.values()
            if r.refused_at.date() < scan.refused_before
        )
        due.update(
            f.file_id
            for f in self._t.files.values()
            if f.last_exit_or_refusal is not None
            and (
                f.last_exit_or_refusal < scan.last_exit_before
                or (f.family_member and f.last_exit_or_refusal < scan.family_member_exited_before)
            )
        )
        return sorted(due)

    def erase_entry(self, record_id: str) -> None:
        """Erase an entry/exit record, its stay decisions and notices (as SQL)."""
        self._t.entries.pop(record_id, None)
        for table in (self._t.stay_decisions, self._t.notices):
            for key in [k for k, r in table.items() if r.record_id == record_id]:
                del table[key]

    def erase_refusal(self, record_id: str) -> None:
        """Erase a refusal record."""
        self._t.refusals.pop(record_id, None)

    def erase_file(self, file_id: str) -> None:
        """Erase a file and whatever records it still has."""
        self._t.files.pop(file_id, None)
        tables: tuple[dict[str, Any], ...] = (
            self._t.entries,
            self._t.refusals,
            self._t.stay_decisions,
            self._t.notices,
        )
        for table in tables:
            for key in [k for k, r in table.items() if r.file_id == file_id]:
                del table[key]

    def crossing_point(self, code: str) -> CrossingPoint | None:
        """The crossing point with this code, or None."""
        return self._t.crossing_points.get(code)

    def put_crossing_point(self, crossing_point: CrossingPoint) -> None:
        """Create or replace a crossing point."""
        self._t.crossing_points[crossing_point.code] = crossing_point

    def crossing_points(self) -> list[CrossingPoint]:
        """Every crossing point."""
        return sorted(self._t.crossing_points.values(), key=lambda c: c.code)

    def log_access(self, entry: AccessLogEntry) -> None:
        """Append to the access log; a log naming no single file has its erasure day now."""
        self._t.last_log_id += 1
        erase_on = None if entry.subject else unattached_log_erasure_date(entry.at.date())
        self._t.access_log.append(_LogRow(self._t.last_log_id, entry, erase_on))

    def access_log(self) -> list[AccessLogEntry]:
        """The access log, oldest first."""
        return [row.entry for row in self._t.access_log]

    def idempotent_outcome(self, key: str, user_id: str) -> IdempotentOutcome | None:
        """What a user's Idempotency-Key recorded before, or None."""
        return self._t.outcomes.get((key, user_id))

    def remember_outcome(self, outcome: IdempotentOutcome) -> None:
        """Remember what an Idempotency-Key recorded.

        Raises:
            Conflict: the user already used the key (one use per key and user, as in SQL).
        """
        if (outcome.key, outcome.user_id) in self._t.outcomes:
            raise Conflict(f"the Idempotency-Key {outcome.key!r} was already used")
        self._t.outcomes[(outcome.key, outcome.user_id)] = outcome

    def add_stay_decision(self, decision: StayDecision) -> None:
        """Store a decision on an authorised stay.

        Raises:
            Conflict: the id is taken, or the record does not exist (as in SQL).
        """
        if decision.decision_id in self._t.stay_decisions:
            raise Conflict(f"the EES already holds a decision {decision.decision_id!r}")
        if decision.record_id not in self._t.entries:
            raise Conflict(f"no entry/exit record {decision.record_id!r} for the decision")
        self._t.stay_decisions[decision.decision_id] = decision

    def stay_decisions(self, file_id: str) -> list[StayDecision]:
        """The decisions on the file's authorised stays, oldest first."""
        found = [d for d in self._t.stay_decisions.values() if d.file_id == file_id]
        return sorted(found, key=lambda d: d.recorded_at)

    def add_notice(self, notice: ErasureNotice) -> None:
        """Put a notice in the outbox.

        Raises:
            Conflict: the id is taken, or the file does not exist (as in SQL).
        """
        if notice.notice_id in self._t.notices:
            raise Conflict(f"the EES already holds a notice {notice.notice_id!r}")
        self._require_file(notice.file_id)
        self._t.notices[notice.notice_id] = notice

    def notices(self, member_state: str | None, pending_only: bool) -> list[ErasureNotice]:
        """The outbox of one Member State (None: every one), oldest first."""
        found = [
            n
            for n in self._t.notices.values()
            if (member_state is None or n.member_state == member_state)
            and not (pending_only and n.acknowledged_at is not None)
        ]
        return sorted(found, key=lambda n: (n.created_at, n.notice_id))

    def get_notice(self, notice_id: str) -> ErasureNotice | None:
        """The notice with this id, or None."""
        return self._t.notices.get(notice_id)

    def acknowledge_notice(self, notice_id: str, at: datetime, by: str) -> None:
        """Mark a notice as read, once: a later acknowledgement keeps the first."""
        notice = self._t.notices.get(notice_id)
        if notice is not None and notice.acknowledged_at is None:
            self._t.notices[notice_id] = replace(notice, acknowledged_at=at, acknowledged_by=by)

    def schedule_log_erasure(self, file_id: str, on: date) -> None:
        """Set the day the logs of an erased file go."""
        for row in self._t.access_log:
            if row.entry.subject == file_id:
                row.erase_on = on

    def logs_due_for_erasure(self, today: date, limit: int) -> list[int]:
        """Up to `limit` ids of logs whose erasure day has come, oldest first."""
        due = [
            r.log_id for r in self._t.access_log if r.erase_on is not None and r.erase_on <= today
        ]
        return due[:limit]

    def erase_logs(self, log_ids: Sequence[int]) -> None:
        """Erase these logs."""
        gone = set(log_ids)
        self._t.access_log = [r for r in self._t.access_log if r.log_id not in gone]


@dataclass
class MemoryUnitOfWork:
    """A unit of work over copies of the tables, swapped in on commit."""

    ees: MemoryEesRepository
    identities: MemoryIdentityRepository


class MemoryEesStore:
    """EES and CIR data in memory, with the constraints and versions of the SQL stores."""

    def __init__(self) -> None:
        self._tables = _Tables()
        self._identities = MemoryIdentityRepository()
        self._lock = threading.RLock()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="ees-memory-writer")

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[EesUnitOfWork]:
        """Work on copies; a write commits them if no exception escapes.

        A write holds the store's lock throughout, as a database's writer lock; a read
        works on a snapshot taken under it and lets others write meanwhile.
        """
        if not write:
            with self._lock:
                tables = copy.deepcopy(self._tables)
                identities = copy.deepcopy(self._identities)
            yield MemoryUnitOfWork(MemoryEesRepository(tables), identities)
            return
        with self._lock:
            tables = copy.deepcopy(self._tables)
            identities = copy.deepcopy(self._identities)
            yield MemoryUnitOfWork(MemoryEesRepository(tables), identities)
            self._tables, self._identities = tables, identities

    def submit_writes(self, writes: Sequence[Write]) -> Future[None]:
        """Apply the kept writes of a decided crossing in one unit of work, on a thread."""
        return self._writer.submit(apply_now, self, writes)

    def submit_decision(self, decide: Callable[[], tuple[T, Sequence[Write]]]) -> Future[T]:
        """Take a decision and apply its writes, on the store's writing thread."""

        def decide_and_write() -> T:
            outcome, writes = decide()
            if writes:
                apply_now(self, writes)
            return outcome

        return self._writer.submit(decide_and_write)

    def close(self) -> None:
        """Stop the store's threads."""
        self._writer.shutdown(wait=True)

    def peek(self) -> MemoryUnitOfWork:
        """The committed state, for tests to inspect."""
        return MemoryUnitOfWork(MemoryEesRepository(self._tables), self._identities)
