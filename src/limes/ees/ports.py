"""What the EES service needs: storage, the CIR, biometric verification."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from limes.biometrics.templates import BiometricTemplate
from limes.ees.domain.corrections import ErasureNotice, StayDecision
from limes.ees.domain.models import (
    CrossingPoint,
    EntryExitRecord,
    IndividualFile,
    RefusalRecord,
)
from limes.ees.domain.rules import RetentionScan
from limes.interop.cir.ports import IdentityRepository

if TYPE_CHECKING:
    from limes.ees.writes import Write

T = TypeVar("T")

# The ids the EES gives individual files (`new_id("F")`): how a log names its file.
_FILE_ID = re.compile(r"F[0-9a-f]{20}")


@dataclass(frozen=True, slots=True)
class AccessLogEntry:
    """One read or write of personal data (EES Art 46): who, why, with what, on what."""

    at: datetime
    user_id: str
    role: str
    authority: str
    purpose: str
    operation: str
    crossing_point: str | None
    query: dict[str, str]
    result_references: tuple[str, ...]

    @property
    def subject(self) -> str | None:
        """The one individual file the operation concerned, if it names one (Art 46(4))."""
        files = {r for r in self.result_references if _FILE_ID.fullmatch(r)}
        return files.pop() if len(files) == 1 else None


@dataclass(frozen=True, slots=True)
class IdempotentOutcome:
    """What an Idempotency-Key recorded: the request's digest and the record it made."""

    key: str
    user_id: str
    operation: str
    request_digest: str
    record_id: str
    created_at: datetime


class EesRepository(Protocol):
    """EES files, records, crossing points and logs, within a unit of work."""

    def add_file(self, individual_file: IndividualFile) -> None:
        """Store a new individual file."""
        ...

    def update_file(self, individual_file: IndividualFile) -> None:
        """Replace a stored individual file."""
        ...

    def get_file(self, file_id: str) -> IndividualFile | None:
        """The file with this id, or None."""
        ...

    def file_of_identity(self, cir_id: str) -> IndividualFile | None:
        """The EES file that refers to this CIR file, or None."""
        ...

    def add_entry(self, record: EntryExitRecord) -> None:
        """Store a new entry/exit record."""
        ...

    def update_entry(self, record: EntryExitRecord) -> None:
        """Replace a stored entry/exit record."""
        ...

    def get_entry(self, record_id: str) -> EntryExitRecord | None:
        """The entry/exit record with this id, or None."""
        ...

    def entries(self, file_id: str) -> list[EntryExitRecord]:
        """The file's entry/exit records, oldest first."""
        ...

    def add_refusal(self, record: RefusalRecord) -> None:
        """Store a refusal record."""
        ...

    def get_refusal(self, record_id: str) -> RefusalRecord | None:
        """The refusal record with this id, or None."""
        ...

    def refusals(self, file_id: str) -> list[RefusalRecord]:
        """The file's refusal records, oldest first."""
        ...

    def open_entries_ended_before(self, day: date) -> list[EntryExitRecord]:
        """Open records whose authorised stay ended before `day` and are not flagged yet."""
        ...

    def overstays(self) -> list[EntryExitRecord]:
        """Every record flagged as an overstay and not rebutted."""
        ...

    def entries_for_review(self) -> list[EntryExitRecord]:
        """Every record from the fall-back flagged for review (EES Art 21), oldest first."""
        ...

    def file_ids(self) -> list[str]:
        """Every file id."""
        ...

    def files_due_for_retention(self, scan: RetentionScan) -> list[str]:
        """The ids of files that may have a retention step due, by index (EES Art 34)."""
        ...

    def erase_entry(self, record_id: str) -> None:
        """Erase an entry/exit record."""
        ...

    def erase_refusal(self, record_id: str) -> None:
        """Erase a refusal record."""
        ...

    def erase_file(self, file_id: str) -> None:
        """Erase a file and whatever records it still has."""
        ...

    def crossing_point(self, code: str) -> CrossingPoint | None:
        """The crossing point with this code, or None."""
        ...

    def put_crossing_point(self, crossing_point: CrossingPoint) -> None:
        """Create or replace a crossing point."""
        ...

    def crossing_points(self) -> list[CrossingPoint]:
        """Every crossing point."""
        ...

    def log_access(self, entry: AccessLogEntry) -> None:
        """Append to the access log (EES Art 46)."""
        ...

    def idempotent_outcome(self, key: str, user_id: str) -> IdempotentOutcome | None:
        """What a user's Idempotency-Key recorded before, or None."""
        ...

    def remember_outcome(self, outcome: IdempotentOutcome) -> None:
        """Remember what an Idempotency-Key recorded."""
        ...

    def add_stay_decision(self, decision: StayDecision) -> None:
        """Store a decision on an authorised stay (EES Art 19)."""
        ...

    def stay_decisions(self, file_id: str) -> list[StayDecision]:
        """The decisions on the file's authorised stays, oldest first."""
        ...

    def add_notice(self, notice: ErasureNotice) -> None:
        """Put a notice to a Member State in the outbox (EES Art 34)."""
        ...

    def notices(self, member_state: str | None, pending_only: bool) -> list[ErasureNotice]:
        """The outbox of one Member State (None: every one), oldest first."""
        ...

    def get_notice(self, notice_id: str) -> ErasureNotice | None:
        """The notice with this id, or None."""
        ...

    def acknowledge_notice(self, notice_id: str, at: datetime, by: str) -> None:
        """Mark a notice as read by the Member State it is addressed to."""
        ...

    def schedule_log_erasure(self, file_id: str, on: date) -> None:
        """Set the day the logs of an erased file go (EES Art 46(4))."""
        ...

    def logs_due_for_erasure(self, today: date, limit: int) -> list[int]:
        """Up to `limit` ids of logs whose erasure day has come (EES Art 46(4))."""
        ...

    def erase_logs(self, log_ids: Sequence[int]) -> None:
        """Erase these logs."""
        ...


