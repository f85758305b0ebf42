"""The EES API: sign-in and roles, recording, idempotency, errors as problem+json."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from limes.core.clock import FixedClock
from tests.ees_factories import Traveller

ADA = Traveller()


def sign_in(client: TestClient, user: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/sessions", json={"user": user, "password": "limes-demo"})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # the API is used with the bearer token only
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    headers = sign_in(client, "admin")
    for code, name, border_type in (
        ("FRA-CDG", "Paris CDG", "air"),
        ("HRV-BAJ", "Bajakovo", "land"),
    ):
        response = client.put(
            f"/api/v1/ees/crossing-points/{code}",
            json={"name": name, "country": code[:3], "border_type": border_type},
            headers=headers,
        )
        assert response.status_code == 200, response.text
    return headers


@pytest.fixture
def guard(client: TestClient, admin: dict[str, str]) -> dict[str, str]:
    return sign_in(client, "guard")


def crossing(traveller: Traveller = ADA, **extra: object) -> dict[str, object]:
    return {
        "mrz": traveller.mrz(),
        "crossing_point": "FRA-CDG",
        "capture": {"synthetic": True},
        **extra,
    }


def test_sign_in_is_needed_and_wrong_passwords_are_refused(client: TestClient) -> None:
    response = client.post("/api/v1/ees/entries", json=crossing())
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    wrong = client.post("/api/v1/auth/sessions", json={"user": "guard", "password": "nope"})
    assert wrong.status_code == 401
    forged = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer guard.99999999999.x"})
    assert forged.status_code == 401


def test_entry_check_exit_through_the_api(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    check = client.post("/api/v1/ees/border-checks", json=crossing(), headers=guard)
    assert check.status_code == 200, check.text
    body = check.json()
    assert body["file"] is None
    assert body["assessment"]["max_stay_days"] == 90
    entry = client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    assert entry.status_code == 201, entry.text
    assert entry.json()["created_file"] is True
    clock.advance(timedelta(days=10))
    again = client.post(
        "/api/v1/ees/border-checks", params={"direction": "exit"}, json=crossing(), headers=guard
    )
    assert again.json()["verification"]["matched"] is True
    assert again.json()["assessment"]["overstay_days"] == 0
    exit_ = client.post("/api/v1/ees/exits", json=crossing(), headers=guard)
    assert exit_.status_code == 201, exit_.text
    [record] = exit_.json()["check"]["entries"]
    assert record["exit_at"] is not None


def test_the_same_idempotency_key_records_once(client: TestClient, guard: dict[str, str]) -> None:
    headers = {**guard, "Idempotency-Key": "desk-7-0001"}
    first = client.post("/api/v1/ees/entries", json=crossing(ADA, capture={}), headers=headers)
    # Without templates the airport refuses: nothing recorded, so the key is still free.
    assert first.status_code == 422
    body = crossing()
    body["capture"] = {"templates": _templates(ADA)}
    created = client.post("/api/v1/ees/entries", json=body, headers=headers)
    retried = client.post("/api/v1/ees/entries", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert retried.status_code == 200
    assert retried.json()["replayed"] is True
    assert retried.json()["record_id"] == created.json()["record_id"]
    other = client.post(
        "/api/v1/ees/entries", json=crossing(Traveller(number="K7777777")), headers=headers
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency-key-reused"


def _templates(traveller: Traveller) -> list[dict[str, object]]:
    return [
        {
            "modality": t.modality.value,
            "vector": base64.b64encode(t.vector).decode(),
            "quality": t.quality,
            "synthetic": True,
        }
        for t in traveller.templates()
    ]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"mrz": "P<UTOERIKSSON<<ANNA\nL898902C36UTO"}, 422, "mrz.lines"),
        ({"crossing_point": "XXX-NOPE"}, 404, "crossing_point"),
        (
            {"capture": {"templates": [{"modality": "face", "vector": "AAAA", "quality": 80}]}},
            422,
            "capture.templates[0].vector",
        ),
        (
            {"capture": {"templates": [{"modality": "nose", "vector": "AAAA", "quality": 80}]}},
            422,
            "capture.templates[0].modality",
        ),
        (
            {
                "visa": {
                    "sticker_number": "V1",
                    "valid_from": "2026-13-01",
                    "valid_until": "2026-12-01",
                    "duration_days": 30,
                }
            },
            422,
            "visa.valid_from",
        ),
        ({"unknown": 1}, 422, "unknown"),
    ],
)
def test_bad_input_is_a_problem_tied_to_its_field_and_stores_nothing(
    client: TestClient, guard: dict[str, str], change: dict[str, object], status: int, field: str
) -> None:
    response = client.post("/api/v1/ees/entries", json={**crossing(), **change}, headers=guard)
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert any(e["field"].startswith(field) for e in problem["errors"]), problem
    check = client.post("/api/v1/ees/border-checks", json=crossing(), headers=guard)
    assert check.json()["file"] is None


def test_second_entry_and_exit_without_entry_are_conflicts(
    client: TestClient, guard: dict[str, str]
) -> None:
    orphan = client.post("/api/v1/ees/exits", json=crossing(), headers=guard)
    assert orphan.status_code == 409
    assert orphan.json()["code"] == "ees-no-open-entry"
    assert client.post("/api/v1/ees/entries", json=crossing(), headers=guard).status_code == 201
    second = client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    assert second.status_code == 409
    assert second.json()["code"] == "ees-open-entry"


def test_roles_are_enforced(client: TestClient, admin: dict[str, str]) -> None:
    carrier = sign_in(client, "carrier")
    assert client.post("/api/v1/ees/entries", json=crossing(), headers=carrier).status_code == 403
    guard = sign_in(client, "guard")
    assert client.post("/api/v1/ees/jobs/retention", headers=guard).status_code == 403
    assert (
        client.put(
            "/api/v1/ees/crossing-points/FRA-CDG", json={"ees_active": False}, headers=guard
        ).status_code
        == 403
    )


def test_overstay_flagged_when_the_clock_passes_and_listed(
    client: TestClient, admin: dict[str, str], clock: FixedClock
) -> None:
    guard = sign_in(client, "guard")
    client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    moved = client.post("/api/v1/admin/clock", json={"days": 91}, headers=admin)
    assert moved.status_code == 200, moved.text
    listed = client.get("/api/v1/ees/overstayers", headers=guard)
    assert listed.status_code == 200
    [overstayer] = listed.json()
    assert overstayer["surname"] == "OKAFOR"
    entered = date.fromisoformat(overstayer["record"]["entry_at"][:10])
    rebutted = client.post(
        f"/api/v1/ees/entries/{overstayer['record']['record_id']}/rebuttal",
        json={
            "kind": "exit_stamp",
            "evidence": "Left by ferry on day 85; exit stamp shown",
            "exit_on": (entered + timedelta(days=84)).isoformat(),
        },
        headers=guard,
    )
    assert rebutted.status_code == 200, rebutted.text
    assert rebutted.json()["exit_by_rebuttal"] is True
    assert rebutted.json()["overstay_from"] is None
    assert client.get("/api/v1/ees/overstayers", headers=guard).json() == []


def test_web_service_for_travellers_and_carriers(
    client: TestClient, admin: dict[str, str], clock: FixedClock
) -> None:
    guard = sign_in(client, "guard")
    today = clock.today()
    visa = {
        "sticker_number": "FRA123456",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=30)).isoformat(),
        "duration_days": 20,
        "entries": "1",
    }
    singh = Traveller(surname="SINGH", number="P5550001", nationality="IND")
    assert (
        client.post(
            "/api/v1/ees/entries", json=crossing(singh, visa=visa), headers=guard
        ).status_code
        == 201
    )
    traveller = sign_in(client, "traveller")
    stay = client.post(
        "/api/v1/ees/web-service/stay",
        json={"document_number": "P5550001", "issuing_state": "IND"},
        headers=traveller,
    ).json()
    assert stay == {
        "found": True,
        "answer": "OK",
        "reason": f"You may stay until {today + timedelta(days=19)}: 20 days left, today included.",
        "limited_by": None,
        "in_territory": True,
        "authorised_until": (today + timedelta(days=19)).isoformat(),
        "days_left": 20,
        "overstay_days": 0,
        "next_entry": None,
    }
    carrier = sign_in(client, "carrier")
    answer = client.post(
        "/api/v1/ees/web-service/carrier-checks",
        json={
            "document_number": "P5550001",
            "issuing_state": "IND",
            "visa_sticker_number": "FRA123456",
        },
        headers=carrier,
    ).json()
    assert answer["answer"] == "NOT OK"
    unknown = client.post(
        "/api/v1/ees/web-service/stay",
        json={"document_number": "NOPE", "issuing_state": "IND"},
        headers=traveller,
    ).json()
    until = today + timedelta(days=89)
    assert unknown == {
        "found": False,
        "answer": "OK",
        "reason": f"Entering on {today}, you could stay 90 days, until {until}.",
        "limited_by": "rule_90_180",
        "in_territory": False,
        "authorised_until": until.isoformat(),
        "days_left": 90,
        "overstay_days": 0,
        "next_entry": None,
    }
