"""Marks the event loops that serve the application (see `limes.db.loop_guard`)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from limes.db.loop_guard import mark_serving_loop


class MarkServingLoop:
    """Pure ASGI middleware: the loop serving this request refuses blocking database calls."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Mark the loop, then pass the request on."""
        mark_serving_loop()
        await self.app(scope, receive, send)
