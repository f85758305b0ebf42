"""The traveller's and the carrier's pages of the web service in a real Chromium (EES Art 13).

The demo clock stands at 23 Nov 2026 (tests/e2e/conftest.py, DESK_START); the stays are
recorded through the API by the demo border guard.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, expect
from tests.e2e.conftest import AIRPORT
from tests.e2e.test_ees_desk import passport

pytestmark = pytest.mark.e2e

TODAY = date(2026, 11, 23)


def _visa(sticker: str, entries: str, days: int) -> dict[str, Any]:
    return {
        "sticker_number": sticker,
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + timedelta(days=60)).isoformat(),
        "duration_days": days,
        "entries": entries,
    }


@pytest.fixture
def six_days_each(browser: Browser, desk_url: str, admin: APIRequestContext) -> None:
    """Two visa holders who stayed 23-28 Nov 2026: one on a single-entry visa, one on a
    multiple-entry visa of 20 days; the clock then stands at 28 Nov 2026."""
    context = browser.new_context(base_url=desk_url)
    guard = context.request
    assert guard.post("/api/v1/auth/sessions", data={"user": "guard", "password": "limes-demo"}).ok
    bodies = [
        {
            "mrz": passport("WS1000001", surname="SINGH", given_names="ARJUN", nationality="IND"),
            "crossing_point": AIRPORT,
            "capture": {"synthetic": True},
            "visa": _visa("FRA100001", "1", 90),
        },
        {
            "mrz": passport("WS2000002", surname="LI", given_names="MEI", nationality="CHN"),
            "crossing_point": AIRPORT,
            "capture": {"synthetic": True},
            "visa": _visa("FRA200002", "multiple", 20),
        },
    ]
    for body in bodies:
        entered = guard.post("/api/v1/ees/entries", data=body)
        assert entered.ok, entered.text()
    assert admin.post("/api/v1/admin/clock", data={"days": 5}).ok
    for body in bodies:
        left = guard.post("/api/v1/ees/exits", data=body)
        assert left.ok, left.text()
    context.close()


def sign_in_to(page: Page, desk_url: str, path: str, user: str) -> None:
    """Open a page, sign in on the form it sends to, and come back to it."""
    page.goto(f"{desk_url}{path}")
    expect(page).to_have_url(f"{desk_url}/login?next={path}")
    page.get_by_test_id("login-user").fill(user)
    page.get_by_test_id("login-password").fill("limes-demo")
    page.get_by_test_id("login-password").press("Enter")
    expect(page).to_have_url(f"{desk_url}{path}")


def ask_stay(page: Page, number: str, state: str, entry: str = "", exit_: str = "") -> None:
    page.get_by_test_id("stay-document-number").fill(number)
    page.get_by_test_id("stay-issuing-state").fill(state)
    page.get_by_test_id("stay-intended-entry").fill(entry)
    page.get_by_test_id("stay-intended-exit").fill(exit_)
    page.get_by_test_id("stay-submit").click()


def test_art_13_1_the_traveller_page_applies_the_visa_and_the_intended_dates(
    page: Page, desk_url: str, six_days_each: None, artifacts: Path
) -> None:
    sign_in_to(page, desk_url, "/ees/stay", "traveller")

    # The single-entry visa is used: no more "84 days left".
    ask_stay(page, "WS1000001", "ind")
    answer = page.get_by_test_id("stay-answer")
    expect(page.get_by_test_id("stay-verdict")).to_have_text("NOT OK")
    expect(answer).to_have_class("panel answer-bad")
    expect(page.get_by_test_id("stay-reason")).to_contain_text("entries of the visa")

    # 14 of the visa's 20 days are left: a stay of 14 days from 8 Dec is OK, 15 is not.
    ask_stay(page, "WS2000002", "CHN", "2026-12-08", "2026-12-21")
    expect(page.get_by_test_id("stay-verdict")).to_have_text("OK")
    expect(page.get_by_test_id("stay-reason")).to_contain_text("you could stay 14 days")
    page.screenshot(path=str(artifacts / "ees-stay-page.png"), full_page=True)
    ask_stay(page, "WS2000002", "CHN", "2026-12-08", "2026-12-22")
    expect(page.get_by_test_id("stay-verdict")).to_have_text("NOT OK")
    expect(page.get_by_test_id("stay-reason")).to_contain_text("1 day too late")

    # A date in the past is refused, saying why.
    ask_stay(page, "WS2000002", "CHN", "2026-11-01")
    expect(page.get_by_test_id("form-problem")).to_contain_text("before today")
    expect(page.get_by_test_id("stay-answer")).to_have_count(0)


def test_art_13_3_the_carrier_page_checks_the_visa_on_the_date_of_travel(
    page: Page, desk_url: str, six_days_each: None, artifacts: Path
) -> None:
    sign_in_to(page, desk_url, "/ees/carrier", "carrier")

    def ask(number: str, state: str, sticker: str, travel: str = "") -> None:
        page.get_by_test_id("carrier-document-number").fill(number)
        page.get_by_test_id("carrier-issuing-state").fill(state)
        page.get_by_test_id("carrier-sticker").fill(sticker)
        page.get_by_test_id("carrier-intended-entry").fill(travel)
        page.get_by_test_id("carrier-submit").click()

    ask("WS1000001", "IND", "FRA100001")
    expect(page.get_by_test_id("carrier-verdict")).to_have_text(
        "NOT OK: the entries this visa allows are used."
    )

    ask("WS2000002", "CHN", "FRA200002")
    expect(page.get_by_test_id("carrier-verdict")).to_have_text(
        "OK: a multiple-entry visa, valid on the date of travel."
    )
    ask("WS2000002", "CHN", "FRA200002", "2027-01-25")
    verdict = page.get_by_test_id("carrier-verdict")
    expect(verdict).to_have_text("NOT OK: the visa is not valid on the date of travel.")
    page.screenshot(path=str(artifacts / "ees-carrier-page.png"), full_page=True)
    # The carrier learns OK or NOT OK only: no date, no day of the stays.
    assert not any(ch.isdigit() for ch in page.get_by_test_id("carrier-answer").inner_text())
