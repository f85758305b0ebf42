"""What a guard new to the desk met in Chromium (issue 11, section 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import APIRequestContext, Page, expect
from tests.e2e.conftest import AIRPORT, LAND
from tests.e2e.test_ees_desk import passport, sign_in_at_desk

pytestmark = pytest.mark.e2e


def broken_passport() -> str:
    """A TD3 MRZ whose document number's check digit is wrong."""
    good = passport("E2E900009", surname="MORALES", given_names="LUCIA", nationality="MEX")
    line1, line2 = good.split("\n")
    digit = line2[9]
    return f"{line1}\n{line2[:9]}{'0' if digit != '0' else '1'}{line2[10:]}"


@pytest.mark.parametrize(("user", "post"), [("guard", AIRPORT), ("guard-land", LAND)])
def test_the_desk_starts_at_the_guards_own_post(
    page: Page, desk_url: str, admin: APIRequestContext, user: str, post: str
) -> None:
    # Vienna sorts first: the desk used to start there for every guard.
    vienna = admin.put(
        "/api/v1/ees/crossing-points/AUT-VIE",
        data={"name": "Vienna", "country": "AUT", "border_type": "air"},
    )
    assert vienna.ok, vienna.text()
    sign_in_at_desk(page, desk_url, user)
    expect(page.get_by_test_id("crossing-point")).to_have_value(post)
    expect(page.get_by_test_id("cp-state")).to_contain_text("EES active")


def record_buttons_disabled(page: Page) -> None:
    for button in ("record-entry", "record-exit", "record-refusal"):
        expect(page.get_by_test_id(button)).to_be_disabled()


def expect_check_digit_error(page: Page) -> None:
    error = page.get_by_test_id("mrz-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Document number: check digit")
    expect(page.get_by_test_id("mrz")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("problem")).to_contain_text("machine-readable zone is not valid")


def test_enter_after_a_pasted_invalid_mrz_keeps_the_error_and_recording_disabled(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    sign_in_at_desk(page, desk_url)
    mrz = page.get_by_test_id("mrz")
    mrz.focus()
    # A paste (or a scanner) inserts the text at once; the check starts by itself...
    page.keyboard.insert_text(broken_passport())
    expect_check_digit_error(page)
    record_buttons_disabled(page)
    # ...and the scanner's Enter comes just after the answer.
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    expect_check_digit_error(page)
    record_buttons_disabled(page)
    # The keys do not record either.
    page.keyboard.press("F8")
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("outcome")).to_be_hidden()
    expect_check_digit_error(page)


def test_enter_before_the_answer_still_shows_the_error_and_disables_recording(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    sign_in_at_desk(page, desk_url)
    page.get_by_test_id("mrz").focus()
    page.keyboard.insert_text(broken_passport())
    page.keyboard.press("Enter")
    expect_check_digit_error(page)
    record_buttons_disabled(page)
    # Correcting the MRZ enables recording again.
    page.keyboard.press("Escape")
    page.keyboard.insert_text(passport("E2E900010", surname="MORALES", nationality="MEX"))
    expect(page.get_by_test_id("traveller-name")).to_contain_text("MORALES")
    expect(page.get_by_test_id("record-entry")).to_be_enabled()
    expect(page.get_by_test_id("mrz-error")).to_be_hidden()


def test_a_guards_choice_is_kept_for_that_guard_only(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    orly = admin.put(
        "/api/v1/ees/crossing-points/FRA-ORY",
        data={"name": "Paris Orly", "country": "FRA", "border_type": "air"},
    )
    assert orly.ok, orly.text()
    sign_in_at_desk(page, desk_url, "guard")
    page.get_by_test_id("crossing-point").select_option(LAND)
    page.reload()
    expect(page.locator("#desk[data-ready='true']")).to_be_attached()
    expect(page.get_by_test_id("crossing-point")).to_have_value(LAND)
    # Another guard at the same workstation starts at their own post.
    page.get_by_test_id("nav-signout").click()
    sign_in_at_desk(page, desk_url, "guard-orly")
    expect(page.get_by_test_id("crossing-point")).to_have_value("FRA-ORY")
