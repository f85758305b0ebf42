"""The border guard's EES workstation in a real Chromium against the real API.

Each test gets an application of its own (`desk_url`: a fresh SQLite database and a
demo clock standing at 23 Nov 2026 08:30 UTC), seeds it through the API as the demo
administrator, and drives the desk as the demo border guard, with the keyboard.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, Route, expect
from tests.conftest import settings_in
from tests.e2e.conftest import AIRPORT, DESK_START, LAND, serve
from tests.pg import PostgresServer, find_bin_dir

from limes.bootstrap import build_app
from limes.core.clock import FixedClock
from limes.core.documents import MrzFields, MrzFormat, Sex, build_mrz

pytestmark = pytest.mark.e2e


def passport(
    number: str,
    surname: str = "OKAFOR",
    given_names: str = "ADA",
    nationality: str = "USA",
    birth_date: date = date(1985, 3, 14),
    sex: Sex = Sex.FEMALE,
) -> str:
    """A valid TD3 machine-readable zone (two lines of 44 characters)."""
    fields = MrzFields(
        document_code="P",
        issuing_state=nationality,
        surname=surname,
        given_names=given_names,
        document_number=number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=date(2032, 6, 30),
    )
    return build_mrz(fields, MrzFormat.TD3)


# ------------------------------------------------------------------ seeding through the API


def border_check(page: Page, mrz: str, crossing_point: str = AIRPORT) -> Any:
    """What the EES holds on a traveller, from the API, with the page's session."""
    base = page.url.split("/", 3)[:3]
    response = page.request.post(
        "/".join(base) + "/api/v1/ees/border-checks?direction=entry",
        data={"mrz": mrz, "crossing_point": crossing_point},
    )
    assert response.ok, response.text()
    return response.json()


# ------------------------------------------------------------------ the desk


def sign_in_at_desk(page: Page, desk_url: str, user: str = "guard") -> None:
    """Open the desk, get sent to the sign-in form, sign in, and come back."""
    page.goto(f"{desk_url}/ees/desk")
    expect(page).to_have_url(f"{desk_url}/login?next=/ees/desk")
    expect(page.get_by_test_id("login-user")).to_be_focused()
    page.get_by_test_id("login-user").fill(user)
    page.get_by_test_id("login-password").fill("limes-demo")
    page.get_by_test_id("login-password").press("Enter")
    expect(page).to_have_url(f"{desk_url}/ees/desk")
    expect(page.locator("#desk[data-ready='true']")).to_be_attached()


def choose_crossing_point(page: Page, code: str) -> None:
    page.get_by_test_id("crossing-point").select_option(code)
    expect(page.get_by_test_id("cp-state")).to_contain_text("EES")
    page.get_by_test_id("mrz").focus()


def settled(page: Page) -> None:
    """Wait until no request of the desk is under way."""
    expect(page.locator("#desk[data-busy='false']")).to_be_attached()


def scan(page: Page, mrz: str) -> None:
    """A scanner or a paste: a complete MRZ is checked without a key."""
    page.get_by_test_id("mrz").fill(mrz)


