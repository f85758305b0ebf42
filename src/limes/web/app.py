"""The FastAPI application factory: API routers, pages and vendored static assets."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
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
    # The stock documentation pages load their scripts from a CDN; ours are vendored
    # so that they work offline.
    app = FastAPI(
        title="limes",
        version=limes.__version__,
        summary="An open implementation of the EU's interoperable border information systems.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock
    install_problem_handlers(app)
    app.include_router(shortstay_api)
    app.include_router(shortstay_pages)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_documentation() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="limes API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    return app
