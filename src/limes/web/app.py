"""The FastAPI application factory: API routers, pages and vendored static assets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import limes
from limes.access.api import router as access_api
from limes.admin.api import router as admin_api
from limes.admin.pages import router as admin_pages
from limes.ees.api import router as ees_api
from limes.ees.api import web_service_router as ees_web_service_api
from limes.ees.corrections_api import router as ees_corrections_api
from limes.ees.corrections_pages import router as ees_corrections_pages
from limes.ees.pages import router as ees_pages
from limes.interop.cir.api import router as cir_api
from limes.interop.cir.pages import router as cir_pages
from limes.interop.mid.api import router as mid_api
from limes.interop.mid.pages import router as mid_pages
from limes.shortstay.api import router as shortstay_api
from limes.shortstay.pages import router as shortstay_pages
from limes.web.errors import install_problem_handlers
from limes.web.limits import RequestLimits
from limes.web.pages import router as site_pages
from limes.web.serving import MarkServingLoop

if TYPE_CHECKING:
    from limes.bootstrap import Services

STATIC_DIR = Path(__file__).parent / "static"


def create_app(services: Services) -> FastAPI:
    """Build the application over services built by `limes.bootstrap`.

    The application does no background work: detection and the scheduled jobs run in
    the worker process (`limes.worker`), which `limes serve` starts and supervises.
    """
    # The stock documentation pages load their scripts from a CDN; ours are vendored
    # so that they work offline.
    app = FastAPI(
        title="limes",
        version=limes.__version__,
        summary="An open implementation of the EU's interoperable border information systems.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.state.settings = services.settings
    app.state.clock = services.clock
    install_problem_handlers(app)
    # A database call on the loop that serves requests fails at once instead of hanging.
    app.add_middleware(MarkServingLoop)
    # Added last, so outermost: an oversized request is refused before anything runs.
    app.add_middleware(RequestLimits, max_body_bytes=services.settings.web.max_body_bytes)
    app.include_router(access_api)
    app.include_router(admin_api)
    app.include_router(ees_api)
    app.include_router(ees_web_service_api)
    app.include_router(ees_corrections_api)
    app.include_router(shortstay_api)
    app.include_router(shortstay_pages)
    app.include_router(ees_pages)
    app.include_router(ees_corrections_pages)
    app.include_router(mid_api)
    app.include_router(cir_api)
    app.include_router(mid_pages)
    app.include_router(cir_pages)
    app.include_router(admin_pages)
    app.include_router(site_pages)
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
