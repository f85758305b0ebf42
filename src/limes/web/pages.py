"""What every page shares: its templates, the navigation by role, where each role lands.

The navigation is one table: a page is listed for the roles the API lets use it, so a
signed-in user sees only what they may open, in the same order on every page. After
signing in, a user lands on their role's own page (`GET /start`). Errors met by a
browser (a missing page, a page not for the role) are answered as HTML pages from the
base template; the API keeps problem+json.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

import limes
from limes.access.models import Role, User
from limes.web.session import LOGIN_PATH, ROLE_LABELS, signed_in_user, to_login, user_context

__all__ = [
    "PAGES",
    "START_PATH",
    "PageLink",
    "error_page",
    "forbidden_page",
    "form_fields",
    "landing_path",
    "navigation",
    "page_for_path",
    "page_templates",
    "router",
    "wants_html",
]

WEB_TEMPLATES = Path(__file__).parent / "templates"
START_PATH = "/start"

_ALL = frozenset(Role)


@dataclass(frozen=True, slots=True)
class PageLink:
    """A page of the navigation: who may open it (None: everyone, signed in or not)."""

    key: str
    label: str
    path: str
    roles: frozenset[Role] | None
    # What the sign-in form says a visitor is about to open ("sign in to open ...").
    purpose: str


# The roles of each page are those the API lets use what the page shows (see each
# system's api.py: ees SUPERVISORS, mid READERS, cir ALLOWED_ROLES and SUPERVISORS).
PAGES: tuple[PageLink, ...] = (
    PageLink("desk", "Border desk", "/ees/desk", frozenset({Role.BORDER_GUARD}), "the border desk"),
    PageLink(
        "overstayers",
        "Overstayers",
        "/ees/overstayers",
        frozenset({Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR}),
        "the overstayer list",
    ),
    PageLink(
        "notices",
        "Notices",
        "/ees/notices",
        frozenset({Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR}),
        "the EES notices to your Member State",
    ),
    PageLink(
        "mid",
        "Identity checks",
        "/mid/queue",
        frozenset({Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR}),
        "the identity checks of the multiple-identity detector",
    ),
    PageLink(
        "carrier", "Carrier check", "/ees/carrier", frozenset({Role.CARRIER}), "the carrier check"
    ),
    PageLink("stay", "Your stay", "/ees/stay", frozenset({Role.TRAVELLER}), "your authorised stay"),
    PageLink(
        "identification",
        "Police identification",
        "/cir/identification",
        frozenset({Role.POLICE}),
        "police identification in the common identity repository",
    ),
    PageLink(
        "hit-flag",
        "Hit flag",
        "/cir/hit-flag",
        frozenset({Role.DESIGNATED_AUTHORITY}),
        "the hit flag of the common identity repository",
    ),
    PageLink(
        "admin", "Administration", "/admin", frozenset({Role.ADMINISTRATOR}), "administration"
    ),
    PageLink("calculator", "Stay calculator", "/", None, "the stay calculator"),
)

# Where each role lands after signing in: its own page.
LANDING: dict[Role, str] = {
    Role.BORDER_GUARD: "desk",
    Role.IMMIGRATION_AUTHORITY: "overstayers",
    Role.CARRIER: "carrier",
    Role.TRAVELLER: "stay",
    Role.ADMINISTRATOR: "admin",
    Role.POLICE: "identification",
    Role.DESIGNATED_AUTHORITY: "hit-flag",
}
_BY_KEY = {page.key: page for page in PAGES}


def may_open(user: User | None, key: str) -> bool:
    """Whether `user` (None: an anonymous visitor) may open the page `key`."""
    roles = _BY_KEY[key].roles
    return roles is None or (user is not None and user.role in roles)


def navigation(user: User | None) -> list[PageLink]:
    """The pages `user` may open, in the table's order."""
    return [page for page in PAGES if may_open(user, page.key)]


def landing_path(user: User) -> str:
    """The page a user lands on after signing in."""
    return _BY_KEY[LANDING.get(user.role, "calculator")].path


def page_for_path(path: str | None) -> PageLink | None:
    """The page of the navigation that `path` opens (a link's page is the queue's)."""
    if not path:
        return None
    path = path.split("?", 1)[0]
    if path.startswith("/mid/"):
        return _BY_KEY["mid"]
    if path.startswith("/ees/files/"):  # a file opened from the overstayer list
        return _BY_KEY["overstayers"]
    return next((page for page in PAGES if page.path == path), None)


def _nav_context(request: Request) -> dict[str, Any]:
    user = signed_in_user(request)
    return {
        "user": user,
        "role_label": ROLE_LABELS.get(user.role, user.role.value) if user else "",
        "pages": navigation(user),
        "current": page_for_path(request.url.path),
    }


def page_templates(*directories: Path) -> Jinja2Templates:
    """Jinja2 templates over `directories` and the base templates, with the navigation."""
    templates = Jinja2Templates(directory=(*directories, WEB_TEMPLATES))
    templates.env.globals["version"] = limes.__version__
    templates.env.globals["site_navigation"] = _nav_context
    return templates


templates = page_templates()


def wants_html(request: Request) -> bool:
    """Whether the request comes from a browser opening a page, not from an API client."""
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/openapi.json", "/docs"):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(
    request: Request,
    status_code: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """An error as a page of the site, with its navigation."""
    user = signed_in_user(request)
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "status": status_code,
            "title": title,
            "detail": detail,
            "home": landing_path(user) if user else "/",
            "user": user_context(user) if user else None,
        },
        status_code=status_code,
        headers=headers,
    )


def forbidden_page(request: Request, user: User, key: str) -> HTMLResponse:
    """A page the user's role may not open: say so, and where their own page is."""
    page = _BY_KEY[key]
    allowed = sorted(ROLE_LABELS[role].lower() for role in page.roles or _ALL)
    return error_page(
        request,
        403,
        "Not for your role",
        f"{page.label} is for {' and '.join(allowed)} users; you are signed in as "
        f"{user.name} ({ROLE_LABELS[user.role].lower()}).",
    )


def page_user(request: Request, key: str) -> User | Response:
    """The signed-in user of the page `key`, or the response to give instead.

    An anonymous visitor goes to the sign-in form (which says why); a user whose role may
    not open the page gets a 403 page.
    """
    user = signed_in_user(request)
    if user is None:
        return to_login(request.url.path)
    if not may_open(user, key):
        return forbidden_page(request, user, key)
    return user


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form (application/x-www-form-urlencoded), the last value of each field."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[-1].strip() for k, v in parse_qs(body, keep_blank_values=True).items()}


router = APIRouter(include_in_schema=False)


@router.get(START_PATH, response_model=None)
def start(request: Request) -> Response:
    """Where the sign-in form goes: the signed-in user's own page."""
    user = signed_in_user(request)
    if user is None:
        return RedirectResponse(LOGIN_PATH, status_code=303)
    return RedirectResponse(landing_path(user), status_code=303)
