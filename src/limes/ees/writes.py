"""What a border decision writes, as typed commands, and the unit of work that keeps them.

A crossing is decided on a read-only snapshot; the writes it makes are kept as a list
of these commands and applied afterwards, in a short write transaction, by the
store's group committer. Each kind of write is a class of its own: a write that the
planned unit of work does not know cannot be made at all (the planned repositories
implement their ports method by method, and the type checker holds them to it), so
no write can slip through to the read snapshot.

Updates carry the version of what they replace (`IndividualFile.version`,
`EntryExitRecord.version`): the store refuses a stale one (`StaleWrite`), and the
decision is then taken again on fresh data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from limes.ees.domain.corrections import ErasureNotice, StayDecision
from limes.ees.domain.models import CrossingPoint, EntryExitRecord, IndividualFile, RefusalRecord
from limes.ees.domain.rules import RetentionScan
from limes.ees.ports import AccessLogEntry, EesRepository, EesUnitOfWork, IdempotentOutcome
from limes.interop.cir.models import (
    BiometricTemplate,
    HeldTemplate,
    IdentityChange,
    IdentityData,
    IdentityFile,
    Modality,
    SourceSystem,
    TravelDocument,
)
from limes.interop.cir.ports import IdentityRepository

__all__ = [
    "AcknowledgeNotice",
    "AddEntry",
    "AddFile",
    "AddIdentity",
    "AddNotice",
    "AddRefusal",
    "AddStayDecision",
    "EraseEntry",
    "EraseFile",
    "EraseIdentity",
    "EraseLogs",
    "EraseRefusal",
    "LogAccess",
    "PlannedUnitOfWork",
    "PutCrossingPoint",
    "PutTemplates",
    "RememberOutcome",
    "ScheduleLogErasure",
    "UpdateEntry",
    "UpdateFile",
    "UpdateIdentity",
    "Write",
    "apply_writes",
]


@dataclass(frozen=True, slots=True)
class AddFile:
    """Store a new individual file."""

    individual_file: IndividualFile

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.add_file(self.individual_file)


@dataclass(frozen=True, slots=True)
class UpdateFile:
    """Replace an individual file, if it is still at the version it was read at."""

    individual_file: IndividualFile

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.update_file(self.individual_file)


@dataclass(frozen=True, slots=True)
class AddEntry:
    """Store a new entry/exit record."""

    record: EntryExitRecord

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.add_entry(self.record)


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    """Replace an entry/exit record, if it is still at the version it was read at."""

    record: EntryExitRecord

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.update_entry(self.record)


@dataclass(frozen=True, slots=True)
class AddRefusal:
    """Store a refusal record."""

    record: RefusalRecord

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.add_refusal(self.record)


@dataclass(frozen=True, slots=True)
class EraseEntry:
    """Erase an entry/exit record."""

    record_id: str

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.erase_entry(self.record_id)


@dataclass(frozen=True, slots=True)
class EraseRefusal:
    """Erase a refusal record."""

    record_id: str

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.erase_refusal(self.record_id)


@dataclass(frozen=True, slots=True)
class EraseFile:
    """Erase an individual file and its records."""

    file_id: str

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.erase_file(self.file_id)


@dataclass(frozen=True, slots=True)
class PutCrossingPoint:
    """Create or replace a crossing point."""

    crossing_point: CrossingPoint

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.put_crossing_point(self.crossing_point)


@dataclass(frozen=True, slots=True)
class LogAccess:
    """Append to the access log (EES Art 46)."""

    entry: AccessLogEntry

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.log_access(self.entry)


@dataclass(frozen=True, slots=True)
class RememberOutcome:
    """Remember what an Idempotency-Key recorded."""

    outcome: IdempotentOutcome

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.remember_outcome(self.outcome)


@dataclass(frozen=True, slots=True)
class AddIdentity:
    """Store a new CIR identity file with its templates."""

    identity_file: IdentityFile
    templates: tuple[BiometricTemplate, ...]

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.identities.add(self.identity_file, self.templates)


@dataclass(frozen=True, slots=True)
class UpdateIdentity:
    """Replace the identity data and documents of a CIR file."""

    cir_id: str
    identity: IdentityData
    documents: tuple[TravelDocument, ...]
    at: datetime
    member_state: str | None

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.identities.update(
            self.cir_id, self.identity, self.documents, self.at, self.member_state
        )


@dataclass(frozen=True, slots=True)
class PutTemplates:
    """Add templates to a CIR file, replacing those of the same modality."""

    cir_id: str
    templates: tuple[BiometricTemplate, ...]
    at: datetime
    member_state: str | None

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.identities.put_templates(self.cir_id, self.templates, self.at, self.member_state)


@dataclass(frozen=True, slots=True)
class EraseIdentity:
    """Erase a CIR file."""

    cir_id: str
    at: datetime

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.identities.erase(self.cir_id, self.at)


@dataclass(frozen=True, slots=True)
class AddStayDecision:
    """Store a decision on an authorised stay (EES Art 19)."""

    decision: StayDecision

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.add_stay_decision(self.decision)


@dataclass(frozen=True, slots=True)
class AddNotice:
    """Put a notice to a Member State in the outbox (EES Art 34)."""

    notice: ErasureNotice

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.add_notice(self.notice)


@dataclass(frozen=True, slots=True)
class AcknowledgeNotice:
    """Mark a notice as read by the Member State it is addressed to."""

    notice_id: str
    at: datetime
    by: str

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.acknowledge_notice(self.notice_id, self.at, self.by)


@dataclass(frozen=True, slots=True)
class ScheduleLogErasure:
    """Set the day the logs of an erased file go (EES Art 46(4))."""

    file_id: str
    on: date

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.schedule_log_erasure(self.file_id, self.on)


@dataclass(frozen=True, slots=True)
class EraseLogs:
    """Erase logs whose day has come (EES Art 46(4))."""

    log_ids: tuple[int, ...]

    def apply(self, uow: EesUnitOfWork) -> None:
        """Apply on an open write unit of work."""
        uow.ees.erase_logs(self.log_ids)


Write = (
    AddFile
    | UpdateFile
    | AddEntry
    | UpdateEntry
    | AddRefusal
    | EraseEntry
    | EraseRefusal
    | EraseFile
    | PutCrossingPoint
    | LogAccess
    | RememberOutcome
    | AddIdentity
    | UpdateIdentity
    | PutTemplates
    | EraseIdentity
    | AddStayDecision
    | AddNotice
    | AcknowledgeNotice
    | ScheduleLogErasure
    | EraseLogs
)


def apply_writes(uow: EesUnitOfWork, writes: Sequence[Write]) -> None:
    """Apply kept writes, in order, on an open write unit of work."""
    for write in writes:
        write.apply(uow)


class _Kept:
    """The writes of one decision, with updates of one row folded into one command."""

    def __init__(self) -> None:
        self.writes: list[Write] = []

    def add(self, write: Write) -> None:
        self.writes.append(write)

    def file(self, individual_file: IndividualFile) -> None:
        """An update of a file; folded into this decision's earlier write of it, if any."""
        for number, earlier in enumerate(self.writes):
            if isinstance(earlier, AddFile | UpdateFile) and (
                earlier.individual_file.file_id == individual_file.file_id
            ):
                # The row is still at the version of the earlier write's copy.
                folded = replace(individual_file, version=earlier.individual_file.version)
                self.writes[number] = replace(earlier, individual_file=folded)
                return
        self.writes.append(UpdateFile(individual_file))

    def entry(self, record: EntryExitRecord) -> None:
        """An update of a record; folded into this decision's earlier write of it, if any."""
        for number, earlier in enumerate(self.writes):
            if isinstance(earlier, AddEntry | UpdateEntry) and (
                earlier.record.record_id == record.record_id
            ):
                folded = replace(record, version=earlier.record.version)
                self.writes[number] = replace(earlier, record=folded)
                return
        self.writes.append(UpdateEntry(record))


