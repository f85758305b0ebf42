"""Crossing points over the API: their time zone (EES Art 11) and the transition's
dates (Reg. (EU) 2025/1534 Art 4, 6), refused as problem+json with codes of their own."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_ees_api import crossing, sign_in

URL = "/api/v1/ees/crossing-points/FIN-HEL"
HELSINKI = {"name": "Helsinki-Vantaa", "country": "FIN", "border_type": "air"}


def test_ees_art_11_a_crossing_point_has_an_iana_time_zone(client: TestClient) -> None:
    admin = sign_in(client, "admin")
    created = client.put(URL, json={**HELSINKI, "time_zone": "Europe/Helsinki"}, headers=admin)
    assert created.status_code == 200, created.text
    assert created.json()["time_zone"] == "Europe/Helsinki"
    wrong = client.put(URL, json={"time_zone": "Helsinki"}, headers=admin)
    assert wrong.status_code == 422
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json()["code"] == "ees-unknown-time-zone"
    assert wrong.json()["errors"][0]["field"] == "time_zone"


def test_reg_2025_1534_art_6_a_suspension_after_its_last_day_is_refused(
    client: TestClient,
) -> None:
    """The test clock stands after 8 July 2026: no suspension is allowed any more."""
    admin = sign_in(client, "admin")
    assert client.put(URL, json=HELSINKI, headers=admin).status_code == 200
    refused = client.put(
        URL, json={"suspension": "partial", "suspension_reason": "queues"}, headers=admin
    )
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "ees-setting-outside-transition"
    assert "Art 6" in body["detail"]
    assert "2026-07-08" in body["detail"]
    assert body["errors"] == [
        {"field": "suspension", "reason": "allowed until 2026-07-08 (Reg. (EU) 2025/1534 Art 6)"}
    ]
    listed = client.get("/api/v1/ees/crossing-points", headers=admin).json()
    assert [p["suspension"] for p in listed if p["code"] == "FIN-HEL"] == ["none"]


def test_ees_art_11_the_administrator_page_shows_each_crossing_point_zone(
    client: TestClient,
) -> None:
    admin = sign_in(client, "admin")
    body = {**HELSINKI, "time_zone": "Europe/Helsinki"}
    assert client.put(URL, json=body, headers=admin).status_code == 200
    client.post("/api/v1/auth/sessions", json={"user": "admin", "password": "limes-demo"})
    page = client.get("/admin", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert '<td data-testid="admin-time-zone">Europe/Helsinki</td>' in page.text


def test_ees_art_21_closing_a_review_needs_an_outcome_and_a_flagged_record(
    client: TestClient,
) -> None:
    """POST /entries/{id}/review: refused with the field to fix; nothing changes."""
    admin = sign_in(client, "admin")
    assert (
        client.put(
            "/api/v1/ees/crossing-points/FRA-CDG",
            json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
            headers=admin,
        ).status_code
        == 200
    )
    guard = sign_in(client, "guard")
    entered = client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    assert entered.status_code == 201, entered.text
    record_id = entered.json()["record_id"]
    url = f"/api/v1/ees/entries/{record_id}/review"
    blank = client.post(url, json={"outcome": ""}, headers=guard)
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "outcome"
    not_flagged = client.post(url, json={"outcome": "looked at"}, headers=guard)
    assert not_flagged.status_code == 422
    assert not_flagged.json()["errors"] == [
        {"field": "record_id", "reason": "not flagged for review"}
    ]
    unknown = client.post("/api/v1/ees/entries/E-NONE/review", json={"outcome": "x"}, headers=guard)
    assert unknown.status_code == 404
    traveller = client.post(url, json={"outcome": "x"}, headers=sign_in(client, "traveller"))
    assert traveller.status_code == 403
