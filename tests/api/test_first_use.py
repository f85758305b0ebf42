"""Defects a new user met following the README and docs/api.md (issue 11, section 4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from limes.bootstrap import build_app
from limes.core.clock import FixedClock
from tests.api.test_ees_api import crossing, sign_in
from tests.conftest import settings_in
from tests.ees_factories import Traveller


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    """The administrator, with the crossing point of the examples."""
    headers = sign_in(client, "admin")
    response = client.put(
        "/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return headers


@pytest.fixture
def guard(client: TestClient, admin: dict[str, str]) -> dict[str, str]:
    return sign_in(client, "guard")


ENDPOINTS = (
    "/api/v1/ees/border-checks",
    "/api/v1/ees/border-checks?direction=exit",
    "/api/v1/ees/entries",
    "/api/v1/ees/exits",
    "/api/v1/ees/refusals",
)


def test_a_retry_of_a_synthetic_capture_is_replayed(
    client: TestClient, guard: dict[str, str]
) -> None:
    """docs/api.md: the same key and the same body answer 200 `replayed`, even though the
    server captures new synthetic biometrics at each try."""
    headers = {**guard, "Idempotency-Key": "desk-7-000123"}
    body = crossing()
    created = client.post("/api/v1/ees/entries", json=body, headers=headers)
    assert created.status_code == 201, created.text
    retried = client.post("/api/v1/ees/entries", json=body, headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["replayed"] is True
    assert retried.json()["record_id"] == created.json()["record_id"]
    # The same key with a different body is still refused.
    other = client.post(
        "/api/v1/ees/entries", json=crossing(Traveller(number="K7777777")), headers=headers
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency-key-reused"


def test_a_retried_refusal_with_synthetic_capture_is_replayed(
    client: TestClient, guard: dict[str, str]
) -> None:
    headers = {**guard, "Idempotency-Key": "desk-7-000124"}
    body = crossing(reasons=["F"])
    created = client.post("/api/v1/ees/refusals", json=body, headers=headers)
    assert created.status_code == 201, created.text
    retried = client.post("/api/v1/ees/refusals", json=body, headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["replayed"] is True
    other = client.post("/api/v1/ees/refusals", json=crossing(reasons=["A"]), headers=headers)
    assert other.status_code == 409


@pytest.mark.parametrize("entries", [["1"], {"n": 1}, [], {}, 1.5, None, True])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_malformed_visa_entries_is_a_problem_naming_the_field(
    client: TestClient, guard: dict[str, str], endpoint: str, entries: object
) -> None:
    visa = {
        "sticker_number": "FRA123456",
        "valid_from": "2026-11-01",
        "valid_until": "2027-01-31",
        "duration_days": 30,
        "entries": entries,
    }
    body = crossing(visa=visa, reasons=["F"] if "refusals" in endpoint else None)
    if body["reasons"] is None:
        del body["reasons"]
    response = client.post(endpoint, json=body, headers=guard)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "visa.entries" in [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def far_clock() -> FixedClock:
    return FixedClock(datetime(9995, 6, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def far_client(far_clock: FixedClock, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(build_app(settings_in(tmp_path), clock=far_clock)) as test_client:
        yield test_client


def test_the_demo_clock_refuses_to_leave_the_representable_range(
    far_client: TestClient, far_clock: FixedClock
) -> None:
    admin = sign_in(far_client, "admin")
    put = far_client.put(
        "/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        headers=admin,
    )
    assert put.status_code == 200, put.text
    before = far_clock.now()
    moved = far_client.post("/api/v1/admin/clock", json={"days": 3660}, headers=admin)
    assert moved.status_code == 422, moved.text
    problem = moved.json()
    assert problem["errors"][0]["field"] == "days"
    assert "9899" in problem["detail"]
    # Nothing is left broken: the clock stands where it stood and everything answers.
    assert far_clock.now() == before
    clock = far_client.get("/api/v1/admin/clock", headers=admin)
    assert clock.status_code == 200
    assert clock.json()["now"].startswith("9995-06-01")
    guard = sign_in(far_client, "guard")
    assert far_client.get("/api/v1/ees/overstayers", headers=guard).status_code == 200
    check = far_client.post(
        "/api/v1/ees/border-checks", json={**crossing(), "capture": {}}, headers=guard
    )
    assert check.status_code in (200, 422), check.text


def test_a_move_of_the_clock_within_the_range_still_works(
    client: TestClient, admin: dict[str, str]
) -> None:
    moved = client.post("/api/v1/admin/clock", json={"days": 10}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert moved.json()["now"].startswith("2026-12-03")


def test_a_wrong_method_names_the_allowed_ones(client: TestClient, guard: dict[str, str]) -> None:
    response = client.get("/api/v1/ees/entries", headers=guard)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == "application/problem+json"
    clock = client.delete("/api/v1/admin/clock", headers=guard)
    assert clock.status_code == 405
    assert sorted(m.strip() for m in clock.headers["allow"].split(",")) == ["GET", "HEAD", "POST"]


def test_the_api_documentation_lists_each_endpoint_once(client: TestClient) -> None:
    operations = client.get("/openapi.json").json()["paths"]
    for path, methods in operations.items():
        for method, operation in methods.items():
            assert len(operation["tags"]) == 1, (method, path, operation["tags"])
    assert operations["/api/v1/ees/web-service/stay"]["post"]["tags"] == ["EES web service"]
