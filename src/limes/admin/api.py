"""The demo clock: let days pass so overstays and retention can be seen (env=dev only)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from limes.access.models import Role
from limes.access.service import require_role
from limes.core.clock import LATEST_DEMO_INSTANT, FixedClock, OffsetClock, moved_instant
from limes.core.errors import AccessDenied, Conflict, FieldError, InvalidRequest
from limes.web.deps import ServicesDep, UserDep

router = APIRouter(prefix="/api/v1/admin", tags=["administration"])


class ClockPublic(BaseModel):
    """The instant the system believes it is."""

    now: datetime
    movable: bool


class ClockAdvance(BaseModel):
    """How much time to let pass."""

    days: int = Field(ge=0, le=3660)
    hours: int = Field(default=0, ge=0, le=24 * 366)


@router.get("/clock", response_model=ClockPublic)
def get_clock(services: ServicesDep, user: UserDep) -> ClockPublic:
    """The system's current instant."""
    del user
    movable = (
        isinstance(services.clock, OffsetClock | FixedClock) and services.settings.env == "dev"
    )
    return ClockPublic(now=services.clock.now(), movable=movable)


@router.post("/clock", response_model=ClockPublic)
def advance_clock(body: ClockAdvance, services: ServicesDep, user: UserDep) -> ClockPublic:
    """Let time pass, then run the EES's scheduled work (dev and demo only)."""
    require_role(user, Role.ADMINISTRATOR, Role.BORDER_GUARD)
    clock = services.clock
    if services.settings.env != "dev" or not isinstance(clock, OffsetClock | FixedClock):
        raise AccessDenied("The clock can only be moved in a development or demo installation.")
    if body.days == 0 and body.hours == 0:
        raise Conflict("Give some days or hours to let pass.")
    delta = timedelta(days=body.days, hours=body.hours)
    if moved_instant(clock.now(), delta) is None:
        # Refused before anything moves: the clock, and all that reads it, stay as they were.
        latest = LATEST_DEMO_INSTANT.date().isoformat()
        raise InvalidRequest(
            f"The demo clock cannot be moved past {latest}: dates after it cannot be computed.",
            [FieldError("days", f"too far: the clock stops at {latest}")],
        )
    clock.advance(delta)
    services.ees_operations.flag_overstays()
    return ClockPublic(now=clock.now(), movable=True)
