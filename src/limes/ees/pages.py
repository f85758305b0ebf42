"""The border guard's workstation, the overstayer list and the sign-in page.

Like the stay calculator, these pages hold no rule of their own: they are forms
and a script (`static/ees-desk.js`) that call the JSON API under `/api/v1/` with
the session cookie, so the pages and the API can never disagree. Python only
checks that someone is signed in before it hands out a page that needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from limes.access.demo import demo_users
from limes.access.models import Role, User
from limes.access.service import purpose_of
from limes.core.errors import InvalidRequest
from limes.ees.api import CarrierQueryIn, StayQueryIn
from limes.ees.domain.models import REFUSAL_REASON_TEXT
from limes.ees.outcomes import Actor
from limes.ees.web_service import EesWebService
from limes.jsonio import field_errors_from_pydantic
from limes.web.deps import SESSION_COOKIE, services_of
from limes.web.pages import START_PATH, form_fields, page_for_path, page_templates, page_user
from limes.web.session import (
    LOGIN_PATH,
    ROLE_LABELS,
    safe_next,
    signed_in_user,
    user_context,
)

templates = page_templates(Path(__file__).parent / "templates")

DESK_PATH = "/ees/desk"
OVERSTAYERS_PATH = "/ees/overstayers"

router = APIRouter(include_in_schema=False)


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> HTMLResponse:
    """The sign-in form; it posts JSON to the sign-in API and then goes to `next`.

    Without `next`, the user lands on their role's own page (`/start`). A visitor sent
    here from a page is told which page they were opening.
    """
    user = signed_in_user(request)
    target = safe_next(next_path, START_PATH)
    opening = page_for_path(target) if target != START_PATH else None
    demo = services_of(request).settings.env == "dev"
    return templates.TemplateResponse(
        request,
        "login.html",
        {
            "next": target,
            "opening": opening.purpose if opening else None,
            "user": user_context(user) if user else None,
            "sessions_url": "/api/v1/auth/sessions",
            "show_demo_users": demo,
            "demo_users": [(u.user_id, ROLE_LABELS[u.role], u.name) for u in demo_users()]
            if demo
            else [],
        },
    )


@router.post("/logout")
def logout() -> Response:
    """Forget the session cookie and go back to the sign-in form."""
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get(DESK_PATH, response_class=HTMLResponse, response_model=None)
def desk_page(request: Request) -> Response:
    """The border guard's workstation (EES Art 23): check, then record in one key."""
    user = page_user(request, "desk")
    if isinstance(user, Response):
        return user
    return templates.TemplateResponse(
        request,
        "desk.html",
        {
            "user": user_context(user),
            "may_record": user.role is Role.BORDER_GUARD,
            "reasons": [(reason.value, text) for reason, text in REFUSAL_REASON_TEXT.items()],
        },
    )


@router.get(OVERSTAYERS_PATH, response_class=HTMLResponse, response_model=None)
def overstayers_page(request: Request) -> Response:
    """The overstayer list (EES Art 12(3)) for supervisors, drawn from the API."""
    user = page_user(request, "overstayers")
    if isinstance(user, Response):
        return user
    return templates.TemplateResponse(request, "overstayers.html", {"user": user_context(user)})


# --- the web service for travellers and carriers (EES Art 13), as forms -------------------

CARRIER_PATH = "/ees/carrier"
STAY_PATH = "/ees/stay"


def _web_service_page(
    request: Request, user: User, template: str, form: dict[str, str], **context: object
) -> HTMLResponse:
    status = 422 if context.get("problem") else 200
    return templates.TemplateResponse(
        request,
        template,
        {"user": user_context(user), "form": form, **context},
        status_code=status,
    )


def _actor(user: User) -> Actor:
    return Actor(user.user_id, user.role.value, user.authority, purpose_of(user, None))


_OPTIONAL_DATES = ("intended_entry", "intended_exit")


def _document_query(form: dict[str, str], model: type[StayQueryIn]) -> StayQueryIn | str:
    # An intended date left empty is not given (EES Art 13(1): entry or exit, or both).
    given = {k: v for k, v in form.items() if k not in _OPTIONAL_DATES or v.strip()}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        errors = field_errors_from_pydantic(error)
        if any(e.field.lstrip(".") in _OPTIONAL_DATES for e in errors):
            return (
                "Give the dates as dates ("
                + "; ".join(f"{e.field.lstrip('.')}: {e.reason}" for e in errors)
                + ")."
            )
        fields = ", ".join(e.field.lstrip(".") for e in errors)
        return f"Fill in every field ({fields})."


def _problem_of(error: InvalidRequest) -> str:
    """A refused query in words, each field with what to correct."""
    return f"{error.detail} " + "; ".join(f"{e.reason}" for e in error.errors)


@router.get(STAY_PATH, response_class=HTMLResponse, response_model=None)
def stay_page(request: Request) -> Response:
    """A traveller checks their remaining authorised stay (EES Art 13(1))."""
    user = page_user(request, "stay")
    if isinstance(user, Response):
        return user
    return _web_service_page(request, user, "stay.html", {})


@router.post(STAY_PATH, response_class=HTMLResponse, response_model=None)
async def stay_answer(request: Request) -> Response:
    """The remaining stay of the traveller holding the document given."""
    user = page_user(request, "stay")
    if isinstance(user, Response):
        return user
    form = await form_fields(request)
    query = _document_query(form, StayQueryIn)
    if isinstance(query, str):
        return _web_service_page(request, user, "stay.html", form, problem=query)
    services = services_of(request)
    web = EesWebService(services.ees_store, services.clock)
    try:
        answer = await run_in_threadpool(
            web.remaining_stay,
            _actor(user),
            query.document_number.upper(),
            query.issuing_state.upper(),
            query.intended_entry,
            query.intended_exit,
        )
    except InvalidRequest as error:
        return _web_service_page(request, user, "stay.html", form, problem=_problem_of(error))
    return _web_service_page(
        request, user, "stay.html", form, answer=answer, searched=True, today=services.clock.today()
    )


@router.get(CARRIER_PATH, response_class=HTMLResponse, response_model=None)
def carrier_page(request: Request) -> Response:
    """A carrier checks a passenger's single- or double-entry visa (EES Art 13(3))."""
    user = page_user(request, "carrier")
    if isinstance(user, Response):
        return user
    return _web_service_page(request, user, "carrier.html", {})


@router.post(CARRIER_PATH, response_class=HTMLResponse, response_model=None)
async def carrier_answer(request: Request) -> Response:
    """OK or NOT OK for the passenger's visa."""
    user = page_user(request, "carrier")
    if isinstance(user, Response):
        return user
    form = await form_fields(request)
    query = _document_query(form, CarrierQueryIn)
    if isinstance(query, str) or not isinstance(query, CarrierQueryIn):
        return _web_service_page(request, user, "carrier.html", form, problem=str(query))
    services = services_of(request)
    web = EesWebService(services.ees_store, services.clock)
    try:
        answer = await run_in_threadpool(
            web.carrier_check,
            _actor(user),
            query.document_number.upper(),
            query.issuing_state.upper(),
            query.visa_sticker_number.upper(),
            query.intended_entry,
            query.intended_exit,
        )
    except InvalidRequest as error:
        return _web_service_page(request, user, "carrier.html", form, problem=_problem_of(error))
    return _web_service_page(request, user, "carrier.html", form, answer=answer)
