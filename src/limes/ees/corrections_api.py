"""The EES API of corrections: rebuttal (Art 20), decisions on the stay (Art 19),
rectification and advance erasure (Art 35), the notice outbox (Art 34), log erasure
(Art 46(4)). Thin: every route checks the role and calls `EesCorrections`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from limes.access.models import Role, User
from limes.access.service import purpose_of, require_role
from limes.core.identity import PartialDate
from limes.core.limits import (
    MAX_COUNTRY_CHARS,
    MAX_CROSSING_POINT_CHARS,
    MAX_DATE_CHARS,
    MAX_EVIDENCE_CHARS,
    MAX_JUSTIFICATION_CHARS,
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
)
from limes.ees.corrections import (
    EesCorrections,
    FileView,
    IdentityRectification,
    RecordRectification,
    StayDecisionRequest,
)
from limes.ees.domain.corrections import (
    AdvanceErasureGround,
    ErasureNotice,
    StayDecision,
    StayDecisionKind,
)
from limes.ees.domain.models import EvidenceKind, RefusalReason
from limes.ees.outcomes import Actor
from limes.ees.schemas import (
    EntryPublic,
    FilePublic,
    RefusalPublic,
    entry_public,
    refusal_public,
)
from limes.shortstay.schemas import IsoDate
from limes.web.deps import IdentifierPath, PurposeHeader, ServicesDep, UserDep

router = APIRouter(prefix="/api/v1/ees", tags=["EES corrections"])

# Who reads a file and rebuts an overstay: the staff who keep the overstayer list.
READERS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR)
# Who decides on an authorised stay or visa (Art 19; Visa Code Art 33-34: the
# immigration authorities, and border guards annulling or revoking a visa at the border).
STAY_DECIDERS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY)
# Who rectifies (Art 35(1)): the authorities that enter the data, of the Member State
# responsible (checked by the service).
RECTIFIERS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY)
# Who erases in advance (Art 35(4)-(6)): the authority that granted the nationality or
# the permit; in limes the immigration authority and the administrator of a Member State.
ERASERS = (Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR)


def corrections_of(services: ServicesDep) -> EesCorrections:
    """The corrections service over the EES store and the clock."""
    return EesCorrections(services.ees_store, services.clock)


def actor_of(user: User, purpose: str | None) -> Actor:
    """Who asks, for the access log (EES Art 46)."""
    return Actor(user.user_id, user.role.value, user.authority, purpose_of(user, purpose))


# --- shapes -----------------------------------------------------------------------------


class RebuttalIn(BaseModel):
    """Evidence that rebuts the presumption of overstay, and the exit it proves (Art 20)."""

    model_config = ConfigDict(extra="forbid")

    kind: EvidenceKind = Field(description="What the evidence is")
    evidence: str = Field(
        min_length=1, max_length=MAX_EVIDENCE_CHARS, description="Its description"
    )
    exit_on: IsoDate = Field(description="The day the evidence shows the traveller left")


class StayDecisionIn(BaseModel):
    """A decision extending, revoking or annulling an authorised stay or visa (Art 19)."""

    model_config = ConfigDict(extra="forbid")

    kind: StayDecisionKind
    decided_on: IsoDate
    place: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    grounds: str = Field(min_length=1, max_length=MAX_JUSTIFICATION_CHARS)
    new_until: IsoDate | None = Field(
        default=None,
        description="Extension: the new end of the stay (required). Revocation or "
        "annulment: the day the stay ends (default: the day of the decision).",
    )
    visa_sticker_number: str | None = Field(default=None, min_length=1, max_length=32)
    revocation_reasons: list[RefusalReason] = Field(default_factory=list, max_length=10)


class StayDecisionPublic(BaseModel):
    """A decision on an authorised stay as entered in the record (Art 19(1))."""

    decision_id: str
    record_id: str
    kind: str
    decided_on: date
    authority: str
    place: str
    grounds: str
    previous_until: date
    new_until: date
    visa_sticker_number: str | None
    revocation_reasons: list[str]
    recorded_at: datetime
    recorded_by: str


class StayDecisionOutcome(BaseModel):
    """The record after a decision on its stay, and the decision."""

    record: EntryPublic
    decision: StayDecisionPublic


class RecordRectificationIn(BaseModel):
    """Corrected data of an entry/exit record (Art 35(1)); leave out what stays."""

    model_config = ConfigDict(extra="forbid")

    entry_at: AwareDatetime | None = None
    entry_crossing_point: str | None = Field(default=None, max_length=MAX_CROSSING_POINT_CHARS)
    exit_at: AwareDatetime | None = None
    exit_crossing_point: str | None = Field(default=None, max_length=MAX_CROSSING_POINT_CHARS)


class IdentityRectificationIn(BaseModel):
    """Corrected identity data (Art 35(1)), kept in the CIR; leave out what stays."""

    model_config = ConfigDict(extra="forbid")

    surname: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_CHARS)
    given_names: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_CHARS)
    date_of_birth: str | None = Field(
        default=None, max_length=MAX_DATE_CHARS, description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    sex: Literal["F", "M", "X"] | None = None
    nationalities: (
        list[Annotated[str, Field(min_length=1, max_length=MAX_COUNTRY_CHARS, pattern="^[A-Z<]+$")]]
        | None
    ) = Field(default=None, min_length=1, max_length=5)

    def to_domain(self) -> IdentityRectification:
        """The rectification the service applies; a malformed date is a field error."""
        born = (
            PartialDate.parse(self.date_of_birth, field="date_of_birth")
            if self.date_of_birth
            else None
        )
        return IdentityRectification(
            surname=self.surname,
            given_names=self.given_names,
            date_of_birth=born,
            sex=self.sex,
            nationalities=tuple(self.nationalities) if self.nationalities else None,
        )


class IdentityPublic(BaseModel):
    """Identity data of a file, from the CIR."""

    cir_id: str
    surname: str
    given_names: str | None
    date_of_birth: str | None
    sex: str | None
    nationalities: list[str]
    documents: list[str]


class FileDetailPublic(BaseModel):
    """An individual file with its records and the decisions on its stays."""

    file: FilePublic
    responsible_state: str | None = Field(
        description="The Member State responsible for the identity data (Art 35(1))"
    )
    last_exit_or_refusal: date | None
    identity: IdentityPublic | None
    entries: list[EntryPublic]
    refusals: list[RefusalPublic]
    decisions: list[StayDecisionPublic]


class AdvanceErasureIn(BaseModel):
    """Why a file leaves the EES before its time (Art 35(4)-(6))."""

    model_config = ConfigDict(extra="forbid")

    ground: AdvanceErasureGround
    grounds: str = Field(
        min_length=1,
        max_length=MAX_JUSTIFICATION_CHARS,
        description="The decision it rests on (the act granting nationality or the permit)",
    )


class ErasurePublic(BaseModel):
    """What an advance erasure erased."""

    file_id: str
    erased: bool


class NoticePublic(BaseModel):
    """A notice to a Member State that an overstayer's data will go (Art 34)."""

    notice_id: str
    member_state: str
    file_id: str
    record_id: str
    erasure_on: date
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class LogJobPublic(BaseModel):
    """What the log erasure did."""

    job: str
    count: int


