"""The transport limits of every request: header bytes and body bytes, as pure ASGI.

A body over the limit is refused without being read: a `Content-Length` over it is
answered 413 at once, before the application runs; a body without one (chunked) is
counted as it streams in and refused at the first chunk past the limit. Headers over
`MAX_HEADER_BYTES` in all are answered 431, a path and query over `MAX_URL_BYTES`
414. Every answer is RFC 9457 problem+json that names the limit.

A body within its declared `Content-Length` is passed through untouched: the server
never delivers more bytes than that header announces, so the common request costs one
pass over its headers (about 2 microseconds) and no wrapper at all.

Starlette's `RequestBodyLimitMiddleware` (FastAPI's `max_body_size`) is not used: it
builds a responder per request, lets the application start before refusing a declared
length, and answers in plain text without naming the limit.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from limes.core.errors import FieldError, PayloadTooLarge
from limes.core.limits import MAX_HEADER_BYTES, MAX_URL_BYTES

__all__ = ["RequestLimits"]

_PROBLEM_JSON = b"application/problem+json"


class _BodyTooLarge(Exception):
    """Raised into the application by `receive` when a streamed body passes the limit."""


def _problem(
    status: int, code: str, title: str, detail: str, error: FieldError
) -> tuple[Message, Message]:
    """The two messages of a problem+json answer, built once per application."""
    body = orjson.dumps(
        {
            "type": f"urn:limes:problem:{code}",
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
            "errors": [error.as_dict()],
        }
    )
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", _PROBLEM_JSON),
            (b"content-length", str(len(body)).encode()),
            # The unread body is left on the connection: the client starts afresh.
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


async def _refuse(send: Send, answer: tuple[Message, Message]) -> None:
    for message in answer:
        await send(message)


class RequestLimits:
    """ASGI middleware: refuse request headers over `MAX_HEADER_BYTES` and bodies over
    `max_body_bytes` (LIMES_WEB__MAX_BODY_BYTES), while they stream in."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._body_too_large = _problem(
            413,
            PayloadTooLarge.code,
            PayloadTooLarge.title,
            f"The request body is larger than this server's limit of {max_body_bytes:,} "
            "bytes; nothing was read or stored.",
            FieldError("body", f"at most {max_body_bytes:,} bytes"),
        )
        self._url_too_long = _problem(
            414,
            "uri-too-long",
            "URI too long",
            f"The request's path and query are longer than {MAX_URL_BYTES:,} bytes.",
            FieldError("url", f"at most {MAX_URL_BYTES:,} bytes"),
        )
        self._headers_too_large = _problem(
            431,
            "headers-too-large",
            "Request headers too large",
            f"The request headers total more than {MAX_HEADER_BYTES:,} bytes; "
            "send fewer or shorter headers.",
            FieldError("headers", f"at most {MAX_HEADER_BYTES:,} bytes in all"),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
            await _refuse(send, self._url_too_long)
            return
        size = 0
        declared: bytes | None = None
        for name, value in scope["headers"]:
            size += len(name) + len(value)
            if name == b"content-length":
                declared = value
        if size > MAX_HEADER_BYTES:
            await _refuse(send, self._headers_too_large)
            return
        if declared is not None and declared.isdigit():
            if int(declared) > self.max_body_bytes:
                await _refuse(send, self._body_too_large)
                return
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application over a body of unknown length, counting its bytes."""
        limit = self.max_body_bytes
        received = 0
        refused = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the application's answer to a cut body: the 413 goes instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # Whatever the application made of `_BodyTooLarge` (FastAPI turns it into
            # a 400, a bare reader lets it through), the answer is the 413.
            if not refused or started:
                raise
        if refused and not started:
            await _refuse(send, self._body_too_large)
