"""The CIR API: the hit flag (2019/817 Art 22) and the access log (Art 24)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from limes.bootstrap import Services
from limes.core.clock import FixedClock
from tests.api.test_cir_api import PERSONAL, SHORT, face, fill_cir, identification, log_of
from tests.api.test_ees_api import sign_in


@pytest.fixture
def services(client: TestClient) -> Services:
    return fill_cir(client)


@pytest.fixture
def police(client: TestClient, services: Services) -> dict[str, str]:
    return sign_in(client, "police")


@pytest.fixture
def designated(client: TestClient, services: Services) -> dict[str, str]:
    return sign_in(client, "designated")


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return sign_in(client, "admin")


# --- the hit flag (Art 22) -------------------------------------------------------------


def test_a_hit_flag_names_the_systems_never_the_data(
    client: TestClient, designated: dict[str, str], admin: dict[str, str], clock: FixedClock
) -> None:
    url = "/api/v1/cir/hit-flags"
    purpose = "investigation 2026/4411 into trafficking in human beings"
    by_document = client.post(
        url,
        json={"purpose": purpose, "document": {"number": "AB1234567", "issuing_state": "UKR"}},
        headers=designated,
    )
    assert by_document.status_code == 200, by_document.text
    assert by_document.json()["flagged"] is True
    assert by_document.json()["systems"] == ["ees", "vis"]
    assert "own law-enforcement procedure" in by_document.json()["explanation"][0]
    clock.advance(timedelta(seconds=30))
    by_face = client.post(
        url, json={"purpose": purpose, "probes": [face("mallory")]}, headers=designated
    )
    assert by_face.json()["systems"] == ["vis"]
    clock.advance(timedelta(seconds=30))
    miss = client.post(
        url, json={"purpose": purpose, "probes": [face("nobody")]}, headers=designated
    )
    assert miss.json() == {
        "flagged": False,
        "systems": [],
        "explanation": ["none of the EES, VIS, ETIAS or Eurodac holds data on the person"],
    }
    for response in (by_document, by_face, miss):
        assert set(response.json()) == {"flagged", "systems", "explanation"}
        assert not any(personal in response.text for personal in (*PERSONAL, "Mallory", "cir-"))
    entries = log_of(client, admin, operation="hit_flag")
    assert [e["outcome"] for e in entries] == ["not_flagged", "flagged", "flagged"]
    assert entries[1]["result_references"] == ["cir-c0d4"]
    assert entries[2]["query_fields"] == ["travel_document"]
    assert entries[2]["ground"] is None
    assert {e["authority"] for e in entries} == {"FRA-DGSI"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"probes": [face("olena")]}, 403, "cir-no-stated-purpose"),
        ({"purpose": "case 7"}, 422, "cir-empty-query"),
        ({"purpose": "case 7", "probes": [SHORT]}, 422, "cir-malformed-template"),
    ],
    ids=["no-purpose", "nothing-to-query", "short-template"],
)
def test_a_refused_hit_flag_is_logged(
    client: TestClient,
    designated: dict[str, str],
    admin: dict[str, str],
    body: dict[str, object],
    status: int,
    code: str,
) -> None:
    response = client.post("/api/v1/cir/hit-flags", json=body, headers=designated)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    [entry] = log_of(client, admin)
    assert (entry["operation"], entry["outcome"], entry["user_id"]) == (
        "hit_flag",
        code,
        "designated",
    )


# --- the access log (Art 24) -----------------------------------------------------------


def test_the_log_has_one_entry_per_request_newest_first_and_no_personal_data(
    client: TestClient,
    police: dict[str, str],
    designated: dict[str, str],
    admin: dict[str, str],
    clock: FixedClock,
) -> None:
    requests = [
        ("/api/v1/cir/identifications", identification(), police),
        ("/api/v1/cir/identifications", identification(ground=None), police),
        ("/api/v1/cir/identifications", identification(estimated_age=10), police),
        (
            "/api/v1/cir/hit-flags",
            {"purpose": "case 9", "document": {"number": "AB1234567", "issuing_state": "UKR"}},
            designated,
        ),
        ("/api/v1/cir/hit-flags", {"purpose": "case 9"}, designated),
        ("/api/v1/cir/hit-flags", {"purpose": "case 9", "probes": [face("olena")]}, police),
    ]
    for path, body, headers in requests:
        client.post(path, json=body, headers=headers)
        clock.advance(timedelta(minutes=1))
    entries = log_of(client, admin)
    assert [e["outcome"] for e in entries] == [
        "cir-role-not-authorised",
        "cir-empty-query",
        "flagged",
        "cir-child-under-twelve",
        "cir-no-legal-ground",
        "identified",
    ]
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    text = client.get("/api/v1/cir/access-log", headers=admin).text
    assert not any(personal in text for personal in PERSONAL)
    assert [e["outcome"] for e in log_of(client, admin, authority="FRA-DGSI")] == [
        "cir-empty-query",
        "flagged",
    ]
    police_only = log_of(client, admin, authority="FRA-DGPN", operation="hit_flag")
    assert [e["outcome"] for e in police_only] == ["cir-role-not-authorised"]
    assert len(log_of(client, admin, limit=2)) == 2
    assert client.get("/api/v1/cir/access-log?limit=0", headers=admin).status_code == 422
    unknown = client.get("/api/v1/cir/access-log?operation=erasure", headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "query.operation"
