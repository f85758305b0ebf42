"""The desk shows a fall-back crossing flagged for review (EES Art 21), in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.e2e.conftest import AIRPORT
from tests.e2e.test_ees_desk import (  # noqa: F401 - outage_desk is a fixture
    choose_crossing_point,
    outage_desk,
    passport,
    scan,
    sign_in_at_desk,
)
from tests.pg import PostgresServer

SIGN_IN = "/api/v1/auth/sessions"


@pytest.mark.postgres
def test_ees_art_21_an_outage_entry_over_90_days_is_recorded_and_shown_for_review(
    page: Page,
    browser: Browser,
    outage_desk: tuple[str, PostgresServer],  # noqa: F811 - the fixture imported above
    artifacts: Path,
) -> None:
    """90 days used, then admitted while the central store is down: the upload records
    the entry flagged for review, and the desk shows it with the calculator's reason."""
    desk_url, central = outage_desk
    mrz = passport("E2E910091", surname="ADEYEMI", given_names="TOLU", nationality="GBR")
    crossing = {"mrz": mrz, "crossing_point": AIRPORT, "capture": {"synthetic": True}}
    context = browser.new_context(base_url=desk_url)
    try:
        api = context.request
        assert api.post(SIGN_IN, data={"user": "admin", "password": "limes-demo"}).ok
        assert api.put(
            f"/api/v1/ees/crossing-points/{AIRPORT}",
            data={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        ).ok
        assert api.post(SIGN_IN, data={"user": "guard", "password": "limes-demo"}).ok
        assert api.post("/api/v1/ees/entries", data=crossing).status == 201
        assert api.post(SIGN_IN, data={"user": "admin", "password": "limes-demo"}).ok
        assert api.post("/api/v1/admin/clock", data={"days": 89}).ok
        assert api.post(SIGN_IN, data={"user": "guard", "password": "limes-demo"}).ok
        assert api.post("/api/v1/ees/exits", data=crossing).status == 201
        assert api.post(SIGN_IN, data={"user": "admin", "password": "limes-demo"}).ok
        assert api.post("/api/v1/admin/clock", data={"days": 5}).ok

        central.pause()
        assert api.post(SIGN_IN, data={"user": "guard", "password": "limes-demo"}).ok
        queued = api.post("/api/v1/ees/entries", data=crossing)
        assert queued.status == 202, queued.text()
        central.resume()
        replay = api.post("/api/v1/ees/fallback/replay")
        assert replay.ok, replay.text()
        assert replay.json()["failed"] == []
        assert len(replay.json()["uploaded"]) == 1

        [listed] = api.get("/api/v1/ees/review").json()
        assert "EES Art 21" in listed["review_reason"]
        assert listed["record"]["source"] == "fallback"
    finally:
        context.close()

    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    scan(page, mrz)
    expect(page.get_by_test_id("review-chip")).to_have_count(1)
    expect(page.get_by_test_id("review-chip")).to_have_attribute("title", listed["review_reason"])
    expect(page.locator("#warnings")).to_contain_text("needs review")
    page.screenshot(path=str(artifacts / "ees-desk-fallback-review.png"), full_page=True)
