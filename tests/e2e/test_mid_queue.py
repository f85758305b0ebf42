"""The MID's verification queue in a real Chromium: from the desk to a recorded decision.

The VIS holds a traveller's file; a guard records at the desk a passport whose holder
resembles her; the desk says a yellow link awaits verification (2019/817 Art 27, 30: a
link joins data of two systems, never two EES files). The guard
opens it, compares the two identities side by side, and decides. A second guard who
had the link open and decides later is refused and shown the decision that stands.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, expect
from tests.conftest import settings_in
from tests.e2e.conftest import DESK_START
from tests.e2e.test_ees_desk import (
    AIRPORT,
    choose_crossing_point,
    passport,
    scan,
    settled,
    sign_in_at_desk,
)

from limes.biometrics.synthetic import DEMO_SEED, SyntheticBiometrics
from limes.biometrics.templates import Modality
from limes.core.identity import Name, PartialDate
from limes.db.engine import default_database_url, make_engine
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument

pytestmark = pytest.mark.e2e


def record_entry(page: Page, mrz: str) -> None:
    scan(page, mrz)
    expect(page.get_by_test_id("traveller-name")).to_be_visible()
    settled(page)
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")


def vis_file(tmp_path: Path, number: str) -> None:
    """Ada Okafor's VIS file in the desk's CIR, with the face the desk would capture."""
    engine = make_engine(default_database_url(settings_in(tmp_path)))
    identity = IdentityFile(
        cir_id=f"V{number}",
        system=SourceSystem.VIS,
        source_reference=f"vis-{number}",
        identity=IdentityData(
            Name.of("OKAFOR"), Name.of("ADA"), PartialDate(1985, 3, 14), "F", ("USA",)
        ),
        documents=(TravelDocument("P", number, "USA", date(2032, 6, 30)),),
        created_at=DESK_START,
        updated_at=DESK_START,
        member_state="FRA",
    )
    face = SyntheticBiometrics(seed=DEMO_SEED).capture_set(f"USA:{number}", (Modality.FACE,))
    try:
        with SqlUnitOfWork(engine) as uow:
            SqlIdentityRepository(uow.connection).add(identity, face)
    finally:
        engine.dispose()


def test_a_resembling_traveller_is_verified_in_the_queue(
    page: Page,
    browser: Browser,
    desk_url: str,
    admin: APIRequestContext,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    vis_file(tmp_path, "E2EMID001")
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    record_entry(page, passport("E2EMID002", surname="OKAFFOR"))
    notice = page.get_by_test_id("outcome-mid")
    expect(notice).to_contain_text("1 yellow link pending manual verification (Art 30)")
    page.screenshot(path=str(artifacts / "mid-desk-yellow-link.png"), full_page=True)

    # A second guard opens the same link before the first one decides.
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    late = other.new_page()
    sign_in_at_desk(late, desk_url, user="guard-orly")
    late.goto(f"{desk_url}/mid/queue")
    expect(late.get_by_test_id("mid-queue-row")).to_have_count(1)
    # The verifier sees who the two records are, not only their ids.
    names = late.get_by_test_id("mid-queue-name")
    expect(names).to_have_count(2)
    expect(late.get_by_test_id("mid-queue-row")).to_contain_text("OKAFOR, ADA")
    expect(late.get_by_test_id("mid-queue-row")).to_contain_text("OKAFFOR, ADA")
    expect(late.get_by_test_id("mid-queue-dob").first).to_have_text("born 1985-03-14")
    expect(late.get_by_test_id("mid-queue-nationality").first).to_have_text("USA")

    page.get_by_test_id("outcome-mid-link").click()
    expect(page.get_by_test_id("mid-colour")).to_have_text("yellow")
    side = page.get_by_test_id("mid-side-by-side")
    expect(side).to_contain_text("OKAFOR")
    expect(side).to_contain_text("OKAFFOR")
    expect(side.locator("tr.differ")).to_have_count(2)  # the surname and the document number
    expect(page.get_by_test_id("mid-reasons")).to_contain_text("Yellow link, Art 30")
    expect(page.get_by_test_id("mid-reasons")).to_contain_text("biometrics: different")
    expect(page.get_by_test_id("mid-deadline")).to_contain_text("2026-11-23 16:30")
    page.screenshot(path=str(artifacts / "mid-link.png"), full_page=True)

    late.get_by_test_id("mid-open").click()
    expect(late.get_by_test_id("mid-decision")).to_be_visible()

    # Red needs a justification: the browser asks for a colour, the server for the reason.
    page.get_by_test_id("mid-decide-red").check()
    page.get_by_test_id("mid-submit").click()
    expect(page.get_by_test_id("mid-problem")).to_contain_text("Art 32")
    expect(page.get_by_test_id("mid-colour")).to_have_text("yellow")

    page.get_by_test_id("mid-decide-green").check()
    page.get_by_test_id("mid-justification").fill("Two cousins; passports checked.")
    page.get_by_test_id("mid-submit").click()
    expect(page.get_by_test_id("mid-notice")).to_contain_text("the link is now green")
    expect(page.get_by_test_id("mid-colour")).to_have_text("green")
    expect(page.get_by_test_id("mid-verification")).to_contain_text("decided by guard")
    expect(page.get_by_test_id("mid-icf")).to_be_visible()

    late.get_by_test_id("mid-decide-red").check()
    late.get_by_test_id("mid-justification").fill("Same person, two passports.")
    late.get_by_test_id("mid-submit").click()
    problem = late.get_by_test_id("mid-problem")
    expect(problem).to_contain_text("another decision came first")
    expect(problem).to_contain_text("already decided green by guard")
    expect(late.get_by_test_id("mid-colour")).to_have_text("green")
    expect(late.get_by_test_id("mid-decision")).to_have_count(0)
    late.screenshot(path=str(artifacts / "mid-link-already-decided.png"), full_page=True)
    other.close()

    page.get_by_role("link", name="Back to the queue").click()
    expect(page.get_by_test_id("mid-queue-empty")).to_be_visible()


def test_the_queue_asks_for_sign_in_and_refuses_carriers(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    page.goto(f"{desk_url}/mid/queue")
    expect(page).to_have_url(f"{desk_url}/login?next=/mid/queue")
    page.get_by_test_id("login-user").fill("carrier")
    page.get_by_test_id("login-password").fill("limes-demo")
    page.get_by_test_id("login-password").press("Enter")
    expect(page).to_have_url(f"{desk_url}/mid/queue")
    expect(page.get_by_test_id("mid-denied")).to_be_visible()
    page.goto(f"{desk_url}/mid/links/L-nothing")
    expect(page.get_by_test_id("mid-denied")).to_be_visible()
