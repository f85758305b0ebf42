"""The web service for travellers and carriers through the API (EES Art 13; Impl. Reg. (EU) 2022/1409)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from limes.core.clock import FixedClock
from tests.api.test_ees_api import crossing, sign_in
from tests.ees_factories import Traveller

SINGH = Traveller(surname="SINGH", number="P5550001", nationality="IND")
DOCUMENT = {"document_number": "P5550001", "issuing_state": "IND"}


@pytest.fixture
def guard(client: TestClient) -> dict[str, str]:
    """The demo border guard, with the crossing point of `crossing()` in place."""
    admin = sign_in(client, "admin")
    response = client.put(
        "/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    return sign_in(client, "guard")


def _visa(clock: FixedClock, entries: str, days: int = 90) -> dict[str, object]:
    today = clock.today()
    return {
        "sticker_number": "FRA123456",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=60)).isoformat(),
        "duration_days": days,
        "entries": entries,
    }


def _six_days_on(
    client: TestClient, guard: dict[str, str], visa: dict[str, object], clock: FixedClock
) -> None:
    body = crossing(SINGH, visa=visa)
    assert client.post("/api/v1/ees/entries", json=body, headers=guard).status_code == 201
    clock.advance(timedelta(days=5))
    assert client.post("/api/v1/ees/exits", json=body, headers=guard).status_code == 201


def test_art_13_1_a_used_single_entry_visa_is_not_ok_for_the_traveller(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    """The issue's case: after six days on a single-entry visa the answer was "84 days left"."""
    _six_days_on(client, guard, _visa(clock, "1"), clock)
    traveller = sign_in(client, "traveller")
    stay = client.post("/api/v1/ees/web-service/stay", json=DOCUMENT, headers=traveller)
    assert stay.status_code == 200, stay.text
    body = stay.json()
    assert (body["answer"], body["days_left"], body["limited_by"]) == ("NOT OK", 0, "visa_entries")
    assert "A new visa is needed" in body["reason"]


def test_art_13_1_the_traveller_gives_intended_dates(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    _six_days_on(client, guard, _visa(clock, "multiple", days=20), clock)  # 14 days left
    traveller = sign_in(client, "traveller")
    entry = clock.today() + timedelta(days=10)
    within = {
        **DOCUMENT,
        "intended_entry": entry.isoformat(),
        "intended_exit": (entry + timedelta(days=13)).isoformat(),
    }
    ok = client.post("/api/v1/ees/web-service/stay", json=within, headers=traveller).json()
    assert (ok["answer"], ok["days_left"], ok["limited_by"]) == ("OK", 14, "visa_duration")
    beyond = {**within, "intended_exit": (entry + timedelta(days=14)).isoformat()}
    late = client.post("/api/v1/ees/web-service/stay", json=beyond, headers=traveller).json()
    assert late["answer"] == "NOT OK"
    wrong = {**DOCUMENT, "intended_entry": (clock.today() - timedelta(days=1)).isoformat()}
    refused = client.post("/api/v1/ees/web-service/stay", json=wrong, headers=traveller)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "ees-web-service-dates-invalid"
    assert refused.json()["errors"][0]["field"] == "intended_entry"


def test_art_13_3_the_carrier_gets_not_ok_for_a_visa_not_valid_on_the_date_of_travel(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    """The issue's case: the carrier's answer counted entries, not the visa's validity."""
    _six_days_on(client, guard, _visa(clock, "multiple"), clock)
    carrier = sign_in(client, "carrier")
    query = {**DOCUMENT, "visa_sticker_number": "FRA123456"}
    ok = client.post("/api/v1/ees/web-service/carrier-checks", json=query, headers=carrier)
    assert ok.json() == {
        "answer": "OK",
        "code": "multiple_entry",
        "reason": "OK: a multiple-entry visa, valid on the date of travel.",
    }
    travel = (clock.today() + timedelta(days=60)).isoformat()
    answer = client.post(
        "/api/v1/ees/web-service/carrier-checks",
        json={**query, "intended_entry": travel},
        headers=carrier,
    ).json()
    assert (answer["answer"], answer["code"]) == ("NOT OK", "visa_not_valid")