class _PlannedEes:
    """The EES tables of a planned unit of work: reads from the snapshot, writes kept."""

    def __init__(self, snapshot: EesRepository, kept: _Kept) -> None:
        self._snapshot = snapshot
        self._kept = kept

    def add_file(self, individual_file: IndividualFile) -> None:
        """Keep a new individual file."""
        self._kept.add(AddFile(individual_file))

    def update_file(self, individual_file: IndividualFile) -> None:
        """Keep an update of an individual file."""
        self._kept.file(individual_file)

    def get_file(self, file_id: str) -> IndividualFile | None:
        """The file with this id in the snapshot, or None."""
        return self._snapshot.get_file(file_id)

    def file_of_identity(self, cir_id: str) -> IndividualFile | None:
        """The EES file that refers to this CIR file in the snapshot, or None."""
        return self._snapshot.file_of_identity(cir_id)

    def add_entry(self, record: EntryExitRecord) -> None:
        """Keep a new entry/exit record."""
        self._kept.add(AddEntry(record))

    def update_entry(self, record: EntryExitRecord) -> None:
        """Keep an update of an entry/exit record."""
        self._kept.entry(record)

    def get_entry(self, record_id: str) -> EntryExitRecord | None:
        """The entry/exit record with this id in the snapshot, or None."""
        return self._snapshot.get_entry(record_id)

    def entries(self, file_id: str) -> list[EntryExitRecord]:
        """The file's entry/exit records in the snapshot, oldest first."""
        return self._snapshot.entries(file_id)

    def add_refusal(self, record: RefusalRecord) -> None:
        """Keep a refusal record."""
        self._kept.add(AddRefusal(record))

    def get_refusal(self, record_id: str) -> RefusalRecord | None:
        """The refusal record with this id in the snapshot, or None."""
        return self._snapshot.get_refusal(record_id)

    def refusals(self, file_id: str) -> list[RefusalRecord]:
        """The file's refusal records in the snapshot, oldest first."""
        return self._snapshot.refusals(file_id)

    def open_entries_ended_before(self, day: date) -> list[EntryExitRecord]:
        """Open records whose authorised stay ended before `day`, not flagged yet."""
        return self._snapshot.open_entries_ended_before(day)

    def overstays(self) -> list[EntryExitRecord]:
        """Every record flagged as an overstay and not rebutted, in the snapshot."""
        return self._snapshot.overstays()

    def entries_for_review(self) -> list[EntryExitRecord]:
        """Every record from the fall-back flagged for review, in the snapshot."""
        return self._snapshot.entries_for_review()

    def file_ids(self) -> list[str]:
        """Every file id in the snapshot."""
        return self._snapshot.file_ids()

    def files_due_for_retention(self, scan: RetentionScan) -> list[str]:
        """The files that may have a retention step due, in the snapshot."""
        return self._snapshot.files_due_for_retention(scan)

    def erase_entry(self, record_id: str) -> None:
        """Keep the erasure of an entry/exit record."""
        self._kept.add(EraseEntry(record_id))

    def erase_refusal(self, record_id: str) -> None:
        """Keep the erasure of a refusal record."""
        self._kept.add(EraseRefusal(record_id))

    def erase_file(self, file_id: str) -> None:
        """Keep the erasure of a file."""
        self._kept.add(EraseFile(file_id))

    def crossing_point(self, code: str) -> CrossingPoint | None:
        """The crossing point with this code, or None."""
        return self._snapshot.crossing_point(code)

    def put_crossing_point(self, crossing_point: CrossingPoint) -> None:
        """Keep a crossing point's creation or change."""
        self._kept.add(PutCrossingPoint(crossing_point))

    def crossing_points(self) -> list[CrossingPoint]:
        """Every crossing point."""
        return self._snapshot.crossing_points()

    def log_access(self, entry: AccessLogEntry) -> None:
        """Keep an access-log entry (EES Art 46)."""
        self._kept.add(LogAccess(entry))

    def idempotent_outcome(self, key: str, user_id: str) -> IdempotentOutcome | None:
        """What a user's Idempotency-Key recorded before, in the snapshot."""
        return self._snapshot.idempotent_outcome(key, user_id)

    def remember_outcome(self, outcome: IdempotentOutcome) -> None:
        """Keep what an Idempotency-Key recorded."""
        self._kept.add(RememberOutcome(outcome))

    def add_stay_decision(self, decision: StayDecision) -> None:
        """Keep a decision on an authorised stay (EES Art 19)."""
        self._kept.add(AddStayDecision(decision))

    def stay_decisions(self, file_id: str) -> list[StayDecision]:
        """The decisions on the file's authorised stays in the snapshot."""
        return self._snapshot.stay_decisions(file_id)

    def add_notice(self, notice: ErasureNotice) -> None:
        """Keep a notice to a Member State (EES Art 34)."""
        self._kept.add(AddNotice(notice))

    def notices(self, member_state: str | None, pending_only: bool) -> list[ErasureNotice]:
        """A Member State's outbox in the snapshot."""
        return self._snapshot.notices(member_state, pending_only)

    def get_notice(self, notice_id: str) -> ErasureNotice | None:
        """The notice with this id in the snapshot, or None."""
        return self._snapshot.get_notice(notice_id)

    def acknowledge_notice(self, notice_id: str, at: datetime, by: str) -> None:
        """Keep the acknowledgement of a notice."""
        self._kept.add(AcknowledgeNotice(notice_id, at, by))

    def schedule_log_erasure(self, file_id: str, on: date) -> None:
        """Keep the day the logs of an erased file go (EES Art 46(4))."""
        self._kept.add(ScheduleLogErasure(file_id, on))

    def logs_due_for_erasure(self, today: date, limit: int) -> list[int]:
        """Logs whose erasure day has come, in the snapshot."""
        return self._snapshot.logs_due_for_erasure(today, limit)

    def erase_logs(self, log_ids: Sequence[int]) -> None:
        """Keep the erasure of logs."""
        self._kept.add(EraseLogs(tuple(log_ids)))


