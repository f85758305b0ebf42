"""One file per person through the API (EES Art 23(2)-(4), 27): the codes and the decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from limes.core.clock import FixedClock
from tests.api.test_ees_api import _templates, crossing, sign_in
from tests.ees_factories import Traveller

ADA = Traveller()
ADA_NEW_PASSPORT = Traveller(number="Y7654321", expiry=date(2035, 6, 1))
SOMEONE_ELSE = Traveller(number="Z9999999")


@pytest.fixture
def guard(client: TestClient) -> dict[str, str]:
    admin = sign_in(client, "admin")
    response = client.put(
        "/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    return sign_in(client, "guard")


def _as(passport: Traveller, person: Traveller, **extra: object) -> dict[str, object]:
    """`person`'s own face and fingers with `passport`'s MRZ."""
    return crossing(passport, capture={"templates": _templates(person)}, **extra)


def test_art_23_a_new_passport_is_a_409_with_the_candidate_then_confirmed_the_41_days_count(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    first = client.post("/api/v1/ees/entries", json=_as(ADA, ADA), headers=guard)
    assert first.status_code == 201, first.text
    file_id = first.json()["file_id"]
    clock.advance(timedelta(days=40))
    assert client.post("/api/v1/ees/exits", json=_as(ADA, ADA), headers=guard).status_code == 201
    clock.advance(timedelta(days=20))

    check = client.post(
        "/api/v1/ees/border-checks", json=_as(ADA_NEW_PASSPORT, ADA), headers=guard
    ).json()
    assert [c["file_id"] for c in check["candidates"]] == [file_id]

    refused = client.post("/api/v1/ees/entries", json=_as(ADA_NEW_PASSPORT, ADA), headers=guard)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "ees-possible-existing-file"
    (candidate,) = problem["candidates"]
    assert candidate["file_id"] == file_id
    assert candidate["documents"] == [f"USA {ADA.number}"]
    assert set(candidate["basis"]) == {"identity_data", "biometrics"}
    assert candidate["reasons"]

    confirmed = client.post(
        "/api/v1/ees/entries",
        json=_as(ADA_NEW_PASSPORT, ADA, identity_decision={"confirmed_file_id": file_id}),
        headers=guard,
    )
    assert confirmed.status_code == 201, confirmed.text
    receipt = confirmed.json()
    assert receipt["file_id"] == file_id
    assert receipt["created_file"] is False
    assert receipt["check"]["adds_document"] is True
    assert receipt["check"]["assessment"]["days_used"] == 41


def test_art_23_a_failed_verification_is_a_409_until_the_identity_is_confirmed(
    client: TestClient, guard: dict[str, str]
) -> None:
    assert client.post("/api/v1/ees/entries", json=_as(ADA, ADA), headers=guard).status_code == 201
    refused = client.post("/api/v1/ees/exits", json=_as(ADA, SOMEONE_ELSE), headers=guard)
    assert refused.status_code == 409
    assert refused.json()["code"] == "ees-verification-failed"
    incomplete = client.post(
        "/api/v1/ees/exits",
        json=_as(ADA, SOMEONE_ELSE, identity_decision={"identity_confirmed_manually": True}),
        headers=guard,
    )
    assert incomplete.status_code == 422
    assert incomplete.json()["code"] == "ees-invalid-identity-decision"
    assert incomplete.json()["errors"][0]["field"] == "identity_decision.reason"
    decided = client.post(
        "/api/v1/ees/exits",
        json=_as(
            ADA,
            SOMEONE_ELSE,
            identity_decision={
                "identity_confirmed_manually": True,
                "reason": "fingerprints rescanned, photo compared",
            },
        ),
        headers=guard,
    )
    assert decided.status_code == 201, decided.text


def test_art_23_a_file_not_proposed_cannot_be_confirmed(
    client: TestClient, guard: dict[str, str]
) -> None:
    assert client.post("/api/v1/ees/entries", json=_as(ADA, ADA), headers=guard).status_code == 201
    wrong = client.post(
        "/api/v1/ees/entries",
        json=_as(ADA_NEW_PASSPORT, ADA, identity_decision={"confirmed_file_id": "F-nope"}),
        headers=guard,
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "ees-not-a-candidate"
    assert wrong.json()["errors"][0]["field"] == "identity_decision.confirmed_file_id"