def decision_public(d: StayDecision) -> StayDecisionPublic:
    """A decision on a stay for the API."""
    return StayDecisionPublic(
        decision_id=d.decision_id,
        record_id=d.record_id,
        kind=d.kind.value,
        decided_on=d.decided_on,
        authority=d.authority,
        place=d.place,
        grounds=d.grounds,
        previous_until=d.previous_until,
        new_until=d.new_until,
        visa_sticker_number=d.visa_sticker_number,
        revocation_reasons=[r.value for r in d.revocation_reasons],
        recorded_at=d.recorded_at,
        recorded_by=d.recorded_by,
    )


def notice_public(n: ErasureNotice) -> NoticePublic:
    """A notice for the API."""
    return NoticePublic(
        notice_id=n.notice_id,
        member_state=n.member_state,
        file_id=n.file_id,
        record_id=n.record_id,
        erasure_on=n.erasure_on,
        created_at=n.created_at,
        acknowledged_at=n.acknowledged_at,
        acknowledged_by=n.acknowledged_by,
    )


def file_detail_public(view: FileView) -> FileDetailPublic:
    """A file with its records for the API."""
    f = view.individual_file
    identity = None
    if view.identity is not None:
        data = view.identity.identity
        identity = IdentityPublic(
            cir_id=view.identity.cir_id,
            surname=data.surname.original,
            given_names=data.given_names.original if data.given_names else None,
            date_of_birth=data.date_of_birth.isoformat() if data.date_of_birth else None,
            sex=data.sex,
            nationalities=list(data.nationalities),
            documents=[f"{d.issuing_state} {d.number}" for d in view.identity.documents],
        )
    return FileDetailPublic(
        file=FilePublic(
            file_id=f.file_id,
            cir_id=f.cir_id,
            kind=f.kind.value,
            fingerprint_status=f.fingerprint_status.value,
            completeness=f.completeness.value,
            created_at=f.created_at,
        ),
        responsible_state=view.responsible_state,
        last_exit_or_refusal=f.last_exit_or_refusal,
        identity=identity,
        entries=[entry_public(r) for r in view.entries],
        refusals=[refusal_public(r) for r in view.refusals],
        decisions=[decision_public(d) for d in view.decisions],
    )


# --- routes -----------------------------------------------------------------------------


@router.get("/files/{file_id}", response_model=FileDetailPublic, summary="Read a file")
def read_file(
    file_id: IdentifierPath, services: ServicesDep, user: UserDep, purpose: PurposeHeader = None
) -> FileDetailPublic:
    """An individual file, its records and the decisions on its stays; logged (Art 46)."""
    require_role(user, *READERS)
    return file_detail_public(corrections_of(services).file_view(actor_of(user, purpose), file_id))


