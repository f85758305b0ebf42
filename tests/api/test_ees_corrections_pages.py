"""The file page's forms (EES Art 19, 20, 35) posted as a browser posts them: what is
done, what to fix, and who may do what."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_ees_api import admin, crossing, guard
from tests.api.test_pages_by_role import HTML, sign_in_pages

__all__ = ["admin", "guard"]  # the fixtures of the EES API tests


def _entered(client: TestClient, guard: dict[str, str]) -> dict[str, Any]:
    entry = client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    assert entry.status_code == 201, entry.text
    return dict(entry.json())


def test_art35_the_record_is_rectified_from_the_form_with_a_utc_instant(
    client: TestClient, guard: dict[str, str]
) -> None:
    entry = _entered(client, guard)
    sign_in_pages(client, "immigration")
    file_id = entry["file_id"]
    posted = client.post(
        f"/ees/files/{file_id}/rectification",
        data={"record_id": entry["record_id"], "entry_at": "2020-01-02T10:15"},
        headers=HTML,
    )
    assert posted.status_code == 200, posted.text  # after the redirect
    assert "The record is rectified (Art 35(1))." in posted.text
    assert "2020-01-02 10:15" in posted.text


def test_art35_identity_form_and_what_to_fix(client: TestClient, guard: dict[str, str]) -> None:
    entry = _entered(client, guard)
    sign_in_pages(client, "guard-land")  # a Croatian guard: not the Member State responsible
    file_id = entry["file_id"]
    refused = client.post(
        f"/ees/files/{file_id}/identity", data={"surname": "OKAFOR-BELL"}, headers=HTML
    )
    assert refused.status_code == 403
    assert "Only the Member State responsible (FRA)" in refused.text
    sign_in_pages(client, "guard")
    bad = client.post(f"/ees/files/{file_id}/identity", data={"sex": "Q"}, headers=HTML)
    assert bad.status_code == 422
    assert "Check these fields: sex." in bad.text
    done = client.post(
        f"/ees/files/{file_id}/identity",
        data={"surname": "OKAFOR-BELL", "nationalities": "usa, nga"},
        headers=HTML,
    )
    assert done.status_code == 200
    assert "OKAFOR-BELL" in done.text
    assert "USA, NGA" in done.text


def test_art35_advance_erasure_from_the_page_is_for_the_immigration_authority(
    client: TestClient, guard: dict[str, str]
) -> None:
    entry = _entered(client, guard)
    file_id = entry["file_id"]
    sign_in_pages(client, "guard")
    page = client.get(f"/ees/files/{file_id}", headers=HTML)
    assert 'data-testid="erasure"' not in page.text  # not offered to a border guard
    refused = client.post(
        f"/ees/files/{file_id}/erasure",
        data={"ground": "nationality", "grounds": "Decree"},
        headers=HTML,
    )
    assert refused.status_code == 403
    sign_in_pages(client, "immigration")
    incomplete = client.post(
        f"/ees/files/{file_id}/erasure", data={"ground": "nationality"}, headers=HTML
    )
    assert incomplete.status_code == 422
    erased = client.post(
        f"/ees/files/{file_id}/erasure",
        data={"ground": "nationality", "grounds": "Naturalisation decree of 1 Dec 2026"},
        headers=HTML,
    )
    assert erased.status_code == 200
    assert 'data-testid="file-erased"' in erased.text
    gone = client.get(f"/ees/files/{file_id}", headers=HTML)
    assert gone.status_code == 404
    assert "Individual file not found" in gone.text or "No individual file" in gone.text


def test_an_unknown_action_and_a_role_without_the_page(
    client: TestClient, guard: dict[str, str]
) -> None:
    entry = _entered(client, guard)
    sign_in_pages(client, "immigration")
    unknown = client.post(f"/ees/files/{entry['file_id']}/teleport", data={}, headers=HTML)
    assert unknown.status_code == 404
    assert "Unknown action." in unknown.text
    sign_in_pages(client, "carrier")
    page = client.get(f"/ees/files/{entry['file_id']}", headers=HTML)
    assert page.status_code == 403
    assert re.search(r"Not for your role", page.text)
