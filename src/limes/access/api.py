"""Sign-in over HTTP: POST /api/v1/auth/sessions."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from limes.core.limits import MAX_PASSWORD_CHARS, MAX_USER_ID_CHARS
from limes.web.deps import SESSION_COOKIE, ServicesDep, UserDep

router = APIRouter(prefix="/api/v1/auth", tags=["sign-in"])


class SessionCreate(BaseModel):
    """A user name and password."""

    user: str = Field(min_length=1, max_length=MAX_USER_ID_CHARS, examples=["guard"])
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_CHARS, examples=["limes-demo"])


class UserPublic(BaseModel):
    """Who is signed in."""

    user_id: str
    name: str
    role: str
    authority: str
    post: str | None = Field(
        default=None, description="The crossing point where a border guard serves"
    )


class SessionPublic(BaseModel):
    """A session: send the token as `Authorization: Bearer <token>`."""

    token: str
    expires_at: datetime
    user: UserPublic


@router.post("/sessions", response_model=SessionPublic, summary="Sign in")
def create_session(body: SessionCreate, services: ServicesDep, response: Response) -> SessionPublic:
    """Check the password and return a session token; the pages get it as a cookie."""
    session = services.access.sign_in(body.user, body.password)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        httponly=True,
        samesite="strict",
        expires=session.expires_at,
    )
    user = session.user
    return SessionPublic(
        token=session.token,
        expires_at=session.expires_at,
        user=UserPublic(
            user_id=user.user_id,
            name=user.name,
            role=user.role,
            authority=user.authority,
            post=user.post,
        ),
    )


@router.delete("/sessions", status_code=204, summary="Sign out of the pages")
def delete_session(response: Response) -> Response:
    """Forget the session cookie."""
    response.delete_cookie(SESSION_COOKIE)
    response.status_code = 204
    return response


@router.get("/me", response_model=UserPublic, summary="Who am I")
def who_am_i(user: UserDep) -> UserPublic:
    """The signed-in user."""
    return UserPublic(
        user_id=user.user_id,
        name=user.name,
        role=user.role,
        authority=user.authority,
        post=user.post,
    )
