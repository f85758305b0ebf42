"""What every page needs about its user: the session, the sign-in redirect, the labels."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from limes.access.models import Role, User
from limes.core.errors import NotAuthenticated
from limes.web.deps import SESSION_COOKIE, services_of

__all__ = [
    "LOGIN_PATH",
    "ROLE_LABELS",
    "safe_next",
    "signed_in_user",
    "to_login",
    "user_context",
]

LOGIN_PATH = "/login"

ROLE_LABELS: dict[Role, str] = {
    Role.BORDER_GUARD: "Border guard",
    Role.IMMIGRATION_AUTHORITY: "Immigration authority",
    Role.CARRIER: "Carrier",
    Role.TRAVELLER: "Traveller",
    Role.ADMINISTRATOR: "Administrator",
    Role.POLICE: "Police officer",
    Role.DESIGNATED_AUTHORITY: "Designated authority",
}


def signed_in_user(request: Request) -> User | None:
    """The user of the session cookie, or None when there is none or it is not valid."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return services_of(request).access.user_for(token)
    except NotAuthenticated:
        return None


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after signing in; anything else becomes `default`."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 0x20 for c in target):
        return default
    return target


def to_login(path: str) -> RedirectResponse:
    """Send the browser to the sign-in form, coming back to `path` afterwards."""
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(path, safe='/')}", status_code=303)


def user_context(user: User) -> dict[str, str]:
    """The user as the page templates show it."""
    return {
        "user_id": user.user_id,
        "name": user.name,
        "role": user.role.value,
        "role_label": ROLE_LABELS.get(user.role, user.role.value),
        "authority": user.authority,
        "post": user.post or "",
    }
