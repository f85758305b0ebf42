"""The back-office pages of corrections: a file with its records and the actions the
law allows on them (Art 19, 20, 35), and the notices to the user's Member State (Art 34).

Plain forms posted to the server: each posted form is validated by the same request
shapes as the API (`limes.ees.corrections_api`) and handed to the same service, then
the page is shown again with what was done or what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from limes.access.models import Role, User
from limes.core.errors import AccessDenied, DomainError
from limes.ees.corrections import (
    EesCorrections,
    RecordRectification,
    StayDecisionRequest,
)
from limes.ees.corrections_api import (
    ERASERS,
    RECTIFIERS,
    STAY_DECIDERS,
    AdvanceErasureIn,
    IdentityRectificationIn,
    RebuttalIn,
    RecordRectificationIn,
    StayDecisionIn,
    actor_of,
    file_detail_public,
    notice_public,
)
from limes.ees.domain.corrections import AdvanceErasureGround, StayDecisionKind
from limes.ees.domain.models import REFUSAL_REASON_TEXT, EvidenceKind
from limes.jsonio import field_errors_from_pydantic
from limes.web.deps import services_of
from limes.web.errors import status_for
from limes.web.pages import form_fields, page_templates, page_user
from limes.web.session import user_context

templates = page_templates(Path(__file__).parent / "templates")

FILE_PATH = "/ees/files/{file_id}"
NOTICES_PATH = "/ees/notices"

router = APIRouter(include_in_schema=False)

EVIDENCE_TEXT: dict[EvidenceKind, str] = {
    EvidenceKind.EXIT_STAMP: "Exit stamp of another state in the travel document",
    EvidenceKind.THIRD_COUNTRY_ENTRY_STAMP: "Entry stamp of a third country",
    EvidenceKind.BOARDING_PASS: "Boarding pass",
    EvidenceKind.TRANSPORT_TICKET: "Ticket of a journey out",
    EvidenceKind.OTHER: "Other evidence",
}
ERASURE_TEXT: dict[AdvanceErasureGround, str] = {
    AdvanceErasureGround.NATIONALITY: "Acquired the nationality of a Member State",
    AdvanceErasureGround.RESIDENCE_PERMIT: "Holds a residence permit",
    AdvanceErasureGround.RESIDENCE_CARD: "Holds a residence card",
    AdvanceErasureGround.LONG_STAY_VISA: "Holds a long-stay visa",
    AdvanceErasureGround.OUT_OF_SCOPE: "Falls under Art 2(3) (outside the EES)",
}
DONE_TEXT = {
    "rebuttal": "The rebuttal is recorded and the exit it proves is set (Art 20).",
    "stay": "The decision on the stay is entered in the record (Art 19).",
    "rectification": "The record is rectified (Art 35(1)).",
    "identity": "The identity data are rectified in the CIR (Art 35(1)).",
    "acknowledged": "The notice is acknowledged.",
}


def _file_page(
    request: Request,
    user: User,
    file_id: str,
    *,
    done: str | None = None,
    problem: str | None = None,
    problem_fields: list[str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    services = services_of(request)
    corrections = EesCorrections(services.ees_store, services.clock)
    try:
        view = corrections.file_view(actor_of(user, None), file_id)
    except DomainError as error:
        return templates.TemplateResponse(
            request,
            "file.html",
            {"user": user_context(user), "missing": error.detail, "file_id": file_id},
            status_code=status_for(error),
        )
    return templates.TemplateResponse(
        request,
        "file.html",
        {
            "user": user_context(user),
            "file": file_detail_public(view),
            "today": services.clock.today().isoformat(),
            "done": DONE_TEXT.get(done or ""),
            "problem": problem,
            "problem_fields": problem_fields or [],
            "form": form or {},
            "may_decide": user.role in STAY_DECIDERS,
            "may_rectify": user.role in RECTIFIERS,
            "may_erase": user.role in ERASERS,
            "evidence_kinds": list(EVIDENCE_TEXT.items()),
            "decision_kinds": [k.value for k in StayDecisionKind],
            "erasure_grounds": list(ERASURE_TEXT.items()),
            "reasons": [(r.value, text) for r, text in REFUSAL_REASON_TEXT.items()],
        },
        status_code=status_code,
    )


@router.get(FILE_PATH, response_class=HTMLResponse, response_model=None)
def file_page(request: Request, file_id: str, done: str | None = None) -> Response:
    """An individual file, its records and the corrections its reader may make."""
    user = page_user(request, "overstayers")
    if isinstance(user, Response):
        return user
    return _file_page(request, user, file_id, done=done)


M = TypeVar("M", bound=BaseModel)


def _parsed(model: type[M], values: dict[str, Any]) -> M:
    return model.model_validate({k: v for k, v in values.items() if v not in ("", None)})


def _rebut(corrections: EesCorrections, user: User, _file_id: str, form: dict[str, str]) -> str:
    body = _parsed(RebuttalIn, {k: form.get(k) for k in ("kind", "evidence", "exit_on")})
    corrections.rebut(
        actor_of(user, None), form.get("record_id", ""), body.kind, body.evidence, body.exit_on
    )
    return "rebuttal"


def _decide(corrections: EesCorrections, user: User, _file_id: str, form: dict[str, str]) -> str:
    fields = ("kind", "decided_on", "place", "grounds", "new_until", "visa_sticker_number")
    values: dict[str, Any] = {k: form.get(k) for k in fields}
    if form.get("revocation_reason"):
        values["revocation_reasons"] = [form["revocation_reason"]]
    body = _parsed(StayDecisionIn, values)
    request = StayDecisionRequest(
        kind=body.kind,
        decided_on=body.decided_on,
        place=body.place,
        grounds=body.grounds,
        new_until=body.new_until,
        visa_sticker_number=body.visa_sticker_number,
        revocation_reasons=tuple(body.revocation_reasons),
    )
    corrections.decide_stay(actor_of(user, None), form.get("record_id", ""), request)
    return "stay"


def _rectify(corrections: EesCorrections, user: User, _file_id: str, form: dict[str, str]) -> str:
    fields = ("entry_at", "entry_crossing_point", "exit_at", "exit_crossing_point")
    values = {k: form.get(k) for k in fields}
    for name in ("entry_at", "exit_at"):  # a datetime-local field: a UTC instant
        if values[name]:
            values[name] = f"{values[name]}Z" if len(values[name] or "") <= 19 else values[name]
    body = _parsed(RecordRectificationIn, values)
    change = RecordRectification(
        entry_at=body.entry_at,
        entry_crossing_point=body.entry_crossing_point,
        exit_at=body.exit_at,
        exit_crossing_point=body.exit_crossing_point,
    )
    corrections.rectify_record(actor_of(user, None), form.get("record_id", ""), change)
    return "rectification"


def _rectify_identity(
    corrections: EesCorrections, user: User, file_id: str, form: dict[str, str]
) -> str:
    values: dict[str, Any] = {
        k: form.get(k) for k in ("surname", "given_names", "date_of_birth", "sex")
    }
    if form.get("nationalities"):
        values["nationalities"] = form["nationalities"].upper().replace(",", " ").split()
    body = _parsed(IdentityRectificationIn, values)
    corrections.rectify_identity(actor_of(user, None), file_id, body.to_domain())
    return "identity"


Action = Callable[[EesCorrections, User, str, dict[str, str]], str]
_ACTIONS: dict[str, tuple[Action, tuple[Role, ...]]] = {
    "rebuttal": (_rebut, (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR)),
    "stay": (_decide, STAY_DECIDERS),
    "rectification": (_rectify, RECTIFIERS),
    "identity": (_rectify_identity, RECTIFIERS),
}


@router.post("/ees/files/{file_id}/{action}", response_class=HTMLResponse, response_model=None)
async def file_action(request: Request, file_id: str, action: str) -> Response:
    """Apply a correction posted from the file page, then show the page again."""
    user = page_user(request, "overstayers")
    if isinstance(user, Response):
        return user
    form = await form_fields(request)
    services = services_of(request)
    corrections = EesCorrections(services.ees_store, services.clock)
    if action == "erasure":
        return await _erase(request, user, file_id, form, corrections)
    found = _ACTIONS.get(action)
    if found is None:
        return await run_in_threadpool(
            _file_page, request, user, file_id, problem="Unknown action.", status_code=404
        )
    act, roles = found
    try:
        if user.role not in roles:
            raise _not_for(user)
        done = await run_in_threadpool(act, corrections, user, file_id, form)
    except ValidationError as error:
        fields = [e.field.lstrip(".") for e in field_errors_from_pydantic(error)]
        return await run_in_threadpool(
            lambda: _file_page(
                request,
                user,
                file_id,
                problem=f"Check these fields: {', '.join(fields)}.",
                problem_fields=fields,
                form=form,
                status_code=422,
            )
        )
    except DomainError as error:
        problem_fields = [e.field for e in error.errors]
        detail, status = error.detail, status_for(error)
        return await run_in_threadpool(
            lambda: _file_page(
                request,
                user,
                file_id,
                problem=detail,
                problem_fields=problem_fields,
                form=form,
                status_code=status,
            )
        )
    return RedirectResponse(f"/ees/files/{quote(file_id)}?done={done}", status_code=303)


async def _erase(
    request: Request,
    user: User,
    file_id: str,
    form: dict[str, str],
    corrections: EesCorrections,
) -> Response:
    try:
        if user.role not in ERASERS:
            raise _not_for(user)
        body = _parsed(AdvanceErasureIn, {k: form.get(k) for k in ("ground", "grounds")})
        await run_in_threadpool(
            corrections.erase_in_advance, actor_of(user, None), file_id, body.ground, body.grounds
        )
    except (ValidationError, DomainError) as error:
        problem = (
            error.detail
            if isinstance(error, DomainError)
            else "Choose the ground and give the decision it rests on."
        )
        status = status_for(error) if isinstance(error, DomainError) else 422
        return await run_in_threadpool(
            lambda: _file_page(
                request, user, file_id, problem=problem, form=form, status_code=status
            )
        )
    return templates.TemplateResponse(
        request,
        "file.html",
        {"user": user_context(user), "erased": file_id, "file_id": file_id},
    )


def _not_for(user: User) -> DomainError:
    return AccessDenied(f"The role {user.role.value} may not make this correction.")


# --- the notices to the user's Member State (Art 34) ------------------------------------------


def _notices_page(
    request: Request,
    user: User,
    *,
    done: str | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    services = services_of(request)
    corrections = EesCorrections(services.ees_store, services.clock)
    try:
        found = [notice_public(n) for n in corrections.notices(actor_of(user, None))]
    except DomainError as error:
        found, problem, status_code = [], error.detail, status_for(error)
    return templates.TemplateResponse(
        request,
        "notices.html",
        {
            "user": user_context(user),
            "notices": found,
            "done": DONE_TEXT.get(done or ""),
            "problem": problem,
        },
        status_code=status_code,
    )


@router.get(NOTICES_PATH, response_class=HTMLResponse, response_model=None)
def notices_page(request: Request, done: str | None = None) -> Response:
    """The notices addressed to the user's Member State (EES Art 34)."""
    user = page_user(request, "notices")
    if isinstance(user, Response):
        return user
    return _notices_page(request, user, done=done)


@router.post(
    "/ees/notices/{notice_id}/acknowledgement", response_class=HTMLResponse, response_model=None
)
def acknowledge_form(request: Request, notice_id: str) -> Response:
    """Acknowledge a notice from the page."""
    user = page_user(request, "notices")
    if isinstance(user, Response):
        return user
    services = services_of(request)
    corrections = EesCorrections(services.ees_store, services.clock)
    try:
        corrections.acknowledge(actor_of(user, None), notice_id)
    except DomainError as error:
        return _notices_page(request, user, problem=error.detail, status_code=status_for(error))
    return RedirectResponse(f"{NOTICES_PATH}?done=acknowledged", status_code=303)
