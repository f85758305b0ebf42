"""RFC 9457 problem+json: the one place where error kinds become HTTP statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from limes.core.errors import (
    AccessDenied,
    BackendUnavailable,
    Conflict,
    DomainError,
    FieldError,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
)
from limes.core.limits import MAX_DETAIL_CHARS, MAX_EXCERPT_CHARS, bounded_errors, cut
from limes.jsonio import field_errors_from_pydantic, json_position

PROBLEM_JSON = "application/problem+json"

# Error kind -> HTTP status, resolved along the exception's MRO.
STATUS_BY_KIND: dict[type[DomainError], int] = {
    DomainError: 500,
    InvalidRequest: 422,
    PayloadTooLarge: 413,
    NotFound: 404,
    Conflict: 409,
    NotAuthenticated: 401,
    AccessDenied: 403,
    BackendUnavailable: 503,
}


def status_for(error: DomainError) -> int:
    """The HTTP status of an error, from the nearest kind in its MRO."""
    for kind in type(error).__mro__:
        if kind in STATUS_BY_KIND:
            return STATUS_BY_KIND[kind]
    return 500  # pragma: no cover - DomainError is always in the MRO


def problem(
    status: int, code: str, title: str, detail: str, errors: tuple[FieldError, ...] = ()
) -> JSONResponse:
    """An RFC 9457 problem response with limes' stable `code` and field `errors`.

    No answer repeats a large input: the detail and each reason are cut, and at most
    `MAX_FIELD_ERRORS` field errors are listed (core/limits.py).
    """
    body: dict[str, Any] = {
        "type": f"urn:limes:problem:{code}",
        "title": title,
        "status": status,
        "detail": cut(detail, MAX_DETAIL_CHARS),
        "code": code,
    }
    if errors:
        body["errors"] = [e.as_dict() for e in bounded_errors(errors)]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)  # noqa: S101 - registered for DomainError only
    return problem(status_for(exc), exc.code, exc.title, exc.detail, exc.errors)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for it only
    entries = exc.errors()
    if any(e["type"] == "json_invalid" for e in entries):
        return _invalid_json(exc, entries)
    if (sent := _sent_other_than_json(request, entries)) is not None:
        return problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"The body was sent as {sent}; send it as JSON, with the header "
            "'Content-Type: application/json'.",
            (FieldError("body", "give a JSON object, sent as application/json"),),
        )
    errors = tuple(
        FieldError(e.field.removeprefix("body.").removeprefix("body"), e.reason)
        for e in field_errors_from_pydantic(exc)
    )
    return problem(
        422,
        InvalidRequest.code,
        InvalidRequest.title,
        "The request does not have the expected shape; see `errors` for each field to fix.",
        tuple(FieldError(e.field or "body", e.reason) for e in errors),
    )


def _invalid_json(exc: RequestValidationError, entries: Sequence[Any]) -> JSONResponse:
    """Malformed JSON, told by line and column rather than by offset."""
    entry = next(e for e in entries if e["type"] == "json_invalid")
    offset = entry["loc"][-1] if isinstance(entry["loc"][-1], int) else 0
    what = str(entry.get("ctx", {}).get("error", "malformed JSON"))
    reason = what
    if isinstance(exc.body, str):
        line, column = json_position(exc.body, offset)
        reason = f"line {line}, column {column}: {what}"
    return problem(
        422,
        InvalidRequest.code,
        InvalidRequest.title,
        f"The body is not valid JSON ({reason}).",
        (FieldError("body", reason),),
    )


def _sent_other_than_json(request: Request, entries: Sequence[Any]) -> str | None:
    """What was sent instead, when the whole JSON body is refused and the request's
    media type is not JSON; None otherwise."""
    if not any(tuple(e["loc"]) == ("body",) for e in entries):
        return None
    sent = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if sent == "application/json" or sent.endswith("+json"):
        return None
    return cut(sent, MAX_EXCERPT_CHARS) if sent else "no Content-Type"


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for it only
    code = {404: NotFound.code, 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    return problem(exc.status_code, code, str(exc.detail), str(exc.detail))


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error the app can raise answer as problem+json."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
