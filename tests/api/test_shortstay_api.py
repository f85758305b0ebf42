"""POST /api/v1/shortstay/calculations: answers, problem+json errors, the OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient

URL = "/api/v1/shortstay/calculations"


def test_sem1_planning(client: TestClient) -> None:
    response = client.post(
        URL,
        json={"stays": [{"entry": "2014-08-15", "exit": "2014-09-30"}], "on": "2015-01-01"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["days_used"] == 47
    assert body["planning_days"] == 90
    assert body["stay_until"] == "2015-03-31"
    assert body["window"] == {"from": "2014-07-06", "to": "2015-01-01"}
    assert body["rolling_out"] == [{"from": "2014-08-15", "to": "2014-09-30", "days": 47}]


def test_stamps_and_pairs_are_accepted(client: TestClient) -> None:
    by_stamps = client.post(
        URL, json={"stamps": "+150814 -300914 +011114 -301114", "on": "2014-11-30", "mode": "check"}
    )
    by_pairs = client.post(
        URL,
        json={
            "stays": [["2014-08-15", "2014-09-30"], ["2014-11-01", "2014-11-30"]],
            "on": "2014-11-30",
            "mode": "check",
        },
    )
    assert by_stamps.status_code == by_pairs.status_code == 200
    assert by_stamps.json() == by_pairs.json()
    assert by_stamps.json()["stay_until"] == "2014-12-13"


def test_overstay_is_reported_with_both_figures(client: TestClient) -> None:
    response = client.post(
        URL,
        json={"stays": [["2013-09-19", "2014-03-01"]], "on": "2014-03-01", "mode": "check"},
    )
    body = response.json()
    assert body["overstay"] is True
    assert body["stay_until"] is None
    [overstay] = body["overstays"]
    assert (overstay["from"], overstay["to"], overstay["days"]) == ("2013-12-18", "2014-03-01", 74)
    assert overstay["days_over_limit_in_window"] == 74
    assert body["ignoring_overstay"] is not None


def test_rule_errors_are_problem_json_tied_to_fields(client: TestClient) -> None:
    response = client.post(
        URL,
        json={
            "stays": [["2026-05-01", "2026-05-20"], ["2026-05-10", "2026-06-01"]],
            "on": "2026-05-25",
            "mode": "check",
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:limes:problem:invalid-stay-history"
    assert {e["field"] for e in body["errors"]} == {"stays[1].entry", "stays[1].exit"}


def test_shape_errors_name_each_field(client: TestClient) -> None:
    response = client.post(
        URL,
        json={"stays": [["2014-08-15", "2014-13-01"], ["x"]], "on": "15.01.2015", "mode": "maybe"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"stays[0].exit", "stays[1]", "on", "mode"}
    reasons = " ".join(e["reason"] for e in response.json()["errors"])
    assert "YYYY-MM-DD" in reasons


def test_malformed_json_is_a_problem_not_a_500(client: TestClient) -> None:
    response = client.post(URL, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_path_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not-found"


def test_openapi_documents_the_calculation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/shortstay/calculations" in spec["paths"]
