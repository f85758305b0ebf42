"""The public 90/180-day stay-calculator page.

The page is a form and a script: the browser posts to the JSON API
(`POST /api/v1/shortstay/calculations`) and draws the answer, so the page and the
API can never disagree. Python only hands the template today's date and the list
of states a stay may be in.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from limes.core.countries import country
from limes.core.schengen import ACCESSION_STAGES, OUTSIDE_SCHENGEN
from limes.web.deps import ClockDep
from limes.web.pages import page_templates

templates = page_templates(Path(__file__).parent / "templates")


def _name(code: str) -> str:
    known = country(code)
    return known.name if known else code


def state_options() -> list[tuple[str, str]]:
    """(code, label) for every Schengen state and for the EU states outside the area."""
    options = [(code, _name(code)) for code in {stage.state for stage in ACCESSION_STAGES}]
    options += [(code, f"{_name(code)} (not counted)") for code in OUTSIDE_SCHENGEN]
    return sorted(options, key=lambda option: option[1])


# The JSON API the page posts to (limes.shortstay.api).
CALCULATIONS_PATH = "/api/v1/shortstay/calculations"

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def calculator_page(request: Request, clock: ClockDep) -> HTMLResponse:
    """The stay calculator, with today's date preselected."""
    return templates.TemplateResponse(
        request,
        "calculator.html",
        {
            "today": clock.today().isoformat(),
            "states": state_options(),
            "api_url": request.scope.get("root_path", "") + CALCULATIONS_PATH,
        },
    )
