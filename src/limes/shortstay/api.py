"""HTTP API of the calculator: POST /api/v1/shortstay/calculations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from limes.shortstay.rules import calculate
from limes.shortstay.schemas import CalculationCreate, CalculationPublic, calculation_to_json

router = APIRouter(prefix="/api/v1/shortstay", tags=["short stay (90/180 days)"])


@router.post(
    "/calculations",
    response_model=CalculationPublic,
    summary="Compute the 90/180-day short stay as the Commission's calculator does",
)
def create_calculation(request: CalculationCreate) -> Any:
    """Days used, overstays, the stay that may be authorised and the next possible entry."""
    stays, on, mode, visa = request.to_domain()
    return calculation_to_json(calculate(stays, on, mode, visa))
