"""The desk's form for stays shown only by passport stamps (EES Art 22; Reg. (EU) 2025/1534 Art 5).

A real Chromium against the real API, the demo clock at 23 Nov 2026 (see test_ees_desk).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import APIRequestContext, Page, expect
from tests.e2e.conftest import AIRPORT
from tests.e2e.test_ees_desk import (
    border_check,
    choose_crossing_point,
    passport,
    scan,
    settled,
    sign_in_at_desk,
)

pytestmark = pytest.mark.e2e


def fill_stamped_stay(
    page: Page, row: int, entry: str, entry_cp: str, exit_: str, exit_cp: str
) -> None:
    """Fill row `row` of the stamped stays, as a guard reads the stamps."""
    stamps = page.get_by_test_id("stamp-row").nth(row)
    stamps.get_by_test_id("stamp-entry-date").fill(entry)
    stamps.get_by_test_id("stamp-entry-crossing-point").fill(entry_cp)
    stamps.get_by_test_id("stamp-exit-date").fill(exit_)
    stamps.get_by_test_id("stamp-exit-crossing-point").fill(exit_cp)


def test_art_22_the_guard_enters_stamped_stays_and_they_count_and_are_recorded(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    mrz = passport("E2E700007", surname="ADEYEMI", given_names="TUNDE", nationality="GBR")
    scan(page, mrz)
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("90")

    # 60 days shown only by stamps, 1 Aug to 29 Sep 2026: 30 days remain.
    page.get_by_test_id("stamps-panel").locator("summary").click()
    page.get_by_test_id("stamps-add").click()
    expect(page.get_by_test_id("stamp-entry-date")).to_be_focused()
    fill_stamped_stay(page, 0, "2026-08-01", "deu-fra", "2026-09-29", "DEU-MUC")
    page.get_by_test_id("stamp-exit-crossing-point").press("Enter")
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("30")
    expect(page.get_by_test_id("history-entry")).to_contain_text("from stamp")
    expect(page.get_by_test_id("history-entry")).to_contain_text("DEU-FRA")

    # A second stay whose exit stamp is before its entry stamp: the row says so.
    page.get_by_test_id("stamps-add").click()
    fill_stamped_stay(page, 1, "2026-10-20", "DEU-FRA", "2026-10-10", "DEU-FRA")
    page.get_by_test_id("stamp-exit-crossing-point").nth(1).press("Enter")
    second = page.get_by_test_id("stamp-row").nth(1)
    expect(second.locator(".field-error")).to_contain_text("before the entry stamp")
    expect(second.get_by_test_id("stamp-exit-date")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("problem")).to_contain_text("stays shown by stamps")
    page.screenshot(path=str(artifacts / "ees-desk-stamped-stay-error.png"), full_page=True)

    # Removed, the check runs again with the first stay only; the entry records both.
    second.get_by_test_id("stamp-remove").click()
    expect(page.get_by_test_id("stamp-row")).to_have_count(1)
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("problem")).to_be_hidden()
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("30")
    settled(page)
    page.screenshot(path=str(artifacts / "ees-desk-stamped-stays.png"), full_page=True)
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")

    page.keyboard.press("Escape")
    expect(page.get_by_test_id("stamp-row")).to_have_count(0)
    stored = border_check(page, mrz)["entries"]
    assert [e["source"] for e in stored] == ["stamp", "ees"]
    assert stored[0]["entry_crossing_point"] == "DEU-FRA"
    assert stored[0]["exit_at"].startswith("2026-09-29")
    assert stored[1]["authorised_stay_until"] == "2026-12-22"
