"""A reference for the EES benchmark: the HTTP layer alone, no service, no database.

The same routes, the same sign-in, the same 14 kB bodies parsed and validated into
`CrossingIn` and turned into domain requests (base64 decoding of the templates), on
the same uvicorn; the answer is a small fixed receipt. What this serves a second is
the ceiling that FastAPI, pydantic and uvicorn leave to the border check:

    uvicorn bench.ees_noop:create_app --factory
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header

from limes.ees.schemas import CrossingIn, ExitIn

Key = Annotated[str | None, Header(alias="Idempotency-Key")]
_RECEIPT = {"record_id": "E0", "file_id": "F0", "created_file": False, "replayed": False}


def create_app() -> FastAPI:
    """The parse-only application."""
    app = FastAPI()

    @app.post("/api/v1/auth/sessions")
    def sign_in() -> dict[str, Any]:
        return {"token": "reference"}

    @app.post("/api/v1/ees/entries", status_code=201)
    def entry(body: CrossingIn, key: Key = None) -> dict[str, Any]:
        del key
        body.to_domain(datetime.now(UTC).date())
        return _RECEIPT

    @app.post("/api/v1/ees/exits", status_code=201)
    def exit_(body: ExitIn, key: Key = None) -> dict[str, Any]:
        del key
        body.to_domain(datetime.now(UTC).date())
        return _RECEIPT

    return app