class EesUnitOfWork(Protocol):
    """One transaction over the EES tables and the CIR."""

    @property
    def ees(self) -> EesRepository:
        """The EES tables."""
        ...

    @property
    def identities(self) -> IdentityRepository:
        """The CIR, source system EES."""
        ...


class EesStore(Protocol):
    """Where the EES keeps its data; each unit of work commits or rolls back whole."""

    def unit_of_work(self, *, write: bool) -> AbstractContextManager[EesUnitOfWork]:
        """Open a unit of work; `write` asks for the store's write lock up front."""
        ...

    def submit_writes(self, writes: Sequence[Write]) -> Future[None]:
        """Apply the kept writes of a decided crossing (see `limes.ees.planning`) durably.

        Returns at once, on any thread (an event loop's too); the future is done once
        the writes are on disk, or holds the error they met.
        """
        ...

    def submit_decision(self, decide: Callable[[], tuple[T, Sequence[Write]]]) -> Future[T]:
        """Take a decision (a snapshot's outcome and writes) and apply its writes durably.

        Returns at once, on any thread; the decision is taken on a thread of the store,
        and the future holds its outcome once the writes are on disk, or its error.
        """
        ...

    def close(self) -> None:
        """Commit what is queued and stop the store's threads."""
        ...


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    """A 1:1 comparison of captured against stored biometrics."""

    matched: bool | None  # None: nothing could be compared
    explanation: str


class BiometricVerifier(Protocol):
    """1:1 verification of a traveller against the biometrics of their file (EES Art 23)."""

    def verify(
        self, captured: Sequence[BiometricTemplate], stored: Sequence[BiometricTemplate]
    ) -> VerificationOutcome:
        """Compare what was captured at the desk with what the file holds."""
        ...


@dataclass(frozen=True, slots=True)
class BiometricIdentification:
    """An EES file whose biometrics match the captured ones, 1:N then 1:1 (EES Art 27)."""

    cir_id: str
    explanation: str


class BiometricIdentifier(Protocol):
    """Identification 1:N in the EES's files through the sBMS (EES Art 27)."""

    @property
    def ready(self) -> bool:
        """False while the 1:N index is being loaded at start-up: a search would wait."""
        ...

    def identify(
        self, identities: IdentityRepository, probes: Sequence[BiometricTemplate]
    ) -> list[BiometricIdentification]:
        """The EES files whose face or fingerprints match the probes, best first."""
        ...
