"""The error hierarchy of limes.

Outcomes (a stay verdict, a match) are values; exceptions are for operations that
fail. Every exception a caller may see derives from `DomainError`:

* DomainError
  x InvalidRequest        the input is wrong; the message says what to fix
    + PayloadTooLarge     the input is over its size limit (core/limits.py)
  x NotFound              a named thing does not exist
  x Conflict              the request clashes with stored state
  x NotAuthenticated      no valid sign-in came with the request
  x AccessDenied          the user's role or purpose does not allow it
  x BackendUnavailable    a store or a peer system cannot be reached

The web layer maps these kinds to HTTP statuses in one table (RFC 9457 problem+json);
the CLI prints a one-line message and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field, addressed by a JSON-pointer-like path."""

    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """The field error as a JSON-ready mapping."""
        return {"field": self.field, "reason": self.reason}


class DomainError(Exception):
    """Base of every error limes reports to a caller."""

    code: ClassVar[str] = "error"
    title: ClassVar[str] = "Error"

    def __init__(self, detail: str, errors: Iterable[FieldError] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: tuple[FieldError, ...] = tuple(errors)

    def members(self) -> dict[str, object]:
        """Extension members of the problem (RFC 9457 section 3.2): data to act on."""
        return {}

    def __str__(self) -> str:
        if not self.errors:
            return self.detail
        parts = "; ".join(f"{e.field}: {e.reason}" for e in self.errors)
        # A detail that already names the fields is not repeated.
        return self.detail if parts in self.detail else f"{self.detail} ({parts})"


class InvalidRequest(DomainError):
    """The input is malformed or breaks a rule; nothing was changed."""

    code = "invalid-request"
    title = "Invalid request"


class PayloadTooLarge(InvalidRequest):
    """The input is larger than its limit; nothing of it was used."""

    code = "payload-too-large"
    title = "Payload too large"


class NotFound(DomainError):
    """The thing asked for does not exist."""

    code = "not-found"
    title = "Not found"


class Conflict(DomainError):
    """The request clashes with what is already stored."""

    code = "conflict"
    title = "Conflict"


class StaleWrite(Conflict):
    """A change was decided on data that someone else changed meanwhile; nothing was written."""

    code = "stale-write"
    title = "Changed meanwhile"


class NotAuthenticated(DomainError):
    """No valid credentials came with the request."""

    code = "not-authenticated"
    title = "Sign-in required"


class AccessDenied(DomainError):
    """The user's role or stated purpose does not allow the operation."""

    code = "access-denied"
    title = "Access denied"


class BackendUnavailable(DomainError):
    """A store or a peer system cannot be reached right now."""

    code = "backend-unavailable"
    title = "Backend unavailable"


class InvalidDocument(InvalidRequest):
    """A travel document or its machine-readable zone is malformed."""

    code = "invalid-document"
    title = "Invalid travel document"


class InvalidStayHistory(InvalidRequest):
    """The stays given to the 90/180-day calculator cannot be computed."""

    code = "invalid-stay-history"
    title = "Invalid stay history"