class _PlannedIdentities:
    """The CIR of a planned unit of work: reads from the snapshot, writes kept."""

    def __init__(self, snapshot: IdentityRepository, kept: _Kept) -> None:
        self._snapshot = snapshot
        self._kept = kept

    def add(self, identity_file: IdentityFile, templates: Sequence[BiometricTemplate]) -> None:
        """Keep a new identity file."""
        self._kept.add(AddIdentity(identity_file, tuple(templates)))

    def get(self, cir_id: str) -> IdentityFile | None:
        """The file with this id in the snapshot, or None."""
        return self._snapshot.get(cir_id)

    def find_by_document(
        self, system: SourceSystem, number: str, issuing_state: str
    ) -> IdentityFile | None:
        """The system's file holding this travel document in the snapshot, or None."""
        return self._snapshot.find_by_document(system, number, issuing_state)

    def files_by_identity(
        self, system: SourceSystem, identity: IdentityData, limit: int
    ) -> list[IdentityFile]:
        """The system's files sharing an identity key with `identity`, in the snapshot."""
        return self._snapshot.files_by_identity(system, identity, limit)

    def update(
        self,
        cir_id: str,
        identity: IdentityData,
        documents: Sequence[TravelDocument],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Keep an update of a file's identity data and documents."""
        self._kept.add(UpdateIdentity(cir_id, identity, tuple(documents), at, member_state))

    def templates(
        self, cir_id: str, modalities: Sequence[Modality] | None = None
    ) -> list[BiometricTemplate]:
        """The file's templates in the snapshot."""
        return self._snapshot.templates(cir_id, modalities)

    def put_templates(
        self,
        cir_id: str,
        templates: Sequence[BiometricTemplate],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Keep new templates of a file."""
        self._kept.add(PutTemplates(cir_id, tuple(templates), at, member_state))

    def erase(self, cir_id: str, at: datetime) -> bool:
        """Keep a file's erasure; whether the snapshot holds it."""
        self._kept.add(EraseIdentity(cir_id, at))
        return self._snapshot.get(cir_id) is not None

    def changes_after(self, seq: int, limit: int) -> list[IdentityChange]:
        """Changes in the snapshot after `seq`."""
        return self._snapshot.changes_after(seq, limit)

    def last_change(self) -> int:
        """The latest change in the snapshot."""
        return self._snapshot.last_change()

    def count_changes_after(self, seq: int) -> int:
        """How many changes follow `seq` in the snapshot."""
        return self._snapshot.count_changes_after(seq)

    def changed_after(self, cir_id: str, seq: int) -> bool:
        """Whether a change to this file follows `seq` in the snapshot."""
        return self._snapshot.changed_after(cir_id, seq)

    def files_of_document(self, number: str, issuing_state: str) -> list[IdentityFile]:
        """Every system's file holding this travel document, in the snapshot."""
        return self._snapshot.files_of_document(number, issuing_state)

    def all_templates(self, modality: Modality) -> list[HeldTemplate]:
        """Every template of this modality in the snapshot."""
        return self._snapshot.all_templates(modality)


class PlannedUnitOfWork:
    """A unit of work whose reads see a snapshot and whose writes are kept as commands."""

    def __init__(self, snapshot: EesUnitOfWork) -> None:
        self._kept = _Kept()
        self._ees: EesRepository = _PlannedEes(snapshot.ees, self._kept)
        self._identities: IdentityRepository = _PlannedIdentities(snapshot.identities, self._kept)

    @property
    def writes(self) -> list[Write]:
        """The writes kept so far, in order."""
        return self._kept.writes

    @property
    def ees(self) -> EesRepository:
        """The EES tables: reads now, writes later."""
        return self._ees

    @property
    def identities(self) -> IdentityRepository:
        """The CIR: reads now, writes later."""
        return self._identities
