"""The EES HTTP API under /api/v1/ees/ (thin: every route calls a service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, Field

from limes.access.models import Role, User
from limes.access.service import purpose_of, require_role
from limes.core.limits import (
    MAX_CROSSING_POINT_CHARS,
    MAX_EVIDENCE_CHARS,
    MAX_IDEMPOTENCY_KEY_CHARS,
    MAX_JUSTIFICATION_CHARS,
    MAX_TEXT_CHARS,
)
from limes.ees.domain.models import BorderType, Direction, SuspensionScope
from limes.ees.fallback import Operation, QueuedReceipt
from limes.ees.outcomes import Actor, CrossingReceipt
from limes.ees.schemas import (
    BorderCheckPublic,
    CrossingIn,
    CrossingPointPublic,
    EntryPublic,
    ExitIn,
    ReceiptPublic,
    RefusalIn,
    check_public,
    crossing_point_public,
    entry_public,
    receipt_public,
)
from limes.ees.web_service import EesWebService
from limes.shortstay.schemas import IsoDate
from limes.web.deps import IdentifierPath, PurposeHeader, ServicesDep, UserDep

router = APIRouter(prefix="/api/v1/ees", tags=["EES"])
# The traveller and carrier web service (Art 13) under its own tag alone: a route of
# `router` would be listed under both tags, twice in /docs.
web_service_router = APIRouter(prefix="/api/v1/ees/web-service", tags=["EES web service"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_IDEMPOTENCY_KEY_CHARS,
        description="A retry with the same key returns the first result and stores nothing twice",
    ),
]
BORDER = (Role.BORDER_GUARD,)
CHECKERS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY)
SUPERVISORS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR)


def _actor(user: User, purpose: str | None) -> Actor:
    return Actor(user.user_id, user.role.value, user.authority, purpose_of(user, purpose))


def _json(model: BaseModel, status_code: int = 200) -> Response:
    # The model is built from trusted values: serialise it once, without FastAPI
    # validating it again (the response model still documents it).
    return Response(model.model_dump_json(), status_code, media_type="application/json")


def _recorded(receipt: CrossingReceipt | QueuedReceipt) -> Response:
    if isinstance(receipt, QueuedReceipt):
        queued = ReceiptPublic(
            record_id=f"queued-{receipt.sequence}",
            file_id="",
            created_file=False,
            replayed=False,
            queued=True,
            check=None,
        )
        return _json(queued, 202)
    return _json(receipt_public(receipt), 200 if receipt.replayed else 201)


@router.post("/border-checks", response_model=BorderCheckPublic, summary="Check a traveller")
def border_check(
    body: CrossingIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
    direction: Annotated[Direction, Query()] = Direction.ENTRY,
) -> Response:
    """EES Art 23: document, file, 1:1 verification and the calculator; records nothing."""
    require_role(user, *CHECKERS)
    request = body.to_domain(services.clock.today())
    return _json(check_public(services.ees.check(_actor(user, purpose), request, direction)))


@router.post("/entries", response_model=ReceiptPublic, status_code=201, summary="Record an entry")
async def record_entry(
    body: CrossingIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """EES Art 14, 16, 17: create the file if needed and record the entry."""
    require_role(user, *BORDER)
    request = body.to_domain(services.clock.today())
    receipt = await services.ees_fallback.record_async(
        Operation.ENTRY, _actor(user, purpose), request, idempotency_key
    )
    return _recorded(receipt)


@router.post("/exits", response_model=ReceiptPublic, status_code=201, summary="Record an exit")
async def record_exit(
    body: ExitIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """EES Art 16(3), 17(2): record the exit, and any overstay (Art 11(3))."""
    require_role(user, *BORDER)
    request = body.to_domain(services.clock.today())
    receipt = await services.ees_fallback.record_async(
        Operation.EXIT,
        _actor(user, purpose),
        request,
        idempotency_key,
        stamp_entry_date=body.stamp_entry_date,
    )
    return _recorded(receipt)


@router.post("/refusals", response_model=ReceiptPublic, status_code=201, summary="Record a refusal")
async def record_refusal(
    body: RefusalIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """EES Art 18: record a refusal of entry with its Annex V Part B reasons."""
    require_role(user, *BORDER)
    request = body.to_domain(services.clock.today())
    receipt = await services.ees_fallback.record_async(
        Operation.REFUSAL,
        _actor(user, purpose),
        request,
        idempotency_key,
        reasons=tuple(body.reasons),
    )
    return _recorded(receipt)


class OverstayerPublic(BaseModel):
    """An entry of the overstayer list (EES Art 12(3))."""

    record: EntryPublic
    file_id: str
    surname: str | None
    given_names: str | None
    date_of_birth: str | None
    nationalities: list[str]
    documents: list[str]


@router.get("/overstayers", response_model=list[OverstayerPublic], summary="The overstayer list")
def overstayers(
    services: ServicesDep, user: UserDep, purpose: PurposeHeader = None
) -> list[OverstayerPublic]:
    """EES Art 12(3): every flagged overstay not rebutted, with identity data."""
    require_role(user, *SUPERVISORS)
    listed = services.ees_operations.overstayers(_actor(user, purpose))
    return [
        OverstayerPublic(
            record=entry_public(o.record),
            file_id=o.individual_file.file_id,
            surname=o.identity.identity.surname.original if o.identity else None,
            given_names=(
                o.identity.identity.given_names.original
                if o.identity and o.identity.identity.given_names
                else None
            ),
            date_of_birth=(
                o.identity.identity.date_of_birth.isoformat()
                if o.identity and o.identity.identity.date_of_birth
                else None
            ),
            nationalities=list(o.identity.identity.nationalities) if o.identity else [],
            documents=(
                [f"{d.issuing_state} {d.number}" for d in o.identity.documents]
                if o.identity
                else []
            ),
        )
        for o in listed
    ]


class ReviewPublic(BaseModel):
    """A crossing recorded from the fall-back that needs review (EES Art 21)."""

    record: EntryPublic
    file_id: str
    review_reason: str
    surname: str | None
    given_names: str | None
    nationalities: list[str]
    documents: list[str]


@router.get("/review", response_model=list[ReviewPublic], summary="Fall-back crossings to review")
def entries_for_review(
    services: ServicesDep, user: UserDep, purpose: PurposeHeader = None
) -> list[ReviewPublic]:
    """EES Art 21: crossings kept during an outage that the central checks objected to,
    recorded as they happened and flagged with the reason, oldest first."""
    require_role(user, *SUPERVISORS)
    listed = services.ees_operations.entries_for_review(_actor(user, purpose))
    return [
        ReviewPublic(
            record=entry_public(o.record),
            file_id=o.individual_file.file_id,
            review_reason=o.record.review_reason or "",
            surname=o.identity.identity.surname.original if o.identity else None,
            given_names=(
                o.identity.identity.given_names.original
                if o.identity and o.identity.identity.given_names
                else None
            ),
            nationalities=list(o.identity.identity.nationalities) if o.identity else [],
            documents=(
                [f"{d.issuing_state} {d.number}" for d in o.identity.documents]
                if o.identity
                else []
            ),
        )
        for o in listed
    ]


class ReviewClosedIn(BaseModel):
    """What the review of a fall-back crossing found."""

    outcome: str = Field(min_length=1, max_length=MAX_EVIDENCE_CHARS)


@router.post(
    "/entries/{record_id}/review",
    response_model=EntryPublic,
    summary="Close the review of a fall-back crossing",
)
def close_review(
    record_id: IdentifierPath,
    body: ReviewClosedIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> EntryPublic:
    """EES Art 21: the crossing was looked at; the flag goes, the reason and the outcome
    stay in the log (Art 46)."""
    require_role(user, *SUPERVISORS)
    record = services.ees_operations.close_review(_actor(user, purpose), record_id, body.outcome)
    return entry_public(record)


class JobPublic(BaseModel):
    """What a scheduled job did."""

    job: str
    count: int
    references: list[str]


@router.post("/jobs/overstays", response_model=JobPublic, summary="Flag overstays now")
def flag_overstays(services: ServicesDep, user: UserDep) -> JobPublic:
    """EES Art 12(1): flag every open entry whose authorised stay has ended."""
    require_role(user, Role.ADMINISTRATOR)
    flagged = services.ees_operations.flag_overstays()
    return JobPublic(job="overstays", count=len(flagged), references=flagged)


@router.post("/jobs/retention", response_model=JobPublic, summary="Run retention now")
def run_retention(services: ServicesDep, user: UserDep) -> JobPublic:
    """EES Art 34: erase what has reached its retention date."""
    require_role(user, Role.ADMINISTRATOR)
    report = services.ees_operations.run_retention()
    return JobPublic(
        job="retention",
        count=len(report.steps),
        references=[f"{s.action.value}:{s.reference}" for s in report.steps],
    )


@router.get("/crossing-points", response_model=list[CrossingPointPublic])
def crossing_points(services: ServicesDep, user: UserDep) -> list[CrossingPointPublic]:
    """Every crossing point and how the EES runs there."""
    del user  # any signed-in user
    return [crossing_point_public(cp) for cp in services.ees_operations.crossing_points()]


class CrossingPointIn(BaseModel):
    """A crossing point's EES state (Reg. (EU) 2025/1534 Art 4-6)."""

    name: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    country: str | None = Field(default=None, min_length=3, max_length=3)
    border_type: BorderType | None = None
    ees_active: bool | None = None
    biometrics_required: bool | None = None
    suspension: SuspensionScope | None = None
    suspension_reason: str | None = Field(default=None, max_length=MAX_JUSTIFICATION_CHARS)
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="IANA time zone of the crossing point, e.g. Europe/Helsinki (EES Art 11)",
    )


