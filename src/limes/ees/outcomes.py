"""What the EES border check hands back: who asked, what was seen, what was recorded."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from limes.core.documents import MrzReading
from limes.ees.domain.assessment import StayAssessment
from limes.ees.domain.identification import FileCandidate
from limes.ees.domain.models import (
    CrossingPoint,
    Direction,
    EntryExitRecord,
    IndividualFile,
    RefusalRecord,
)
from limes.ees.domain.scope import ScopeDecision, VisaStatus
from limes.ees.domain.stamps import StampedStays
from limes.ees.ports import AccessLogEntry, VerificationOutcome
from limes.interop.cir.models import IdentityFile


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks, in which role, for which authority and purpose (EES Art 9, 46)."""

    user_id: str
    role: str
    authority: str
    purpose: str

    def access(
        self,
        at: datetime,
        operation: str,
        *,
        crossing_point: str | None = None,
        query: dict[str, str] | None = None,
        references: tuple[str, ...] = (),
    ) -> AccessLogEntry:
        """The access-log line of an operation by this actor (EES Art 46)."""
        return AccessLogEntry(
            at=at,
            user_id=self.user_id,
            role=self.role,
            authority=self.authority,
            purpose=self.purpose,
            operation=operation,
            crossing_point=crossing_point,
            query=query or {},
            result_references=references,
        )


@dataclass(frozen=True, slots=True)
class BorderCheck:
    """What the guard sees before deciding: traveller, file, verification, calculator."""

    direction: Direction
    crossing_point: CrossingPoint
    document: MrzReading
    identity: IdentityFile | None
    individual_file: IndividualFile | None
    entries: tuple[EntryExitRecord, ...]
    refusals: tuple[RefusalRecord, ...]
    verification: VerificationOutcome | None
    assessment: StayAssessment | None
    warnings: tuple[str, ...]
    # What the stays shown by stamps add to the file (Art 22): stored with the crossing.
    stamped: StampedStays = field(default_factory=StampedStays)
    # Who the EES registers (Art 2) and what the nationality says about the visa
    # (Reg. (EU) 2018/1806); None on a replayed receipt.
    scope: ScopeDecision | None = None
    visa_status: VisaStatus | None = None
    # Files that may be the traveller's, found by identity data or biometrics (EES Art
    # 23(2)-(4), 27), and whether the document is new to the file the guard confirmed.
    candidates: tuple[FileCandidate, ...] = ()
    adds_document: bool = False


@dataclass(frozen=True, slots=True)
class CrossingReceipt:
    """What a recorded entry, exit or refusal returns."""

    record_id: str
    file_id: str
    created_file: bool
    replayed: bool
    check: BorderCheck
    entry: EntryExitRecord | None = None
    refusal: RefusalRecord | None = None


def new_id(prefix: str) -> str:
    """An opaque, unguessable identifier."""
    return f"{prefix}{secrets.token_hex(10)}"