def test_visa_exempt_entry_then_overstay_at_exit(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    expect(page.get_by_test_id("mrz")).to_be_focused()
    expect(page.get_by_test_id("user")).to_contain_text("Border guard, Paris CDG")
    expect(page.get_by_test_id("clock-date")).to_contain_text("23 Nov 2026")
    expect(page.get_by_test_id("clock-demo")).to_be_visible()
    expect(page.get_by_test_id("fallback-banner")).to_be_hidden()
    choose_crossing_point(page, AIRPORT)
    expect(page.get_by_test_id("cp-biometrics")).to_have_text("Biometrics required")
    expect(page.get_by_test_id("capture-synthetic")).to_contain_text("synthetic")

    mrz = passport("E2E100001")
    scan(page, mrz)
    expect(page.get_by_test_id("traveller-name")).to_contain_text("OKAFOR")
    expect(page.get_by_test_id("traveller-document")).to_contain_text("P USA E2E100001")
    expect(page.get_by_test_id("traveller-dob")).to_contain_text("14 Mar 1985")
    expect(page.get_by_test_id("file-status")).to_contain_text("No file yet")
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("90")
    expect(page.get_by_test_id("verdict-until")).to_contain_text("20 Feb 2027")
    expect(page.get_by_test_id("verdict-days-used")).to_contain_text("0")
    expect(page.get_by_test_id("timeline").get_by_test_id("timeline-window")).to_have_count(1)
    expect(page.get_by_test_id("timeline").get_by_test_id("timeline-allowed")).to_have_count(1)
    settled(page)
    expect(page.get_by_test_id("record-entry")).to_be_enabled()
    page.screenshot(path=str(artifacts / "ees-desk-entry-check.png"), full_page=True)

    page.keyboard.press("F8")
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_contain_text("Entry recorded")
    expect(page.get_by_test_id("outcome-file")).to_contain_text("new individual file")
    record_id = page.get_by_test_id("outcome-record-id").inner_text()
    expect(page.get_by_test_id("file-status")).to_contain_text("File exists")
    expect(page.get_by_test_id("record-entry")).to_be_disabled()

    page.get_by_test_id("clock-days").fill("95")
    page.get_by_test_id("clock-advance").click()
    expect(page.get_by_test_id("clock-date")).to_contain_text("26 Feb 2027")
    expect(page.get_by_test_id("warnings")).to_contain_text("has no exit on record")

    page.keyboard.press("F3")
    expect(page.get_by_test_id("direction-exit")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-tone", "overstay")
    expect(page.get_by_test_id("verdict-overstay")).to_have_text("6")
    expect(page.get_by_test_id("verdict-until")).to_contain_text("20 Feb 2027")
    expect(page.get_by_test_id("verification")).to_contain_text("MATCH")
    expect(page.get_by_test_id("timeline").get_by_test_id("timeline-overstay")).to_have_count(1)
    settled(page)
    expect(page.get_by_test_id("record-exit")).to_be_enabled()
    page.screenshot(path=str(artifacts / "ees-desk-exit-overstay.png"), full_page=True)
    # The picture of docs/images/ees-desk.png (copied from here by hand when the desk changes).
    page.screenshot(path=str(artifacts / "ees-desk.png"))

    page.keyboard.press("F9")
    expect(outcome).to_contain_text("Exit recorded")
    expect(page.get_by_test_id("outcome-record-id")).to_have_text(record_id)
    expect(page.get_by_test_id("history-entry")).to_contain_text("overstay from 21 Feb 2027")

    page.keyboard.press("Escape")
    expect(page.get_by_test_id("mrz")).to_have_value("")
    expect(page.get_by_test_id("mrz")).to_be_focused()
    expect(page.get_by_test_id("result")).to_be_hidden()
    expect(outcome).to_be_hidden()

    # The record, as the API has it (read as the guard, with the page's session).
    (entry,) = border_check(page, mrz)["entries"]
    assert entry["record_id"] == record_id
    assert entry["entry_at"].startswith("2026-11-23")
    assert entry["exit_at"].startswith("2027-02-26")
    assert entry["exit_crossing_point"] == AIRPORT
    assert entry["authorised_stay_until"] == "2027-02-20"
    assert entry["overstay_from"] == "2027-02-21"


def test_visa_holder_entry_with_the_visa_fields(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, LAND)
    # Reg. (EU) 2025/1534 Art 4(2): biometrics were optional only until 10 Dec 2025.
    expect(page.get_by_test_id("cp-biometrics")).to_have_text("Biometrics required")

    mrz = passport(
        "E2E200002", surname="SHARMA", given_names="RAVI", nationality="IND", sex=Sex.MALE
    )
    scan(page, mrz)
    # Reg. (EU) 2018/1806 Annex I: an Indian passport needs a visa; none is given yet.
    expect(page.get_by_test_id("verdict-visa-missing")).to_be_visible()

    page.keyboard.press("F4")
    expect(page.get_by_test_id("visa-sticker")).to_be_focused()
    page.keyboard.type("HRV0012345")
    page.get_by_test_id("visa-valid-from").fill("2026-11-20")
    page.get_by_test_id("visa-valid-until").fill("2027-05-19")
    page.get_by_test_id("visa-entries").select_option("1")
    page.get_by_test_id("visa-duration").fill("30")
    page.get_by_test_id("visa-duration").press("Enter")
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("30")
    expect(page.get_by_test_id("verdict-until")).to_contain_text("22 Dec 2026")
    settled(page)
    page.screenshot(path=str(artifacts / "ees-desk-visa-holder.png"), full_page=True)

    page.keyboard.press("Alt+1")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")
    expect(page.get_by_test_id("history-entry")).to_contain_text("visa HRV0012345")

    (entry,) = border_check(page, mrz, LAND)["entries"]
    assert entry["visa_sticker_number"] == "HRV0012345"
    assert entry["authorised_stay_until"] == "2026-12-22"
    assert entry["entry_crossing_point"] == LAND


def test_a_broken_check_digit_is_shown_next_to_the_mrz(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    good = passport("E2E300003", surname="MORALES", given_names="LUCIA", nationality="MEX")
    line1, line2 = good.split("\n")
    digit = line2[9]
    broken = f"{line1}\n{line2[:9]}{'0' if digit != '0' else '1'}{line2[10:]}"

    scan(page, broken)
    error = page.get_by_test_id("mrz-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Document number: check digit")
    expect(page.get_by_test_id("mrz")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("problem")).to_contain_text("machine-readable zone is not valid")
    expect(page.get_by_test_id("result")).to_be_hidden()
    page.screenshot(path=str(artifacts / "ees-desk-mrz-error.png"), full_page=True)

    page.keyboard.press("Escape")
    scan(page, good)
    expect(error).to_be_hidden()
    expect(page.get_by_test_id("traveller-name")).to_contain_text("MORALES")

    # A session that ended sends the guard to the sign-in form, and back.
    page.context.clear_cookies()
    page.keyboard.press("Escape")
    scan(page, good)
    expect(page).to_have_url(f"{desk_url}/login?next=/ees/desk")


def test_a_visa_without_its_dates_is_shown_next_to_the_visa_fields(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    scan(page, passport("E2E310031", surname="CHEN", given_names="WEI", nationality="CHN"))
    expect(page.get_by_test_id("verdict-visa-missing")).to_be_visible()
    page.keyboard.press("F4")
    page.keyboard.type("FRA7654321")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("visa-panel")).to_have_attribute("open", "")
    expect(page.get_by_test_id("visa-valid-from")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#visa-from-error")).to_contain_text("Field required")
    expect(page.locator("#visa-duration-error")).to_be_visible()


def test_refusal_with_reason_f_through_the_dialog(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, LAND)
    mrz = passport("E2E400004", surname="PETROV", given_names="IVAN", nationality="SRB")
    # A keyboard-wedge scanner types each line and an Enter: the first Enter adds the
    # second line, and the complete zone is checked once.
    checks: list[str] = []
    page.on(
        "request",
        lambda request: checks.append(request.url) if "/border-checks" in request.url else None,
    )
    line1, line2 = mrz.split("\n")
    page.keyboard.type(line1)
    page.keyboard.press("Enter")
    page.keyboard.type(line2)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("traveller-name")).to_contain_text("PETROV")
    expect(page.get_by_test_id("mrz")).to_have_value(mrz)
    settled(page)
    assert len(checks) == 1, checks

    page.keyboard.press("F10")
    dialog = page.get_by_test_id("refusal-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Has already stayed for 90 days")
    page.keyboard.press("f")
    expect(page.get_by_test_id("reason-F")).to_be_checked()
    expect(page.get_by_test_id("reason-A")).not_to_be_checked()
    page.screenshot(path=str(artifacts / "ees-desk-refusal-dialog.png"))
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    expect(page.get_by_test_id("outcome")).to_contain_text("Refusal recorded (reason F)")
    expect(page.get_by_test_id("history-refusal")).to_contain_text("Annex V Part B: F")
    expect(page.get_by_test_id("timeline").get_by_test_id("timeline-refusal")).to_have_count(1)

    check = border_check(page, mrz, LAND)
    (refusal,) = check["refusals"]
    assert refusal["reasons"] == ["F"]
    assert refusal["crossing_point"] == LAND
    assert check["entries"] == []


# Reg. (EU) 2025/1534 Art 6: a full suspension is possible only during the progressive
# start (to 9 April 2026).
@pytest.mark.desk_start(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
def test_a_fully_suspended_crossing_point_disables_recording(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    suspended = admin.put(
        "/api/v1/ees/crossing-points/ESP-ALG",
        data={
            "name": "Algeciras",
            "country": "ESP",
            "border_type": "sea",
            "suspension": "full",
            "suspension_reason": "Ferry peak",
        },
    )
    assert suspended.ok, suspended.text()
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, "ESP-ALG")
    banner = page.get_by_test_id("suspension-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Ferry peak")
    expect(banner).to_contain_text("stamp the passport")
    expect(page.get_by_test_id("cp-suspension")).to_contain_text("Full suspension")

    mrz = passport("E2E500005", surname="NAKAMURA", given_names="KEN", nationality="JPN")
    scan(page, mrz)
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("90")
    for action in ("record-entry", "record-exit", "record-refusal"):
        expect(page.get_by_test_id(action)).to_be_disabled()
    page.screenshot(path=str(artifacts / "ees-desk-suspended.png"), full_page=True)
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Not recorded")
    assert border_check(page, mrz, AIRPORT)["file"] is None

    # The choice of crossing point is remembered on this workstation.
    page.reload()
    expect(page.locator("#desk[data-ready='true']")).to_be_attached()
    expect(page.get_by_test_id("crossing-point")).to_have_value("ESP-ALG")
    expect(page.get_by_test_id("suspension-banner")).to_be_visible()


def test_a_retry_after_a_network_error_sends_the_same_idempotency_key(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    keys: list[str] = []

    def drop_the_first(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    mrz = passport("E2E600006", surname="SILVA", given_names="JOAO", nationality="BRA")
    scan(page, mrz)
    expect(page.get_by_test_id("verdict-max-stay")).to_have_text("90")
    page.route("**/api/v1/ees/entries", drop_the_first)

    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("No answer from the server")
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert len(border_check(page, mrz)["entries"]) == 1

    # The next traveller's entry gets a key of its own.
    page.keyboard.press("Escape")
    scan(page, passport("E2E600007", surname="SILVA", given_names="ANA", nationality="BRA"))
    expect(page.get_by_test_id("file-status")).to_contain_text("No file yet")
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")
    assert len(keys) == 3
    assert keys[2] != keys[0]


@pytest.fixture
def outage_desk(tmp_path: Path) -> Iterator[tuple[str, PostgresServer]]:
    """A desk whose central store is a PostgreSQL server of its own, to be taken down."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed: make postgres")
    server = PostgresServer.start(bin_dir, name="limes-desk-outage")
    try:
        database = server.create_database("desk")
        app = build_app(settings_in(tmp_path, database), clock=FixedClock(DESK_START))
        try:
            with serve(app) as url:
                yield url, server
        finally:
            app.state.services.engine.dispose()
    finally:
        server.stop()


@pytest.mark.postgres
def test_the_desk_works_through_a_real_outage_of_the_central_store(
    page: Page, browser: Browser, outage_desk: tuple[str, PostgresServer]
) -> None:
    """The central system goes down: the entry is kept locally (EES Art 21), then uploaded."""
    desk_url, central = outage_desk
    context = browser.new_context(base_url=desk_url)
    try:
        api = context.request
        assert api.post(
            "/api/v1/auth/sessions", data={"user": "admin", "password": "limes-demo"}
        ).ok
        assert api.put(
            f"/api/v1/ees/crossing-points/{AIRPORT}",
            data={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        ).ok
        sign_in_at_desk(page, desk_url)
        choose_crossing_point(page, AIRPORT)
        mrz = passport("E2E700007", surname="OKORO", given_names="CHIDI", nationality="GBR")
        scan(page, mrz)
        expect(page.get_by_test_id("verdict-max-stay")).to_have_text("90")

        central.pause()
        page.keyboard.press("F8")
        expect(page.get_by_test_id("outcome")).to_contain_text("local fall-back queue (Art 21)")
        banner = page.get_by_test_id("fallback-banner")
        expect(banner).to_contain_text("FALL-BACK: 1 crossings kept locally (Art 21)")

        central.resume()
        page.get_by_test_id("fallback-replay").click()
        expect(banner).to_be_hidden()
        expect(page.get_by_test_id("outcome")).to_contain_text("1 crossing uploaded")
        assert api.post(
            "/api/v1/auth/sessions", data={"user": "guard", "password": "limes-demo"}
        ).ok
        check = api.post(
            "/api/v1/ees/border-checks?direction=exit",
            data={"mrz": mrz, "crossing_point": AIRPORT, "capture": {"synthetic": True}},
        )
        assert check.ok, check.text()
        [entry] = check.json()["entries"]
        assert entry["source"] == "fallback"
        assert entry["exit_at"] is None
    finally:
        context.close()


def test_overstayer_list_and_sign_out(
    page: Page, browser: Browser, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    mrz = passport("E2E800008", surname="IVANOVA", given_names="OLGA", nationality="UKR")
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
    assert admin.post("/api/v1/admin/clock", data={"days": 100}).ok

    page.goto(f"{desk_url}/ees/overstayers")
    expect(page).to_have_url(f"{desk_url}/login?next=/ees/overstayers")
    page.get_by_test_id("login-user").fill("immigration")
    page.get_by_test_id("login-password").fill("limes-demo")
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(f"{desk_url}/ees/overstayers")
    row = page.get_by_test_id("overstayer")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("IVANOVA")
    expect(row).to_contain_text("UKR E2E800008")
    expect(row).to_contain_text("11 days since 21 Feb 2027")
    expect(page.get_by_test_id("overstayers-count")).to_have_text("1 overstayer")
    page.screenshot(path=str(artifacts / "ees-overstayers.png"), full_page=True)

    page.get_by_test_id("nav-signout").click()
    expect(page).to_have_url(f"{desk_url}/login")
    expect(page.get_by_test_id("nav-signin")).to_be_visible()
    page.screenshot(path=str(artifacts / "ees-login.png"))
    page.goto(f"{desk_url}/ees/desk")
    expect(page).to_have_url(f"{desk_url}/login?next=/ees/desk")
