"""One file per person at the desk, in a real Chromium (EES Art 23(2)-(4), 27).

Ada Okafor stayed 41 days with one passport; she comes back with a new one. The desk
shows her existing file as a candidate, with why it was found; the guard confirms it,
and the 41 days count. A traveller whose face and fingers do not match the file of
the passport he holds is stopped until the guard has checked his identity by hand.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import APIRequestContext, Page, expect
from tests.e2e.test_ees_desk import (
    AIRPORT,
    border_check,
    choose_crossing_point,
    passport,
    scan,
    settled,
    sign_in_at_desk,
)

from limes.biometrics.synthetic import DEMO_SEED, SyntheticBiometrics
from limes.biometrics.templates import RIGHT_HAND, Modality

pytestmark = pytest.mark.e2e

# The desk's synthetic capture device (the API's, keyed by nationality and document).
DEVICE = SyntheticBiometrics(seed=DEMO_SEED)


def _templates(person_key: str) -> list[dict[str, object]]:
    return [
        {
            "modality": t.modality.value,
            "vector": base64.b64encode(t.vector).decode(),
            "quality": t.quality,
            "synthetic": True,
        }
        for t in DEVICE.capture_set(person_key, (Modality.FACE, *RIGHT_HAND))
    ]


def _record(page: Page, path: str, mrz: str, person_key: str) -> None:
    base = "/".join(page.url.split("/", 3)[:3])
    response = page.request.post(
        f"{base}/api/v1/ees/{path}",
        data={
            "mrz": mrz,
            "crossing_point": AIRPORT,
            "capture": {"templates": _templates(person_key)},
        },
    )
    assert response.ok, response.text()


def _advance(admin: APIRequestContext, days: int) -> None:
    response = admin.post("/api/v1/admin/clock", data={"days": days})
    assert response.ok, response.text()


def test_a_new_passport_shows_the_existing_file_and_the_41_days_count_once_confirmed(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    old, new = passport("E2EPER001"), passport("E2EPER002")
    # Ada's first stay, with her own face and fingers: the ones the desk captures now.
    _record(page, "entries", old, "USA:E2EPER002")
    _advance(admin, 40)
    _record(page, "exits", old, "USA:E2EPER002")
    _advance(admin, 20)
    page.reload()
    choose_crossing_point(page, AIRPORT)

    scan(page, new)
    panel = page.get_by_test_id("identity-decision")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("identity-title")).to_contain_text("Possible existing file")
    candidate = page.get_by_test_id("candidate")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text("OKAFOR, ADA")
    expect(page.get_by_test_id("candidate-documents")).to_have_text("USA E2EPER001")
    expect(candidate).to_contain_text("biometrics match")
    expect(candidate).to_contain_text("identity data alike")
    expect(page.get_by_test_id("verdict-days-used")).to_contain_text("0")
    settled(page)
    page.screenshot(path=str(artifacts / "ees-desk-candidate-file.png"), full_page=True)

    # Recording without deciding is refused: no second file for Ada.
    page.keyboard.press("F8")
    expect(page.get_by_test_id("problem")).to_contain_text("may already have a file")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry not recorded")

    page.get_by_test_id("confirm-candidate").click()
    expect(page.get_by_test_id("identity-settled")).to_contain_text("This passport is added")
    expect(page.get_by_test_id("verdict-days-used")).to_contain_text("41")
    expect(page.get_by_test_id("history-entry")).to_have_count(1)
    settled(page)
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome")).to_contain_text("Entry recorded")
    expect(page.get_by_test_id("outcome-file")).not_to_contain_text("new individual file")
    page.screenshot(path=str(artifacts / "ees-desk-candidate-confirmed.png"), full_page=True)

    # The new passport now finds the file directly, with both stays.
    check = border_check(page, new)
    assert check["file"] is not None
    assert len(check["entries"]) == 2


def test_a_different_person_is_stated_with_a_reason_and_gets_a_new_file(
    page: Page, desk_url: str, admin: APIRequestContext
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    _record(page, "entries", passport("E2EPER101"), "USA:E2EPER102")
    scan(page, passport("E2EPER102"))
    expect(page.get_by_test_id("candidate")).to_have_count(1)
    page.get_by_test_id("different-person").click()
    expect(page.get_by_test_id("identity-reason-error")).to_be_visible()
    page.get_by_test_id("identity-reason").fill("twin sister: birth certificate shown")
    page.get_by_test_id("different-person").click()
    expect(page.get_by_test_id("identity-settled")).to_contain_text("a different person")
    settled(page)
    page.keyboard.press("F8")
    expect(page.get_by_test_id("outcome-file")).to_contain_text("new individual file")


def test_a_failed_verification_stops_the_record_until_the_identity_is_checked(
    page: Page, desk_url: str, admin: APIRequestContext, artifacts: Path
) -> None:
    sign_in_at_desk(page, desk_url)
    choose_crossing_point(page, AIRPORT)
    mrz = passport("E2EPER201")
    # The file of this passport holds someone else's face and fingers.
    _record(page, "entries", mrz, "USA:someone-else")
    page.keyboard.press("F3")
    scan(page, mrz)
    expect(page.get_by_test_id("verification")).to_contain_text("NO MATCH")
    expect(page.get_by_test_id("identity-title")).to_contain_text("Verification failed")
    settled(page)
    page.screenshot(path=str(artifacts / "ees-desk-verification-failed.png"), full_page=True)

    page.keyboard.press("F9")
    expect(page.get_by_test_id("problem")).to_contain_text("does not match")
    expect(page.get_by_test_id("outcome")).to_contain_text("Exit not recorded")

    page.get_by_test_id("manual-check-reason").fill("passport photo and signature compared")
    page.get_by_test_id("confirm-identity-manually").click()
    expect(page.get_by_test_id("identity-settled")).to_contain_text("manual check")
    settled(page)
    page.keyboard.press("F9")
    expect(page.get_by_test_id("outcome")).to_contain_text("Exit recorded")
