"""RFC 9457 problem+json: the one place where error kinds become HTTP statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

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
from limes.web.pages import error_page, wants_html

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
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: tuple[FieldError, ...] = (),
    members: dict[str, object] | None = None,
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
    # Extension members (RFC 9457 section 3.2) never replace the standard ones.
    body.update({k: v for k, v in (members or {}).items() if k not in body})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)  # noqa: S101 - registered for DomainError only
    if wants_html(request):
        return error_page(request, status_for(exc), exc.title, exc.detail)
    return problem(status_for(exc), exc.code, exc.title, exc.detail, exc.errors, exc.members())


async def _validation_error(request: Request, exc: Exception) -> Response:
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
    if wants_html(request):
        reasons = "; ".join(f"{e.field or 'the address'}: {e.reason}" for e in errors)
        return error_page(request, 422, InvalidRequest.title, f"This page cannot open: {reasons}.")
    return problem(
        422,
        InvalidRequest.code,
        InvalidRequest.title,
        "The request does not have the expected shape; see `errors` for each field to fix.",
        tuple(FieldError(e.field or "body", e.reason) for e in errors),
    )


def allowed_methods(request: Request) -> str:
    """Every method some route of the app answers at the request's path, for `Allow`.

    Starlette's router names only the methods of the first route with the path; a path
    served by several routes (GET and POST apart) would be advertised as half of itself.
    """
    scope = {**request.scope, "method": "\x00"}  # no route has it: every match is partial
    methods: set[str] = set()
    routes: list[Any] = list(request.app.router.routes)
    while routes:
        route = routes.pop()
        # FastAPI keeps an included router whole (its routes carry their own prefixes).
        included = getattr(route, "original_router", None)
        if included is not None:
            routes.extend(included.routes)
            continue
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


# What a browser is told of an HTTP error on a page.
_PAGE_ERRORS: dict[int, tuple[str, str]] = {
    404: ("Page not found", "There is no page at {path}."),
    405: ("Not possible here", "{path} cannot be opened this way ({method})."),
}


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


_UNPARSABLE_BODY = "There was an error parsing the body"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for it only
    code = {404: NotFound.code, 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # RFC 9110 15.5.6: a 405 names the methods the resource supports.
        headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        # FastAPI's words when the JSON decoder fails other than on syntax: a number of
        # more digits than Python converts (4,300), for instance.
        return problem(
            422,
            InvalidRequest.code,
            InvalidRequest.title,
            "The body could not be read as JSON: a value in it cannot be converted (a "
            "number of more than 4,300 digits, for instance). Send a JSON object.",
            (FieldError("body", "a value cannot be converted"),),
        )
    if wants_html(request):
        title, detail = _PAGE_ERRORS.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        detail = detail.format(path=request.url.path, method=request.method)
        return error_page(request, exc.status_code, title, detail, headers)
    response = problem(exc.status_code, code, str(exc.detail), str(exc.detail))
    response.headers.update(headers)
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error the app can raise answer as problem+json."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
