"""The administrator's page: crossing points, scheduled jobs, the fall-back queue, the
demo clock and the CIR access log, over the same services as the API.

A plain server-rendered page; its buttons are forms that post back to it, so it works
without JavaScript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from limes.access.models import User
from limes.admin.api import ClockAdvance, advance_clock, get_clock
from limes.core.errors import DomainError
from limes.web.deps import services_of
from limes.web.errors import status_for
from limes.web.pages import form_fields, page_templates, page_user
from limes.web.session import user_context

templates = page_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

ADMIN_PATH = "/admin"
# The latest CIR log entries shown; the API and `limes cir access-log` give more.
LOG_ROWS = 20


def _overview(request: Request, user: User) -> dict[str, Any]:
    services = services_of(request)
    queue = services.ees_fallback.queue
    return {
        "user": user_context(user),
        "crossing_points": services.ees_operations.crossing_points(),
        "clock": get_clock(services, user),
        "pending": len(queue.pending()),
        "failed": queue.failed(),
        "access_log": services.cir.access_log(limit=LOG_ROWS),
    }


def _page(request: Request, user: User, status_code: int = 200, **extra: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "admin.html", {**_overview(request, user), **extra}, status_code=status_code
    )


@router.get(ADMIN_PATH, response_class=HTMLResponse, response_model=None)
def admin_page(request: Request) -> Response:
    """The state of the installation, and its controls."""
    user = page_user(request, "admin")
    if isinstance(user, Response):
        return user
    return _page(request, user)


def _act(request: Request, user: User, form: dict[str, str]) -> str:
    services = services_of(request)
    action = form.get("action", "")
    if action == "overstays":
        flagged = services.ees_operations.flag_overstays()
        return f"Overstays flagged: {len(flagged)}."
    if action == "retention":
        report = services.ees_operations.run_retention()
        return f"Retention ran on {report.ran_on}: {len(report.steps)} step(s) taken."
    if action == "logs":
        erased = services.ees_operations.erase_logs()
        return f"Logs erased one year after their data (Art 46(4)): {erased}."
    if action == "replay":
        replay = services.ees_fallback.replay()
        return (
            f"Fall-back queue: {len(replay.uploaded)} uploaded, {len(replay.failed)} refused, "
            f"{replay.remaining} still queued."
        )
    if action == "clock":
        days = form.get("days", "")
        if not days.isdigit():
            return "Give the number of days to let pass."
        moved = advance_clock(ClockAdvance(days=min(int(days), 3660)), services, user)
        return f"The demo clock now reads {moved.now:%Y-%m-%d %H:%M} UTC; overstays were flagged."
    return "Choose an action."


@router.post(ADMIN_PATH, response_class=HTMLResponse, response_model=None)
async def admin_action(request: Request) -> Response:
    """Run a job, upload the fall-back queue or let days pass, then show the page again."""
    user = page_user(request, "admin")
    if isinstance(user, Response):
        return user
    form = await form_fields(request)
    try:
        notice = await run_in_threadpool(_act, request, user, form)
    except DomainError as error:
        status, problem = status_for(error), error.detail
        return await run_in_threadpool(lambda: _page(request, user, status, problem=problem))
    return await run_in_threadpool(lambda: _page(request, user, notice=notice))
