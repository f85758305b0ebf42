"""Real-browser fixtures: the real app under uvicorn, and Debian's Chromium via Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import APIRequestContext, Browser, Page, sync_playwright
from tests.conftest import settings_in

from limes.bootstrap import Services, build_app, build_services
from limes.core.clock import FixedClock
from limes.worker import DetectionLoop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free loopback port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_with_worker(services: Services) -> Iterator[str]:
    """The app over `services`, and the worker's detection beside it (on a thread here;
    `limes serve` runs it in a process of its own)."""
    detection = DetectionLoop(services.mid.detect_changes, idle=0.1)
    detection.start()
    try:
        with serve(build_app(services=services)) as url:
            yield url
    finally:
        detection.stop()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real application, served by uvicorn in a thread on a free loopback port."""
    with serve_with_worker(build_services(settings_in(tmp_path_factory.mktemp("e2e")))) as url:
        yield url


# The demo clock of the desk tests: it stands still until a test lets days pass.
DESK_START = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


@pytest.fixture
def desk_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh application of its own (new SQLite database, a movable demo clock set to
    DESK_START, or to the day of a `desk_start` mark) for one test, so that letting days
    pass touches no other test."""
    mark = request.node.get_closest_marker("desk_start")
    start = mark.args[0] if mark is not None else DESK_START
    services = build_services(settings_in(tmp_path), clock=FixedClock(start))
    with serve_with_worker(services) as url:
        yield url


AIRPORT = "FRA-CDG"
LAND = "HRV-BAJ"


@pytest.fixture
def admin(browser: Browser, desk_url: str) -> Iterator[APIRequestContext]:
    """The demo administrator's API session, with the two crossing points of the tests."""
    context = browser.new_context(base_url=desk_url)
    api = context.request
    signed_in = api.post("/api/v1/auth/sessions", data={"user": "admin", "password": "limes-demo"})
    assert signed_in.ok, signed_in.text()
    airport = api.put(
        f"/api/v1/ees/crossing-points/{AIRPORT}",
        data={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
    )
    assert airport.ok, airport.text()
    land = api.put(
        f"/api/v1/ees/crossing-points/{LAND}",
        data={
            "name": "Bajakovo",
            "country": "HRV",
            "border_type": "land",
        },
    )
    assert land.ok, land.text()
    try:
        yield api
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, or a skip when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh desktop-sized page; fails the test on any uncaught script error."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", color_scheme="light"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
    assert not script_errors, f"script errors on the page: {script_errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go: `test-artifacts/` (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