@router.put("/crossing-points/{code}", response_model=CrossingPointPublic)
def put_crossing_point(
    code: Annotated[str, Path(max_length=MAX_CROSSING_POINT_CHARS)],
    body: CrossingPointIn,
    services: ServicesDep,
    user: UserDep,
    purpose: PurposeHeader = None,
) -> CrossingPointPublic:
    """Create a crossing point or change its state; recorded and audited."""
    require_role(user, Role.ADMINISTRATOR)
    updated = services.ees_operations.put_crossing_point(
        _actor(user, purpose), code, **body.model_dump(exclude_none=True)
    )
    return crossing_point_public(updated)


class FallbackPublic(BaseModel):
    """The local fall-back queue (EES Art 21)."""

    pending: int
    failed: list[dict[str, str | int]]
    uploaded: list[str] = Field(default_factory=list)


@router.get("/fallback", response_model=FallbackPublic, summary="The fall-back queue")
def fallback_state(services: ServicesDep, user: UserDep) -> FallbackPublic:
    """How many crossings wait in the local queue, and which were refused on upload."""
    require_role(user, Role.ADMINISTRATOR, Role.BORDER_GUARD)
    queue = services.ees_fallback.queue
    return FallbackPublic(
        pending=len(queue.pending()),
        failed=[{"sequence": c.sequence, "reason": c.failure or ""} for c in queue.failed()],
    )


