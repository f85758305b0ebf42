"""Sign-in and signed session tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from limes.access.models import DEFAULT_PURPOSE, Role, User
from limes.access.passwords import verify_password
from limes.core.clock import Clock
from limes.core.errors import AccessDenied, FieldError, InvalidRequest, NotAuthenticated
from limes.core.limits import MAX_AUTHORIZATION_CHARS, MAX_PASSWORD_CHARS, MAX_PURPOSE_CHARS

SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in user and the token that proves it."""

    user: User
    token: str
    expires_at: datetime


class AccessService:
    """Checks passwords and tokens; a token is `user.expiry.signature`, HMAC-SHA256."""

    def __init__(self, users: Iterable[User], secret: bytes, clock: Clock) -> None:
        self._users = {user.user_id: user for user in users}
        self._secret = secret
        self._clock = clock
        self._cache: dict[str, tuple[User, datetime]] = {}

    def users(self) -> list[User]:
        """Every user, by id."""
        return [self._users[k] for k in sorted(self._users)]

    def sign_in(self, user_id: str, password: str) -> Session:
        """Check the password and issue a session token; a password over
        `MAX_PASSWORD_CHARS` is not hashed, whichever form sent it."""
        user = self._users.get(user_id)
        too_long = len(password) > MAX_PASSWORD_CHARS
        if user is None or too_long or not verify_password(password, user.password_hash):
            raise NotAuthenticated(
                "Unknown user or wrong password.",
                [FieldError("password", "check the user name and password")],
            )
        expires_at = self._clock.now() + SESSION_LIFETIME
        payload = f"{user.user_id}.{int(expires_at.timestamp())}"
        return Session(user, f"{payload}.{self._sign(payload)}", expires_at)

    def user_for(self, token: str) -> User:
        """The user a token belongs to; `NotAuthenticated` if it is forged or expired."""
        if len(token) > MAX_AUTHORIZATION_CHARS:
            raise NotAuthenticated(
                "The session token is longer than any limes issues; sign in again."
            )
        cached = self._cache.get(token)
        now = self._clock.now()
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            user_id, expiry, signature = token.rsplit(".", 2)
            expires_at = datetime.fromtimestamp(int(expiry), tz=now.tzinfo)
        except ValueError:
            raise NotAuthenticated("The session token is malformed; sign in again.") from None
        if not hmac.compare_digest(signature, self._sign(f"{user_id}.{expiry}")):
            raise NotAuthenticated("The session token is not valid; sign in again.")
        if expires_at <= now:
            raise NotAuthenticated("The session has expired; sign in again.")
        user = self._users.get(user_id)
        if user is None:
            raise NotAuthenticated("The session's user no longer exists; sign in again.")
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (user, expires_at)
        return user

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def require_role(user: User, *roles: Role) -> None:
    """Refuse a user whose role is not among `roles` (EES Art 9: duly authorised staff)."""
    if user.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise AccessDenied(f"The role {user.role.value} may not do this; it needs {allowed}.")


def purpose_of(user: User, stated: str | None) -> str:
    """The purpose to log: the one stated with the request, or the role's default.

    Raises:
        InvalidRequest: the stated purpose is longer than `MAX_PURPOSE_CHARS`; it is
            not logged.
    """
    if stated is not None and len(stated) > MAX_PURPOSE_CHARS:
        reason = f"at most {MAX_PURPOSE_CHARS} characters"
        raise InvalidRequest(
            f"The stated purpose is too long: {reason}.", [FieldError("X-Purpose", reason)]
        )
    return stated.strip() if stated and stated.strip() else DEFAULT_PURPOSE[user.role]