@router.post(
    "/entries/{record_id}/rebuttal", response_model=EntryPublic, summary="Rebut an overstay"
)
def rebut(
    record_id: IdentifierPath,
    body: RebuttalIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> EntryPublic:
    """EES Art 20: record the evidence and set the exit it proves; the overstay follows."""
    require_role(user, *READERS)
    record = corrections_of(services).rebut(
        actor_of(user, purpose), record_id, body.kind, body.evidence, body.exit_on
    )
    return entry_public(record)


@router.post(
    "/entries/{record_id}/stay-decisions",
    response_model=StayDecisionOutcome,
    status_code=201,
    summary="Extend, revoke or annul the authorised stay",
)
def decide_stay(
    record_id: IdentifierPath,
    body: StayDecisionIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> StayDecisionOutcome:
    """EES Art 19: enter the decision, with its authority, place, date and grounds."""
    require_role(user, *STAY_DECIDERS)
    request = StayDecisionRequest(
        kind=body.kind,
        decided_on=body.decided_on,
        place=body.place,
        grounds=body.grounds,
        new_until=body.new_until,
        visa_sticker_number=body.visa_sticker_number,
        revocation_reasons=tuple(body.revocation_reasons),
    )
    record, decision = corrections_of(services).decide_stay(
        actor_of(user, purpose), record_id, request
    )
    return StayDecisionOutcome(record=entry_public(record), decision=decision_public(decision))


@router.post(
    "/entries/{record_id}/rectification",
    response_model=EntryPublic,
    summary="Rectify an entry/exit record",
)
def rectify_record(
    record_id: IdentifierPath,
    body: RecordRectificationIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> EntryPublic:
    """EES Art 35(1): the Member State responsible corrects the record; logged (Art 46)."""
    require_role(user, *RECTIFIERS)
    change = RecordRectification(
        entry_at=body.entry_at,
        entry_crossing_point=body.entry_crossing_point,
        exit_at=body.exit_at,
        exit_crossing_point=body.exit_crossing_point,
    )
    record = corrections_of(services).rectify_record(actor_of(user, purpose), record_id, change)
    return entry_public(record)


@router.post(
    "/files/{file_id}/identity-rectification",
    response_model=IdentityPublic,
    summary="Rectify identity data",
)
def rectify_identity(
    file_id: IdentifierPath,
    body: IdentityRectificationIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> IdentityPublic:
    """EES Art 35(1): the Member State responsible corrects identity data in the CIR."""
    require_role(user, *RECTIFIERS)
    corrected = corrections_of(services).rectify_identity(
        actor_of(user, purpose), file_id, body.to_domain()
    )
    data = corrected.identity
    return IdentityPublic(
        cir_id=corrected.cir_id,
        surname=data.surname.original,
        given_names=data.given_names.original if data.given_names else None,
        date_of_birth=data.date_of_birth.isoformat() if data.date_of_birth else None,
        sex=data.sex,
        nationalities=list(data.nationalities),
        documents=[f"{d.issuing_state} {d.number}" for d in corrected.documents],
    )


@router.post(
    "/files/{file_id}/erasure", response_model=ErasurePublic, summary="Erase a file in advance"
)
def erase_in_advance(
    file_id: IdentifierPath,
    body: AdvanceErasureIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> ErasurePublic:
    """EES Art 35(4)-(6): erase the file and its records from the EES and the CIR now."""
    require_role(user, *ERASERS)
    corrections_of(services).erase_in_advance(
        actor_of(user, purpose), file_id, body.ground, body.grounds
    )
    return ErasurePublic(file_id=file_id, erased=True)


@router.get("/notices", response_model=list[NoticePublic], summary="Notices to my Member State")
def notices(
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
    pending: Annotated[bool, Query(description="Only those not acknowledged yet")] = False,
) -> list[NoticePublic]:
    """EES Art 34: the notices addressed to the user's Member State, oldest first."""
    require_role(user, *READERS)
    found = corrections_of(services).notices(actor_of(user, purpose), pending_only=pending)
    return [notice_public(n) for n in found]


@router.post(
    "/notices/{notice_id}/acknowledgement",
    response_model=NoticePublic,
    summary="Acknowledge a notice",
)
def acknowledge_notice(
    notice_id: IdentifierPath, services: ServicesDep, user: UserDep, purpose: PurposeHeader = None
) -> NoticePublic:
    """EES Art 34: the Member State addressed has read the notice (once; a retry is the same)."""
    require_role(user, *READERS)
    return notice_public(corrections_of(services).acknowledge(actor_of(user, purpose), notice_id))


@router.post("/jobs/logs", response_model=LogJobPublic, summary="Erase old logs now")
def erase_logs(services: ServicesDep, user: UserDep) -> LogJobPublic:
    """EES Art 46(4): erase the logs one year after the data they concern."""
    require_role(user, Role.ADMINISTRATOR)
    return LogJobPublic(job="logs", count=services.ees_operations.erase_logs())
