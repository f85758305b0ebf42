"""The MID's HTTP API under /api/v1/mid/ (thin: every route calls `MidService`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from limes.access.service import require_role
from limes.core.errors import AccessDenied
from limes.core.limits import MAX_JUSTIFICATION_CHARS
from limes.interop.mid.domain.models import Link, LinkColour
from limes.interop.mid.linking import IndexedRecord
from limes.interop.mid.officers import READERS, acting_authority
from limes.interop.mid.service import LinkCase, PendingLink
from limes.interop.sbms.service import MAX_CANDIDATES
from limes.web.deps import IdentifierPath, ServicesDep, UserDep

router = APIRouter(prefix="/api/v1/mid", tags=["MID"])


class RecordRefPublic(BaseModel):
    """A linked record: its system and its id there (Art 34(b))."""

    system: str
    record_id: str


class VerificationPublic(BaseModel):
    """A manual-verification decision (Art 31-33)."""

    decided_by: str
    authority: str
    decided_at: datetime
    colour: LinkColour
    justification: str


class LinkPublic(BaseModel):
    """A link with its colour and the trail of why (Art 28-34)."""

    link_id: str
    a: RecordRefPublic
    b: RecordRefPublic
    colour: LinkColour
    reasons: list[str]
    created_at: datetime
    updated_at: datetime
    responsible_authority: str
    verification: VerificationPublic | None


class PendingLinkPublic(BaseModel):
    """A yellow link awaiting manual verification, with its deadline."""

    link: LinkPublic
    deadline: datetime
    overdue: bool


class IdentityPublic(BaseModel):
    """The identity data the MID compared (Art 27(3))."""

    record: RecordRefPublic
    surname: str
    given_names: str
    dob: str | None
    sex: str | None
    nationality: str | None
    doc_number: str | None
    doc_country: str | None


class LinkCasePublic(BaseModel):
    """A link with both identities side by side, its deadline and its file."""

    link: LinkPublic
    a: IdentityPublic | None
    b: IdentityPublic | None
    deadline: datetime | None
    identity_confirmation_file: str | None = Field(
        description="The single identification number of the identity confirmation file"
    )


class DetectionLagPublic(BaseModel):
    """How far detection (in the worker process) is behind the CIR's change log."""

    caught_up: bool = Field(description="No change waits for detection")
    pending_changes: int = Field(description="Changes of CIR files not yet through detection")
    oldest_pending_at: datetime | None = Field(description="When the oldest of them was made")
    oldest_pending_seconds: float = Field(description="How long it has waited; 0 when none")
    processed_seq: int = Field(description="The last change of the log detection processed")
    last_run_at: datetime | None = Field(
        description="When the last batch that handled changes ended (wall-clock time)"
    )
    recent_seconds: float = Field(description="The recent period of the figures below")
    recent_files: int = Field(description="Files handled in that period")
    files_per_second: float = Field(description="Files handled per second over that period")
    busy_files_per_second: float | None = Field(
        description="Files per second of the time detection was running; null without a run"
    )


class IdentityCheckPublic(BaseModel):
    """A file's links as detected so far (Art 27-28)."""

    record_id: str
    pending: bool = Field(
        description="A change of this file still awaits detection: links may follow; ask again"
    )
    links: list[LinkPublic]


class DecisionIn(BaseModel):
    """A manual-verification decision on a yellow link (Art 29, 31-33)."""

    colour: LinkColour = Field(description="green (Art 31), red (Art 32) or white (Art 33(1)(d))")
    justification: str = Field(
        "", max_length=MAX_JUSTIFICATION_CHARS, description="Required for red (Art 32)"
    )
    expected_colour: LinkColour = Field(
        LinkColour.YELLOW,
        description="The colour you saw; the decision is refused if the link changed since",
    )


def link_public(link: Link) -> LinkPublic:
    """The link as the API shows it."""
    v = link.verification
    return LinkPublic(
        link_id=link.link_id,
        a=RecordRefPublic(system=link.a.system, record_id=link.a.record_id),
        b=RecordRefPublic(system=link.b.system, record_id=link.b.record_id),
        colour=link.colour,
        reasons=list(link.reasons),
        created_at=link.created_at,
        updated_at=link.updated_at,
        responsible_authority=link.responsible_authority,
        verification=VerificationPublic(
            decided_by=v.decided_by,
            authority=v.authority,
            decided_at=v.decided_at,
            colour=v.colour,
            justification=v.justification,
        )
        if v
        else None,
    )


