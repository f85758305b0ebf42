"""Who the EES registers and who needs a visa, at the desk in a real Chromium.

EES Art 2: a French passport is not registered, and the desk says why. Reg. (EU)
2018/1806 Annex I: an Indian passport without a visa cannot be admitted; the desk
says which visa is missing and suggests refusal reason C. EES Art 2(1)(b): a family
member of a Union citizen is recorded without the 90/180-day limit.
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

from limes.core.documents import Sex

pytestmark = pytest.mark.e2e


def test_art_2_a_french_passport_is_not_registered_and_the_desk_says_why(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    mrz = passport("FR1234567", surname="DUPONT", given_names="MARIE", nationality="FRA")
    scan(page, mrz)
    expect(page.get_by_test_id("not-in-scope")).to_contain_text("Not registered in the EES")
    detail = page.get_by_test_id("not-in-scope-detail")
    expect(detail).to_contain_text("citizen of the Union")
    expect(detail).to_contain_text("third-country nationals only")
    expect(page.get_by_test_id("problem-title")).to_have_text("Not registered in the EES")
    expect(page.get_by_test_id("result")).to_be_hidden()
    settled(page)
    page.screenshot(path=str(artifacts / "ees-desk-not-in-scope.png"), full_page=True)

    # Recording is refused too, and nothing is stored.
    page.keyboard.press("F8")
    expect(page.get_by_test_id("problem-title")).to_have_text("Not registered in the EES")
    base = page.url.split("/", 3)[:3]
    response = page.request.post(
        "/".join(base) + "/api/v1/ees/entries",
        data={"mrz": mrz, "crossing_point": AIRPORT, "capture": {"synthetic": True}},
    )
    assert response.status == 422
    assert response.json()["code"] == "ees-not-in-scope"


def test_reg_2018_1806_an_indian_passport_without_a_visa_is_told_to_refuse_for_reason_c(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    mrz = passport(
        "P9876543", surname="KUMAR", given_names="VIKRAM", nationality="IND", sex=Sex.MALE
    )
    scan(page, mrz)
    expect(page.get_by_test_id("verdict-visa-missing")).to_have_text(
        "Visa required: none presented"
    )
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-tone", "refused")
    expect(page.get_by_test_id("verdict-explanation")).to_contain_text("India")
    expect(page.get_by_test_id("verdict-explanation")).to_contain_text("reason C")
    # No stay is drawn for a traveller who cannot be admitted without the visa.
    expect(page.get_by_test_id("timeline").get_by_test_id("timeline-allowed")).to_have_count(0)
    settled(page)

    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry not recorded")
    problem = page.get_by_test_id("problem-detail")
    expect(problem).to_contain_text("nationals of India must hold a visa")
    expect(problem).to_contain_text("Annex I")
    expect(problem).to_contain_text("refuse entry for reason C")
    page.screenshot(path=str(artifacts / "ees-desk-visa-required.png"), full_page=True)
    assert border_check(page, mrz)["file"] is None

    page.keyboard.press("F10")
    dialog = page.get_by_test_id("refusal-dialog")
    expect(dialog).to_be_visible()
    suggested = page.get_by_test_id("reason-C").locator("xpath=..").locator(".suggested")
    expect(suggested).to_be_visible()
    page.keyboard.press("c")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("outcome")).to_contain_text("Refusal recorded")
    (refusal,) = border_check(page, mrz)["refusals"]
    assert refusal["reasons"] == ["C"]
    assert refusal["authority"]


def test_art_2_1_b_a_family_member_is_recorded_without_the_90_180_limit(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    mrz = passport("C7654321", surname="SMITH", given_names="JOHN", nationality="CAN", sex=Sex.MALE)
    scan(page, mrz)
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("90")
    page.get_by_test_id("status-panel").locator("summary").click()
    page.get_by_test_id("family-member").check()
    expect(page.get_by_test_id("verdict-family-member")).to_have_text("Entry: no 90/180-day limit")
    settled(page)
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")
    expect(page.get_by_test_id("history-entry")).to_contain_text("family member: no limit")

    # EES Art 12: 120 days later there is no overstay to flag, at exit either.
    page.get_by_test_id("clock-days").fill("120")
    page.get_by_test_id("clock-advance").click()
    expect(page.get_by_test_id("clock-date")).to_contain_text("23 Mar 2027")
    # The status recorded at entry decides at exit, whether or not the guard states it again.
    page.get_by_test_id("family-member").uncheck()
    settled(page)
    page.keyboard.press("F3")
    expect(page.get_by_test_id("verdict-family-member")).to_have_text("Exit: no overstay check")
    settled(page)
    page.keyboard.press("F9")
    expect(page.get_by_test_id("outcome")).to_contain_text("Exit recorded")
    expect(page.get_by_test_id("history-entry")).not_to_contain_text("overstay")
    check = border_check(page, mrz)
    assert check["file"]["family_member"] is True
    (entry,) = check["entries"]
    assert entry["family_member"] is True
    assert entry["authority"]
    assert entry["overstay_from"] is None
    assert entry["exit_at"].startswith("2027-03-23")
