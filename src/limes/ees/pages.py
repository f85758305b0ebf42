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
from fastapi.templating import Jinja2Templates

import limes
from limes.access.models import Role
from limes.ees.domain.models import REFUSAL_REASON_TEXT
from limes.web.deps import SESSION_COOKIE, services_of
from limes.web.session import (
    LOGIN_PATH,
    safe_next,
    signed_in_user,
    to_login,
    user_context,
)

TEMPLATE_DIRS = (
    Path(__file__).parent / "templates",
    Path(__file__).parent.parent / "web" / "templates",
)

templates = Jinja2Templates(directory=TEMPLATE_DIRS)
templates.env.globals["version"] = limes.__version__

DESK_PATH = "/ees/desk"
OVERSTAYERS_PATH = "/ees/overstayers"

router = APIRouter(include_in_schema=False)


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> HTMLResponse:
    """The sign-in form; it posts JSON to the sign-in API and then goes to `next`."""
    user = signed_in_user(request)
    return templates.TemplateResponse(
        request,
        "login.html",
        {
            "next": safe_next(next_path, DESK_PATH),
            "user": user_context(user) if user else None,
            "sessions_url": "/api/v1/auth/sessions",
            "show_demo_users": services_of(request).settings.env == "dev",
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
    user = signed_in_user(request)
    if user is None:
        return to_login(DESK_PATH)
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
    user = signed_in_user(request)
    if user is None:
        return to_login(OVERSTAYERS_PATH)
    return templates.TemplateResponse(request, "overstayers.html", {"user": user_context(user)})
