"""The stay-calculator page in a real Chromium against the real API.

Cases are from the SEM (Swiss State Secretariat for Migration) worked examples in
`domain/shortstay.md`. Dates on the page read like "13 Dec 2014".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.e2e


def open_calculator(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    expect(page.locator("form[data-ready='true']")).to_be_attached()


def enter_stays(page: Page, stays: list[tuple[str, str]]) -> None:
    """Type stays into rows, adding rows as needed."""
    rows = page.get_by_test_id("stay-row")
    for i, (entry, exit_) in enumerate(stays):
        if i >= rows.count():
            page.get_by_test_id("add-stay").click()
        rows.nth(i).get_by_test_id("stay-entry").fill(entry)
        rows.nth(i).get_by_test_id("stay-exit").fill(exit_)


def ask(page: Page, mode: str, on: str) -> None:
    page.get_by_test_id(f"mode-{mode}").check()
    page.get_by_test_id("on").fill(on)
    page.get_by_test_id("submit").click()


def test_sem1_planning_answer_figures_and_timeline(
    page: Page, base_url: str, artifacts: Path
) -> None:
    open_calculator(page, base_url)
    enter_stays(page, [("2014-08-15", "2014-09-30")])
    page.get_by_test_id("stay-row").first.get_by_test_id("stay-country").fill("FRA")
    ask(page, "planning", "2015-01-01")

    answer = page.get_by_test_id("answer")
    expect(answer).to_contain_text(
        "The stay may be authorised for up to 90 days (until 31 Mar 2015)."
    )
    expect(page.get_by_test_id("days-used")).to_have_text("47")
    expect(page.get_by_test_id("planning-days")).to_have_text("90")
    expect(page.get_by_test_id("explanation")).to_contain_text("47 days")

    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_be_visible()
    expect(timeline).to_have_attribute("role", "img")
    expect(timeline.locator("title").first).to_contain_text("180-day window from 6 Jul 2014")
    expect(timeline.get_by_test_id("timeline-stay")).to_have_count(1)
    expect(timeline.get_by_test_id("timeline-planned")).to_have_count(1)
    expect(timeline.get_by_test_id("timeline-rolling-out")).to_have_count(1)
    expect(timeline.get_by_test_id("timeline-window")).to_have_count(1)
    expect(timeline.get_by_test_id("timeline-overstay")).to_have_count(0)

    page.screenshot(path=str(artifacts / "calculator-sem1.png"), full_page=True)


def test_sem2_pasted_stamps_in_check_mode(page: Page, base_url: str) -> None:
    open_calculator(page, base_url)
    page.get_by_text("Or paste passport stamps").click()
    page.get_by_test_id("stamps").fill("-301114 +011114\n+150814 -300914")
    page.get_by_test_id("read-stamps").click()

    rows = page.get_by_test_id("stay-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_test_id("stay-entry")).to_have_value("2014-08-15")
    expect(rows.nth(0).get_by_test_id("stay-exit")).to_have_value("2014-09-30")
    expect(rows.nth(1).get_by_test_id("stay-entry")).to_have_value("2014-11-01")
    expect(rows.nth(1).get_by_test_id("stay-exit")).to_have_value("2014-11-30")
    expect(page.get_by_test_id("stamps-error")).to_be_hidden()

    ask(page, "check", "2014-11-30")
    answer = page.get_by_test_id("answer")
    expect(answer).to_contain_text("No overstay in the registration period.")
    expect(answer).to_contain_text("Possible stay until 13 Dec 2014.")
    expect(answer.locator("time[datetime='2014-12-13']")).to_have_count(1)
    expect(page.get_by_test_id("days-used")).to_have_text("77")


def test_unpaired_and_bad_stamps_are_reported_under_the_textarea(page: Page, base_url: str) -> None:
    open_calculator(page, base_url)
    page.get_by_text("Or paste passport stamps").click()
    page.get_by_test_id("stamps").fill("+150814 -300914 +011114 +310914")
    page.get_by_test_id("read-stamps").click()

    error = page.get_by_test_id("stamps-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("31/09/14 is not a calendar date")
    expect(page.get_by_test_id("stamps")).to_have_attribute("aria-invalid", "true")

    page.get_by_test_id("stamps").fill("+150814 -300914 +011114")
    page.get_by_test_id("read-stamps").click()
    expect(error).to_contain_text("+011114 (1 Nov 2014) has no exit stamp")
    expect(page.get_by_test_id("stay-row")).to_have_count(1)
    expect(page.get_by_test_id("stay-entry")).to_have_value("")


def test_sem5a_overstay_is_reported_with_the_unofficial_answer_apart(
    page: Page, base_url: str
) -> None:
    open_calculator(page, base_url)
    enter_stays(
        page,
        [("2013-09-01", "2013-09-30"), ("2014-02-21", "2014-04-20"), ("2014-05-01", "2014-06-09")],
    )
    ask(page, "check", "2014-06-09")

    answer = page.get_by_test_id("answer")
    expect(answer).to_contain_text("Overstay in the period from 1 Jun 2014 to 9 Jun 2014 (9 days).")
    expect(answer).to_contain_text(
        "Days of stay in the 180-day period from 12 Dec 2013 to 9 Jun 2014: 99 days."
    )
    expect(answer).not_to_contain_text("Possible stay until")
    unofficial = page.get_by_test_id("ignoring-overstay")
    expect(unofficial).to_contain_text("Not the official answer")
    expect(page.get_by_test_id("days-used")).to_have_text("99")
    expect(page.get_by_test_id("timeline").get_by_test_id("timeline-overstay")).to_have_count(1)


def test_exit_before_entry_is_shown_next_to_that_exit_and_gives_no_answer(
    page: Page, base_url: str
) -> None:
    open_calculator(page, base_url)
    enter_stays(page, [("2014-08-15", "2014-09-30"), ("2014-11-20", "2014-11-01")])
    ask(page, "planning", "2015-01-01")

    second = page.get_by_test_id("stay-row").nth(1)
    error = second.get_by_test_id("error-exit")
    expect(error).to_be_visible()
    expect(error).to_contain_text("before the entry date")
    exit_input = second.get_by_test_id("stay-exit")
    expect(exit_input).to_have_attribute("aria-invalid", "true")
    expect(exit_input).to_have_attribute("aria-describedby", "stay-1-exit-error")
    expect(page.get_by_test_id("stay-row").first.get_by_test_id("error-exit")).to_be_hidden()
    expect(page.get_by_test_id("problem")).to_be_visible()
    # The problem says what to do, without a stray "null" or a "below" that is above.
    expect(page.get_by_test_id("problem")).to_have_text(
        "Invalid stay historyThe stays cannot be computed: fix the field named."
    )
    expect(page.get_by_test_id("answer")).to_be_hidden()


def test_page_and_its_assets_come_only_from_the_server(page: Page, base_url: str) -> None:
    requested: list[str] = []
    failed: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: failed.append(response.url) if response.status >= 400 else None,
    )
    open_calculator(page, base_url)
    enter_stays(page, [("2014-08-15", "2014-09-30")])
    ask(page, "planning", "2015-01-01")
    expect(page.get_by_test_id("answer")).to_contain_text("90 days")
    page.wait_for_load_state("networkidle")

    assert requested, "no request was recorded"
    assert all(url.startswith(f"{base_url}/") for url in requested), requested
    assert any(url.endswith("/static/vendor/pico/pico.min.css") for url in requested)
    assert any(url.endswith("/api/v1/shortstay/calculations") for url in requested)
    assert not failed, failed
    expect(page.locator("meta[name='description']")).to_have_count(1)
    expect(page.locator("noscript")).to_have_count(1)


def test_api_documentation_works_offline(page: Page, base_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("limes")
    expect(page.get_by_text("/api/v1/shortstay/calculations").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert all(url.startswith(f"{base_url}/") for url in requested), requested
