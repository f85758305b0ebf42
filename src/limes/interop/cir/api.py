"""The CIR's HTTP API under /api/v1/cir/ (thin: every route calls `CirAccessService`).

Every query that reaches a route is logged (Reg. (EU) 2019/817 Art 24), a refused one
too: a role without access or a request that cannot be read is logged here, before
the service; the service logs the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Query

from limes.access.models import User
from limes.core.errors import DomainError
from limes.interop.cir.access import CirAccessService
from limes.interop.cir.logs import MAX_READ, CirOperation
from limes.interop.cir.officers import require_operation_role, require_supervisor
from limes.interop.cir.schemas import (
    AccessLogEntryPublic,
    HitFlagIn,
    HitFlagPublic,
    IdentificationIn,
    IdentificationPublic,
    access_log_entry_public,
    hit_flag_public,
    identification_public,
)
from limes.web.deps import ServicesDep, UserDep

router = APIRouter(prefix="/api/v1/cir", tags=["CIR"])


@contextmanager
def _logged_refusals(
    cir: CirAccessService,
    operation: CirOperation,
    user: User,
    body: IdentificationIn | HitFlagIn,
) -> Iterator[None]:
    """Log a refusal raised in the block, then let it answer the request (Art 24)."""
    try:
        yield
    except DomainError as refusal:
        cir.log_refusal(
            operation,
            refusal,
            authority=user.authority,
            purpose=body.purpose,
            ground=body.ground if isinstance(body, IdentificationIn) else None,
            query_fields=body.stated_fields(),
            user_id=user.user_id,
        )
        raise


@router.post(
    "/identifications",
    response_model=IdentificationPublic,
    summary="Identify a person from live biometrics (police)",
)
def identify(body: IdentificationIn, services: ServicesDep, user: UserDep) -> IdentificationPublic:
    """Reg. (EU) 2019/817 Art 20: a police officer queries the CIR with biometrics taken live.

    Only on an Art 20(1) ground, with a stated purpose, and never for a child under 12
    unless in the child's best interest. A hit shows the identity and travel-document
    data of each matching file and which system holds it (Art 18, 20(3)), nothing more.
    """
    operation = CirOperation.POLICE_IDENTIFICATION
    with _logged_refusals(services.cir, operation, user, body):
        require_operation_role(user, operation)
        request = body.to_domain(user)
    return identification_public(services.cir.identify(request))


@router.post(
    "/hit-flags",
    response_model=HitFlagPublic,
    summary="Which systems hold data on a person (designated authorities)",
)
def hit_flag(body: HitFlagIn, services: ServicesDep, user: UserDep) -> HitFlagPublic:
    """Reg. (EU) 2019/817 Art 22: which of the EES, VIS, ETIAS and Eurodac hold data.

    The answer names systems only, never the data; access to the data follows through
    each system's own law-enforcement procedure (Art 22(3)).
    """
    operation = CirOperation.HIT_FLAG
    with _logged_refusals(services.cir, operation, user, body):
        require_operation_role(user, operation)
        document = body.document.to_domain() if body.document is not None else None
        templates = body.templates()
    flag = services.cir.hit_flag(
        user.authority, body.purpose, document=document, templates=templates, user_id=user.user_id
    )
    return hit_flag_public(flag)


@router.get("/access-log", response_model=list[AccessLogEntryPublic], summary="The CIR access log")
def access_log(
    services: ServicesDep,
    user: UserDep,
    authority: Annotated[str | None, Query(max_length=200)] = None,
    operation: CirOperation | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_READ)] = 100,
) -> list[AccessLogEntryPublic]:
    """Reg. (EU) 2019/817 Art 24: the logged queries, newest first, for data-protection monitoring."""
    require_supervisor(user)
    entries = services.cir.access_log(authority=authority, operation=operation, limit=limit)
    return [access_log_entry_public(entry) for entry in entries]
