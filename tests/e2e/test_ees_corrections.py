"""Corrections of the EES record in a real Chromium: from the overstayer list to the
traveller's file, a rebuttal (Art 20) and an extension of the stay (Art 19); the
notices to the Member State (Art 34).

Each test gets an application of its own (`desk_url`: a fresh SQLite database and a
demo clock at 23 Nov 2026 08:30 UTC), seeded through the API.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, expect
from tests.e2e.conftest import AIRPORT
from tests.e2e.test_ees_desk import passport

pytestmark = pytest.mark.e2e


def _enter(browser: Browser, desk_url: str, mrz: str) -> None:
    guard = browser.new_context(base_url=desk_url)
    try:
        assert guard.request.post(
            "/api/v1/auth/sessions", data={"user": "guard", "password": "limes-demo"}
        ).ok
        entered = guard.request.post(
            "/api/v1/ees/entries",
            data={"mrz": mrz, "crossing_point": AIRPORT, "capture": {"synthetic": True}},
        )
        assert entered.ok, entered.text()
    finally:
        guard.close()


def _open_file_from_the_list(page: Page, desk_url: str, surname: str) -> None:
    page.goto(f"{desk_url}/ees/overstayers")
    expect(page).to_have_url(f"{desk_url}/login?next=/ees/overstayers")
    page.get_by_test_id("login-user").fill("immigration")
    page.get_by_test_id("login-password").fill("limes-demo")
    page.get_by_test_id("login-submit").click()
    row = page.get_by_test_id("overstayer")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(surname)
    row.get_by_test_id("overstayer-file").click()
    expect(page.get_by_test_id("ees-file")).to_be_visible()
    expect(page.get_by_test_id("file-name")).to_contain_text(surname)


def test_art20_a_rebuttal_on_the_file_page_sets_the_exit_and_empties_the_list(
    page: Page, browser: Browser, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    _enter(browser, desk_url, passport("E2E900001", surname="IVANOVA", nationality="UKR"))
    assert admin.post("/api/v1/admin/clock", data={"days": 100}).ok
    _open_file_from_the_list(page, desk_url, "IVANOVA")
    record = page.get_by_test_id("file-record")
    expect(record.get_by_test_id("record-status")).to_contain_text("overstay from 2027-02-21")

    # An exit before the entry cannot be: the page says what to fix and keeps the form.
    page.get_by_test_id("rebuttal-kind").select_option("boarding_pass")
    page.get_by_test_id("rebuttal-exit-on").fill("2026-11-01")
    page.get_by_test_id("rebuttal-evidence").fill("Boarding pass Helsinki-Kyiv, PS 712")
    page.get_by_test_id("rebuttal-submit").click()
    expect(page.get_by_test_id("file-problem")).to_contain_text("before the entry")
    expect(page.get_by_test_id("rebuttal-evidence")).to_have_value(
        "Boarding pass Helsinki-Kyiv, PS 712"
    )

    page.get_by_test_id("rebuttal-exit-on").fill("2026-12-23")
    page.get_by_test_id("rebuttal-submit").click()
    expect(page.get_by_test_id("file-done")).to_contain_text("Art 20")
    expect(record.get_by_test_id("record-exit")).to_contain_text("2026-12-23")
    expect(record.get_by_test_id("record-exit-by-rebuttal")).to_contain_text("boarding pass")
    expect(record.get_by_test_id("record-status")).to_contain_text("left")
    expect(page.get_by_test_id("file-last-exit")).to_have_text("2026-12-23")
    expect(page.get_by_test_id("rebuttal-form")).to_have_count(0)
    page.screenshot(path=str(artifacts / "ees-file-rebutted.png"), full_page=True)

    page.goto(f"{desk_url}/ees/overstayers")
    expect(page.get_by_test_id("overstayers-count")).to_have_text("0 overstayers")


def test_art19_an_extension_on_the_file_page_ends_the_overstay(
    page: Page, browser: Browser, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    _enter(browser, desk_url, passport("E2E900002", surname="MARTINS", nationality="BRA"))
    assert admin.post("/api/v1/admin/clock", data={"days": 91}).ok
    _open_file_from_the_list(page, desk_url, "MARTINS")
    record = page.get_by_test_id("file-record")
    expect(record.get_by_test_id("record-until")).to_have_text("2027-02-20")

    page.get_by_test_id("stay-kind").select_option("extended")
    page.get_by_test_id("stay-new-until").fill("2027-03-10")
    page.get_by_test_id("stay-place").fill("Paris")
    page.get_by_test_id("stay-grounds").fill("Hospitalised: force majeure (Visa Code Art 33(1))")
    page.get_by_test_id("stay-submit").click()
    expect(page.get_by_test_id("file-done")).to_contain_text("Art 19")
    expect(record.get_by_test_id("record-until")).to_have_text("2027-03-10")
    expect(record.get_by_test_id("record-status")).to_contain_text("in the territory")
    decision = page.get_by_test_id("file-decision")
    expect(decision).to_contain_text("extended")
    expect(decision).to_contain_text("FRA-DGEF")
    expect(decision).to_contain_text("2027-02-20 → 2027-03-10")
    page.screenshot(path=str(artifacts / "ees-file-extended.png"), full_page=True)

    # A day later the overstay detection runs again and leaves the extended stay alone.
    assert admin.post("/api/v1/admin/clock", data={"days": 1}).ok
    page.goto(f"{desk_url}/ees/overstayers")
    expect(page.get_by_test_id("overstayers-count")).to_have_text("0 overstayers")


def test_art34_the_member_state_reads_and_acknowledges_its_notice(
    page: Page, browser: Browser, desk_url: str, admin: APIRequestContext
) -> None:
    _enter(browser, desk_url, passport("E2E900003", surname="OKONKWO", nationality="GBR"))
    # Five years after the end of the stay, less two months: the notice is due.
    assert admin.post("/api/v1/admin/clock", data={"days": 1826 + 89 - 60}).ok
    assert admin.post("/api/v1/ees/jobs/retention").ok
    page.goto(f"{desk_url}/ees/notices")
    page.get_by_test_id("login-user").fill("immigration")
    page.get_by_test_id("login-password").fill("limes-demo")
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(f"{desk_url}/ees/notices")
    notice = page.get_by_test_id("notice")
    expect(notice).to_have_count(1)
    notice.get_by_test_id("notice-acknowledge").click()
    expect(page.get_by_test_id("notices-done")).to_be_visible()
    expect(page.get_by_test_id("notice-read")).to_contain_text("by immigration")
