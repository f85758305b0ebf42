"""Annotated FastAPI dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from limes.core.clock import Clock


def get_clock(request: Request) -> Clock:
    """The clock the application was built with."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
