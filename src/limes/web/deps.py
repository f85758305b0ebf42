"""Annotated FastAPI dependencies shared by the routers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Header, Path, Request

from limes.access.models import User
from limes.core.clock import Clock
from limes.core.errors import NotAuthenticated
from limes.core.limits import MAX_IDENTIFIER_CHARS, MAX_PURPOSE_CHARS

if TYPE_CHECKING:
    from limes.bootstrap import Services

SESSION_COOKIE = "limes_session"


async def get_clock(request: Request) -> Clock:
    """The clock the application was built with."""
    clock: Clock = request.app.state.clock
    return clock


def services_of(request: Request) -> Services:
    """The services the application was built with."""
    services: Services = request.app.state.services
    return services


# The dependencies are coroutines: they only read the application's state, and a
# plain function would cost every request a hop to a worker thread and back.
async def get_services(request: Request) -> Services:
    """The services the application was built with."""
    return services_of(request)


async def current_user(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> User:
    """The signed-in user: a bearer token, or the session cookie of the pages."""
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    elif SESSION_COOKIE in request.cookies:
        token = request.cookies[SESSION_COOKIE]
    if not token:
        raise NotAuthenticated(
            "Sign in first: POST /api/v1/auth/sessions, then send 'Authorization: Bearer <token>'."
        )
    return services_of(request).access.user_for(token)


ClockDep = Annotated[Clock, Depends(get_clock)]
ServicesDep = Annotated["Services", Depends(get_services)]
UserDep = Annotated[User, Depends(current_user)]
# An opaque identifier in a path (a record, a link): its length is bounded before use.
IdentifierPath = Annotated[str, Path(max_length=MAX_IDENTIFIER_CHARS)]
PurposeHeader = Annotated[
    str | None,
    Header(
        alias="X-Purpose",
        max_length=MAX_PURPOSE_CHARS,
        description="The purpose of the access, for the access log",
    ),
]
