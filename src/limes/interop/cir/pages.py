"""The CIR's pages: police identification (Art 20) and the hit flag (Art 22).

Server-rendered forms over the same schemas and service as the API (`cir/api.py`), and
logged the same way, a refusal too (Art 24). A browser cannot take fingerprints or a
face: in this open system the "live capture" is the demo's synthetic capture of the
person who holds a given passport, labelled synthetic, as at the border desk.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from limes.access.models import User
from limes.biometrics.synthetic import DEMO_SEED, SyntheticBiometrics
from limes.biometrics.templates import Modality
from limes.core.errors import DomainError, FieldError
from limes.interop.cir.api import _logged_refusals
from limes.interop.cir.logs import CirOperation
from limes.interop.cir.officers import require_operation_role
from limes.interop.cir.schemas import (
    HitFlagIn,
    IdentificationIn,
    hit_flag_public,
    identification_public,
)
from limes.jsonio import field_errors_from_pydantic
from limes.web.deps import services_of
from limes.web.errors import status_for
from limes.web.pages import form_fields, page_templates, page_user
from limes.web.session import user_context

templates = page_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

IDENTIFICATION_PATH = "/cir/identification"
HIT_FLAG_PATH = "/cir/hit-flag"

GROUNDS = (
    ("no_document", "No travel document"),
    ("doubtful_document", "The document's authenticity is doubtful"),
    ("doubtful_identity", "The identity is doubtful"),
    ("cannot_or_will_not_cooperate", "The person cannot or will not cooperate"),
)
_SYNTHETIC = SyntheticBiometrics(seed=DEMO_SEED)


def _probe(nationality: str, document_number: str) -> dict[str, Any]:
    """The demo's live capture of a face: the synthetic face of this passport's holder."""
    key = f"{nationality.upper()}:{document_number.upper()}"
    template = _SYNTHETIC.capture(key, Modality.FACE)
    return {
        "modality": template.modality.value,
        "vector": base64.b64encode(template.vector).decode(),
        "quality": template.quality,
        "synthetic": True,
    }


def _query(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"purpose": form.get("purpose", "")}
    if form.get("capture_nationality") and form.get("capture_document"):
        body["probes"] = [_probe(form["capture_nationality"], form["capture_document"])]
    if form.get("document_number") or form.get("document_issuing_state"):
        body["document"] = {
            "number": form.get("document_number", ""),
            "issuing_state": form.get("document_issuing_state", ""),
        }
    return body


def _render(
    request: Request,
    template: str,
    user: User,
    form: dict[str, str],
    *,
    result: Any = None,
    problem: str | None = None,
    errors: tuple[FieldError, ...] = (),
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user_context(user),
            "form": form,
            "grounds": GROUNDS,
            "result": result,
            "problem": problem,
            "errors": errors,
        },
        status_code=status_code,
    )


def _invalid(error: ValidationError) -> tuple[str, tuple[FieldError, ...]]:
    errors = tuple(field_errors_from_pydantic(error))
    return "The form cannot be sent as it is; fix the fields listed.", errors


@router.get(IDENTIFICATION_PATH, response_class=HTMLResponse, response_model=None)
def identification_page(request: Request) -> Response:
    """Police identification from biometrics taken live (Reg. (EU) 2019/817 Art 20)."""
    user = page_user(request, "identification")
    if isinstance(user, Response):
        return user
    return _render(request, "cir_identification.html", user, {"captured_live": "on"})


@router.post(IDENTIFICATION_PATH, response_class=HTMLResponse, response_model=None)
async def identify(request: Request) -> Response:
    """Send the identification form through the CIR's service and show the answer."""
    user = page_user(request, "identification")
    if isinstance(user, Response):
        return user
    form = await form_fields(request)
    body = _query(form)
    body |= {
        "ground": form.get("ground") or None,
        "captured_live": form.get("captured_live") == "on",
        "in_childs_interest": form.get("in_childs_interest") == "on",
        "estimated_age": form.get("estimated_age") or None,
        "date_of_birth": form.get("date_of_birth") or None,
    }
    try:
        query = IdentificationIn.model_validate(body)
    except ValidationError as error:
        problem, errors = _invalid(error)
        return _render(
            request,
            "cir_identification.html",
            user,
            form,
            problem=problem,
            errors=errors,
            status_code=422,
        )
    cir = services_of(request).cir

    def run() -> Any:
        with _logged_refusals(cir, CirOperation.POLICE_IDENTIFICATION, user, query):
            require_operation_role(user, CirOperation.POLICE_IDENTIFICATION)
            request_ = query.to_domain(user)
        return identification_public(cir.identify(request_))

    try:
        result = await run_in_threadpool(run)
    except DomainError as error:
        return _render(
            request,
            "cir_identification.html",
            user,
            form,
            problem=error.detail,
            errors=error.errors,
            status_code=status_for(error),
        )
    return _render(request, "cir_identification.html", user, form, result=result)


@router.get(HIT_FLAG_PATH, response_class=HTMLResponse, response_model=None)
def hit_flag_page(request: Request) -> Response:
    """Which systems hold data on a person (Reg. (EU) 2019/817 Art 22)."""
    user = page_user(request, "hit-flag")
    if isinstance(user, Response):
        return user
    return _render(request, "cir_hit_flag.html", user, {})


@router.post(HIT_FLAG_PATH, response_class=HTMLResponse, response_model=None)
async def hit_flag(request: Request) -> Response:
    """Send the hit-flag form through the CIR's service and show which systems answered."""
    user = page_user(request, "hit-flag")
    if isinstance(user, Response):
        return user
    form = await form_fields(request)
    try:
        query = HitFlagIn.model_validate(_query(form))
    except ValidationError as error:
        problem, errors = _invalid(error)
        return _render(
            request,
            "cir_hit_flag.html",
            user,
            form,
            problem=problem,
            errors=errors,
            status_code=422,
        )
    cir = services_of(request).cir

    def run() -> Any:
        with _logged_refusals(cir, CirOperation.HIT_FLAG, user, query):
            require_operation_role(user, CirOperation.HIT_FLAG)
            document = query.document.to_domain() if query.document is not None else None
            probes = query.templates()
        flag = cir.hit_flag(
            user.authority,
            query.purpose,
            document=document,
            templates=probes,
            user_id=user.user_id,
        )
        return hit_flag_public(flag)

    try:
        result = await run_in_threadpool(run)
    except DomainError as error:
        return _render(
            request,
            "cir_hit_flag.html",
            user,
            form,
            problem=error.detail,
            errors=error.errors,
            status_code=status_for(error),
        )
    return _render(request, "cir_hit_flag.html", user, form, result=result)
