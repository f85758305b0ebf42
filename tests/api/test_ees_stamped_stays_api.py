"""Stays shown only by passport stamps through the API (EES Art 22; Reg. (EU) 2025/1534 Art 5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from limes.core.clock import FixedClock
from tests.api.test_ees_api import crossing, sign_in

TODAY = date(2026, 11, 23)  # the clock of tests/conftest.py


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


def _stamped(entry: date, exit_: date, **extra: object) -> dict[str, object]:
    return {
        "entry_date": entry.isoformat(),
        "entry_crossing_point": "deu-fra",
        "exit_date": exit_.isoformat(),
        "exit_crossing_point": "DEU-MUC",
        **extra,
    }


def test_art_22_stamped_stays_count_in_the_check_and_are_recorded_with_the_entry(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    assert clock.today() == TODAY
    body = crossing(stamped_stays=[_stamped(date(2026, 8, 1), date(2026, 9, 29))])  # 60 days
    check = client.post("/api/v1/ees/border-checks", json=body, headers=guard)
    assert check.status_code == 200, check.text
    assert check.json()["assessment"]["days_used"] == 60
    assert check.json()["assessment"]["max_stay_days"] == 30
    [shown] = check.json()["entries"]
    assert shown["source"] == "stamp"
    assert shown["entry_crossing_point"] == "DEU-FRA"
    entry = client.post("/api/v1/ees/entries", json=body, headers=guard)
    assert entry.status_code == 201, entry.text
    recorded = entry.json()["check"]["entries"]
    assert [e["source"] for e in recorded] == ["stamp", "ees"]
    assert recorded[1]["authorised_stay_until"] == (TODAY + timedelta(days=29)).isoformat()
    clock.advance(timedelta(days=3))
    later = client.post(
        "/api/v1/ees/border-checks", params={"direction": "exit"}, json=crossing(), headers=guard
    )
    assert [e["source"] for e in later.json()["entries"]] == ["stamp", "ees"]


def test_art_22_bad_stamps_are_a_problem_naming_each_field_and_store_nothing(
    client: TestClient, guard: dict[str, str]
) -> None:
    body = crossing(
        stamped_stays=[
            _stamped(date(2026, 9, 10), date(2026, 9, 1)),
            _stamped(TODAY, TODAY + timedelta(days=2)),
            _stamped(date(2026, 1, 1), date(2026, 2, 1)),
            _stamped(date(2026, 10, 1), date(2026, 10, 20)),
            _stamped(date(2026, 10, 15), date(2026, 10, 25)),
        ]
    )
    response = client.post("/api/v1/ees/entries", json=body, headers=guard)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "ees-stamped-stay-invalid"
    reasons = {e["field"]: e["reason"] for e in problem["errors"]}
    assert "before the entry stamp" in reasons["stamped_stays[0].exit_date"]
    assert "after today" in reasons["stamped_stays[1].exit_date"]
    assert "Art 22(1)" in reasons["stamped_stays[2].exit_date"]
    assert "overlaps the stamped stay" in reasons["stamped_stays[4]"]
    check = client.post("/api/v1/ees/border-checks", json=crossing(), headers=guard)
    assert check.json()["file"] is None


def test_a_stamped_stay_without_its_crossing_point_is_a_field_error(
    client: TestClient, guard: dict[str, str]
) -> None:
    stay = _stamped(date(2026, 10, 1), date(2026, 10, 5))
    del stay["exit_crossing_point"]
    response = client.post(
        "/api/v1/ees/border-checks", json=crossing(stamped_stays=[stay]), headers=guard
    )
    assert response.status_code == 422
    assert any(
        e["field"] == "stamped_stays[0].exit_crossing_point" for e in response.json()["errors"]
    ), response.json()


def test_more_stamped_stays_than_the_180_days_can_hold_are_refused(
    client: TestClient, guard: dict[str, str]
) -> None:
    """docs/api.md, Limits: at most 180 stays shown by stamps with one crossing."""
    day = _stamped(date(2026, 10, 1), date(2026, 10, 1))
    response = client.post(
        "/api/v1/ees/border-checks", json=crossing(stamped_stays=[day] * 181), headers=guard
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stamped_stays"
