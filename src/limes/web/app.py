"""The FastAPI application factory: API routers, pages and vendored static assets."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import limes
from limes.core.clock import Clock
from limes.settings import Settings
from limes.shortstay.api import router as shortstay_api
from limes.shortstay.pages import router as shortstay_pages
from limes.web.errors import install_problem_handlers

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings, clock: Clock) -> FastAPI:
    """Build the application from settings and injected dependencies."""
    app = FastAPI(
        title="limes",
        version=limes.__version__,
        summary="An open implementation of the EU's interoperable border information systems.",
    )
    app.state.settings = settings
    app.state.clock = clock
    install_problem_handlers(app)
    app.include_router(shortstay_api)
    app.include_router(shortstay_pages)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
