"""In-memory EES storage for fast unit tests; a unit of work commits or rolls back whole."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from limes.ees.domain.models import CrossingPoint, EntryExitRecord, IndividualFile, RefusalRecord
from limes.ees.planning import apply_now
from limes.ees.ports import AccessLogEntry, EesUnitOfWork, IdempotentOutcome
from limes.interop.cir.adapters.memory import MemoryIdentityRepository


@dataclass
class _Tables:
    files: dict[str, IndividualFile] = field(default_factory=dict)
    entries: dict[str, EntryExitRecord] = field(default_factory=dict)
    refusals: dict[str, RefusalRecord] = field(default_factory=dict)
    crossing_points: dict[str, CrossingPoint] = field(default_factory=dict)
    access_log: list[AccessLogEntry] = field(default_factory=list)
    outcomes: dict[tuple[str, str], IdempotentOutcome] = field(default_factory=dict)


class MemoryEesRepository:
    """The EES repository over dictionaries."""

    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    def add_file(self, individual_file: IndividualFile) -> None:
        """Store a new individual file."""
        self._t.files[individual_file.file_id] = individual_file

    def update_file(self, individual_file: IndividualFile) -> None:
        """Replace a stored individual file."""
        self._t.files[individual_file.file_id] = individual_file

    def get_file(self, file_id: str) -> IndividualFile | None:
        """The file with this id, or None."""
        return self._t.files.get(file_id)

    def file_of_identity(self, cir_id: str) -> IndividualFile | None:
        """The EES file that refers to this CIR file, or None."""
        return next((f for f in self._t.files.values() if f.cir_id == cir_id), None)

    def add_entry(self, record: EntryExitRecord) -> None:
        """Store a new entry/exit record."""
        self._t.entries[record.record_id] = record

    def update_entry(self, record: EntryExitRecord) -> None:
        """Replace a stored entry/exit record."""
        self._t.entries[record.record_id] = record

    def get_entry(self, record_id: str) -> EntryExitRecord | None:
        """The entry/exit record with this id, or None."""
        return self._t.entries.get(record_id)

    def entries(self, file_id: str) -> list[EntryExitRecord]:
        """The file's entry/exit records, oldest first."""
        found = [r for r in self._t.entries.values() if r.file_id == file_id]
        return sorted(found, key=lambda r: r.entry_at)

    def add_refusal(self, record: RefusalRecord) -> None:
        """Store a refusal record."""
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
            if r.is_open and r.authorised_stay_until < day and r.overstay_from is None
        ]

    def overstays(self) -> list[EntryExitRecord]:
        """Every record flagged as an overstay and not rebutted."""
        found = [
            r
            for r in self._t.entries.values()
            if r.overstay_from is not None and r.rebuttal is None
        ]
        return sorted(found, key=lambda r: r.overstay_from or date.min)

    def file_ids(self) -> list[str]:
        """Every file id."""
        return sorted(self._t.files)

    def erase_entry(self, record_id: str) -> None:
        """Erase an entry/exit record."""
        self._t.entries.pop(record_id, None)

    def erase_refusal(self, record_id: str) -> None:
        """Erase a refusal record."""
        self._t.refusals.pop(record_id, None)

    def erase_file(self, file_id: str) -> None:
        """Erase a file and whatever records it still has."""
        self._t.files.pop(file_id, None)
        for table in (self._t.entries, self._t.refusals):
            for record_id in [k for k, r in table.items() if r.file_id == file_id]:
                del table[record_id]

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
        """Append to the access log."""
        self._t.access_log.append(entry)

    def access_log(self) -> list[AccessLogEntry]:
        """The access log, oldest first."""
        return list(self._t.access_log)

    def idempotent_outcome(self, key: str, user_id: str) -> IdempotentOutcome | None:
        """What a user's Idempotency-Key recorded before, or None."""
        return self._t.outcomes.get((key, user_id))

    def remember_outcome(self, outcome: IdempotentOutcome) -> None:
        """Remember what an Idempotency-Key recorded."""
        self._t.outcomes[(outcome.key, outcome.user_id)] = outcome


@dataclass
class MemoryUnitOfWork:
    """A unit of work over copies of the tables, swapped in on commit."""

    ees: MemoryEesRepository
    identities: MemoryIdentityRepository


class MemoryEesStore:
    """EES and CIR data in memory."""

    def __init__(self) -> None:
        self._tables = _Tables()
        self._identities = MemoryIdentityRepository()
        self._lock = threading.RLock()

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[EesUnitOfWork]:
        """Work on copies; commit them if no exception escapes."""
        with self._lock:
            tables = copy.deepcopy(self._tables)
            identities = copy.deepcopy(self._identities)
            yield MemoryUnitOfWork(MemoryEesRepository(tables), identities)
            if write:
                self._tables, self._identities = tables, identities

    def submit_writes(
        self, writes: Sequence[tuple[str, str, tuple[Any, ...], dict[str, Any]]]
    ) -> Future[None]:
        """Apply the kept writes of a decided crossing in one unit of work, at once."""
        return apply_now(self, writes)

    async def write_async(
        self, writes: Sequence[tuple[str, str, tuple[Any, ...], dict[str, Any]]]
    ) -> None:
        """Apply the kept writes at once."""
        self.submit_writes(writes).result()

    @property
    def reader(self) -> Executor | None:
        """Reads are in memory: decisions run where they are asked for."""
        return None

    def peek(self) -> MemoryUnitOfWork:
        """The committed state, for tests to inspect."""
        return MemoryUnitOfWork(MemoryEesRepository(self._tables), self._identities)