@router.post("/fallback/replay", response_model=FallbackPublic, summary="Upload the queue")
def fallback_replay(services: ServicesDep, user: UserDep) -> FallbackPublic:
    """Upload queued crossings in order, exactly once."""
    require_role(user, Role.ADMINISTRATOR, Role.BORDER_GUARD)
    report = services.ees_fallback.replay()
    return FallbackPublic(
        pending=report.remaining,
        failed=[{"sequence": s, "reason": r} for s, r in report.failed],
        uploaded=list(report.uploaded),
    )


class StayQueryIn(BaseModel):
    """A traveller's document and the intended dates (EES Art 13(1))."""

    document_number: str = Field(min_length=1, max_length=32)
    issuing_state: str = Field(min_length=1, max_length=3)
    intended_entry: IsoDate | None = Field(
        default=None, description="The date the traveller intends to enter (today if none)"
    )
    intended_exit: IsoDate | None = Field(
        default=None, description="The date the traveller intends to leave"
    )


class StayAnswerPublic(BaseModel):
    """EES Art 13(1): OK or NOT OK for the intended dates, and the remaining authorised stay."""

    found: bool
    answer: str = Field(description="OK or NOT OK")
    reason: str
    limited_by: str | None = Field(
        default=None,
        description="What ends the stay: rule_90_180, visa_validity, visa_duration or visa_entries",
    )
    in_territory: bool = False
    authorised_until: str | None = None
    days_left: int = 0
    overstay_days: int = 0
    next_entry: str | None = None


@web_service_router.post("/stay", response_model=StayAnswerPublic)
def web_service_stay(
    body: StayQueryIn, services: ServicesDep, user: UserDep, purpose: PurposeHeader = None
) -> StayAnswerPublic:
    """EES Art 13(1): a traveller checks the remaining authorised stay."""
    require_role(user, Role.TRAVELLER, Role.ADMINISTRATOR)
    web = EesWebService(services.ees_store, services.clock)
    answer = web.remaining_stay(
        _actor(user, purpose),
        body.document_number,
        body.issuing_state.upper(),
        body.intended_entry,
        body.intended_exit,
    )
    return StayAnswerPublic(
        found=answer.found,
        answer=answer.verdict.value,
        reason=answer.reason,
        limited_by=answer.limited_by.value if answer.limited_by else None,
        in_territory=answer.in_territory,
        authorised_until=answer.authorised_until.isoformat() if answer.authorised_until else None,
        days_left=answer.days_left,
        overstay_days=answer.overstay_days,
        next_entry=answer.next_entry.isoformat() if answer.next_entry else None,
    )


class CarrierQueryIn(StayQueryIn):
    """A passenger's document and visa sticker."""

    visa_sticker_number: str = Field(min_length=1, max_length=32)


class CarrierAnswerPublic(BaseModel):
    """EES Art 13(3): OK or NOT OK, and which condition of the visa decided it."""

    answer: str = Field(description="OK or NOT OK")
    code: str = Field(
        description="no_entry_on_visa, visa_allows_entry, multiple_entry, visa_entries_used, "
        "visa_not_valid, visa_days_used or visa_ends_before_exit"
    )
    reason: str


@web_service_router.post("/carrier-checks", response_model=CarrierAnswerPublic)
def web_service_carrier(
    body: CarrierQueryIn, services: ServicesDep, user: UserDep, purpose: PurposeHeader = None
) -> CarrierAnswerPublic:
    """EES Art 13(3): a carrier checks whether the passenger's visa still allows the entry."""
    require_role(user, Role.CARRIER, Role.ADMINISTRATOR)
    web = EesWebService(services.ees_store, services.clock)
    answer = web.carrier_check(
        _actor(user, purpose),
        body.document_number,
        body.issuing_state.upper(),
        body.visa_sticker_number,
        body.intended_entry,
        body.intended_exit,
    )
    return CarrierAnswerPublic(
        answer=answer.verdict.value, code=answer.reason.value, reason=answer.text
    )
