"""Composition root: settings -> adapters -> services -> the web app."""

from __future__ import annotations

from fastapi import FastAPI

from limes.core.clock import Clock, SystemClock
from limes.settings import Settings
from limes.web.app import create_app


def build_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the FastAPI application with its real dependencies."""
    return create_app(settings or Settings(), clock=clock or SystemClock())
