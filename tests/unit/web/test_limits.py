"""The transport limits as pure ASGI: a body over the limit is never read into memory."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.types import Message, Receive, Scope, Send

from limes.core.limits import MAX_HEADER_BYTES, MAX_URL_BYTES
from limes.web.limits import RequestLimits
from tests.loops import run_on_a_loop_of_its_own

LIMIT = 1_000
CHUNK = 256


def _scope(headers: list[tuple[bytes, bytes]]) -> Scope:
    return {"type": "http", "method": "POST", "path": "/x", "headers": headers}


async def _echo_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole body, then answers 200 with its length."""
    del scope
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def _run(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    scope: Scope,
    chunks: int,
) -> tuple[list[Message], int]:
    """Drive the middleware over a body of `chunks` chunks; the answer and the bytes pulled."""
    sent: list[Message] = []
    pulled = 0

    async def receive() -> Message:
        nonlocal pulled
        if pulled >= chunks * CHUNK:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += CHUNK
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    run_on_a_loop_of_its_own(RequestLimits(app, LIMIT)(scope, receive, send))
    return sent, pulled


def _status_and_body(sent: list[Message]) -> tuple[int, dict[str, object]]:
    start, body = sent
    assert dict(start["headers"])[b"content-type"] == b"application/problem+json"
    return start["status"], json.loads(body["body"])


def test_a_declared_length_over_the_limit_is_refused_before_the_app_runs() -> None:
    called = False

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal called
        called = True
        await _echo_app(scope, receive, send)

    sent, pulled = _run(app, _scope([(b"content-length", b"10485760")]), chunks=40_960)
    assert called is False
    assert pulled == 0
    status, body = _status_and_body(sent)
    assert status == 413
    assert body["code"] == "payload-too-large"
    assert body["errors"] == [{"field": "body", "reason": "at most 1,000 bytes"}]
    assert "1,000 bytes" in str(body["detail"])


def test_a_streamed_body_is_refused_at_the_first_chunk_past_the_limit() -> None:
    sent, pulled = _run(_echo_app, _scope([]), chunks=40_960)  # 10 MiB offered
    assert pulled <= LIMIT + CHUNK
    status, body = _status_and_body(sent)
    assert status == 413
    assert body["code"] == "payload-too-large"


def test_an_app_that_swallows_the_refusal_still_answers_413_and_nothing_else() -> None:
    async def forgiving_app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await _echo_app(scope, receive, send)
        except Exception:  # as a framework turning any read error into a 400
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"bad body"})

    sent, _ = _run(forgiving_app, _scope([]), chunks=100)
    status, _ = _status_and_body(sent)
    assert status == 413


def test_bodies_within_the_limit_pass_declared_or_streamed() -> None:
    declared, _ = _run(_echo_app, _scope([(b"content-length", b"768")]), chunks=3)
    streamed, _ = _run(_echo_app, _scope([]), chunks=3)
    for sent in (declared, streamed):
        assert sent[0]["status"] == 200
        assert sent[1]["body"] == b"768"


def test_headers_over_their_limit_are_refused_with_431() -> None:
    big = [(b"x-filler", b"y" * (MAX_HEADER_BYTES + 1))]
    sent, pulled = _run(_echo_app, _scope(big), chunks=1)
    status, body = _status_and_body(sent)
    assert (status, pulled) == (431, 0)
    assert body["code"] == "headers-too-large"
    assert body["errors"] == [{"field": "headers", "reason": "at most 16,384 bytes in all"}]


def test_a_url_over_its_limit_is_refused_with_414() -> None:
    scope = {**_scope([]), "raw_path": b"/api/v1/mid/links/" + b"x" * MAX_URL_BYTES}
    sent, pulled = _run(_echo_app, scope, chunks=1)
    status, body = _status_and_body(sent)
    assert (status, pulled) == (414, 0)
    assert body["errors"] == [{"field": "url", "reason": "at most 8,192 bytes"}]


def test_other_scopes_pass_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        del receive, send
        seen.append(scope["type"])

    async def nothing() -> Message:
        return {"type": "lifespan.startup"}

    async def ignore(message: Message) -> None:
        del message

    run_on_a_loop_of_its_own(RequestLimits(app, LIMIT)({"type": "lifespan"}, nothing, ignore))
    assert seen == ["lifespan"]