def _identity_public(record: IndexedRecord | None) -> IdentityPublic | None:
    if record is None:
        return None
    i = record.identity
    return IdentityPublic(
        record=RecordRefPublic(system=record.ref.system, record_id=record.ref.record_id),
        surname=i.surname,
        given_names=i.given_names,
        dob=i.dob.isoformat() if i.dob else None,
        sex=i.sex.value if i.sex else None,
        nationality=i.nationality,
        doc_number=i.doc_number,
        doc_country=i.doc_country,
    )


def case_public(case: LinkCase) -> LinkCasePublic:
    """The case as the API shows it."""
    icf = case.identity_confirmation_file
    return LinkCasePublic(
        link=link_public(case.link),
        a=_identity_public(case.a),
        b=_identity_public(case.b),
        deadline=case.deadline,
        identity_confirmation_file=icf.single_identification_number if icf else None,
    )


def _pending_public(pending: PendingLink) -> PendingLinkPublic:
    return PendingLinkPublic(
        link=link_public(pending.link), deadline=pending.deadline, overdue=pending.overdue
    )


@router.get("/detection", response_model=DetectionLagPublic, summary="Detection's lag")
def detection_lag(services: ServicesDep, user: UserDep) -> DetectionLagPublic:
    """Art 27: how far multiple-identity detection is behind the CIR's change log.

    Detection runs in the worker process, batch after batch until the log is drained;
    this tells how many changes wait, for how long, and the recent pace.
    """
    require_role(user, *READERS)
    lag = services.mid.detection_lag()
    return DetectionLagPublic(
        caught_up=lag.caught_up,
        pending_changes=lag.pending_changes,
        oldest_pending_at=lag.oldest_pending_at,
        oldest_pending_seconds=round(lag.oldest_pending_seconds, 3),
        processed_seq=lag.processed_seq,
        last_run_at=lag.last_run_at,
        recent_seconds=round(lag.recent_seconds, 3),
        recent_files=lag.recent_files,
        files_per_second=round(lag.files_per_second, 1),
        busy_files_per_second=(
            round(lag.busy_files_per_second, 1) if lag.busy_files_per_second is not None else None
        ),
    )


@router.get("/links", response_model=list[PendingLinkPublic], summary="The verification queue")
def verification_queue(
    services: ServicesDep,
    user: UserDep,
    limit: Annotated[int, Query(ge=1, le=MAX_CANDIDATES * 5)] = 100,
) -> list[PendingLinkPublic]:
    """Art 29-30: yellow links awaiting verification, oldest first; an officer sees their own."""
    require_role(user, *READERS)
    authority = acting_authority(user)
    pending = services.mid.pending(authority, limit)
    return [_pending_public(p) for p in pending]


@router.get("/links/{link_id}", response_model=LinkCasePublic, summary="One link, side by side")
def link_case(link_id: IdentifierPath, services: ServicesDep, user: UserDep) -> LinkCasePublic:
    """A link with both identities, what matched and why, and its deadline."""
    require_role(user, *READERS)
    return case_public(services.mid.case(link_id))


@router.post(
    "/links/{link_id}/decisions", response_model=LinkPublic, summary="Decide a yellow link"
)
def decide_link(
    link_id: IdentifierPath, body: DecisionIn, services: ServicesDep, user: UserDep
) -> LinkPublic:
    """Art 29, 31-33: green, red or white; a link someone else decided first is refused (409)."""
    authority = acting_authority(user)
    if authority is None:
        raise AccessDenied(
            "Only the authority responsible under Art 29 decides a link; your role reads the queue."
        )
    decided = services.mid.decide(
        link_id,
        body.colour,
        decided_by=user.user_id,
        authority=authority.code,
        justification=body.justification,
        expected_colour=body.expected_colour,
    )
    return link_public(decided)


@router.get(
    "/records/{record_id}/links", response_model=list[LinkPublic], summary="Links of a record"
)
def record_links(
    record_id: IdentifierPath, services: ServicesDep, user: UserDep
) -> list[LinkPublic]:
    """Every link of a record (a CIR file id), oldest first."""
    require_role(user, *READERS)
    return [link_public(link) for link in services.mid.links_of(record_id)]


@router.get(
    "/records/{record_id}/identity-check",
    response_model=IdentityCheckPublic,
    summary="A file's links, or that detection is pending",
)
def identity_check(record_id: str, services: ServicesDep, user: UserDep) -> IdentityCheckPublic:
    """The links of a record (a CIR file id) and whether detection has reached its last change.

    A desk asks this after a crossing: while `pending` is true the worker has not yet
    compared the file, and the desk asks again.
    """
    require_role(user, *READERS)
    check = services.mid.identity_check(record_id)
    return IdentityCheckPublic(
        record_id=check.record_id,
        pending=check.pending,
        links=[link_public(link) for link in check.links],
    )
