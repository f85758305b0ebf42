"""Limits on every input of the API (docs/api.md, "Limits"): refused with problem+json that
names the field and the limit, quickly, and never with the input repeated back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from limes.bootstrap import build_app
from limes.core.clock import FixedClock
from limes.core.errors import NotAuthenticated
from limes.core.limits import (
    MAX_JUSTIFICATION_CHARS,
    MAX_MRZ_CHARS,
    MAX_PURPOSE_CHARS,
    MAX_STAMPS_CHARS,
    MAX_STAYS,
    MAX_TEMPLATES,
)
from limes.settings import WebSettings
from tests.api.test_ees_api import crossing, sign_in
from tests.conftest import settings_in
from tests.unit.ees.conftest import peek

CALC = "/api/v1/shortstay/calculations"
PROBLEM = "application/problem+json"
SMALL = 4_000  # bytes: any refusal fits in this


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return sign_in(client, "admin")


@pytest.fixture
def guard(client: TestClient) -> dict[str, str]:
    return sign_in(client, "guard")


def _errors(response: object) -> list[dict[str, str]]:
    body = response.json()  # type: ignore[attr-defined]
    errors: list[dict[str, str]] = body["errors"]
    return errors


def test_ten_megabytes_of_stamps_are_refused_at_once_with_a_short_answer(
    client: TestClient,
) -> None:
    started = time.perf_counter()
    response = client.post(CALC, json={"stamps": "+150814 " * 1_310_720, "on": "2015-01-01"})
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert len(response.content) < SMALL
    assert response.json()["code"] == "payload-too-large"
    assert _errors(response) == [{"field": "body", "reason": "at most 1,048,576 bytes"}]


def test_a_chunked_body_without_a_length_is_counted_and_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"stamps": "'
        for _ in range(160):  # 10 MiB
            yield b"+150814 " * 8_192

    response = client.post(CALC, content=chunks(), headers={"content-type": "application/json"})
    assert response.request.headers.get("content-length") is None
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"


def test_the_body_limit_is_a_setting(clock: FixedClock, tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    settings.web = WebSettings(max_body_bytes=2_048)
    with TestClient(build_app(settings, clock=clock)) as small:
        response = small.post(CALC, json={"stamps": "+150814 -300914 " * 200, "on": "2015-01-01"})
    assert response.status_code == 413
    assert _errors(response) == [{"field": "body", "reason": "at most 2,048 bytes"}]


def test_stamps_within_the_body_limit_are_bounded_by_their_own_limit(client: TestClient) -> None:
    response = client.post(
        CALC, json={"stamps": "+150814 " * (MAX_STAMPS_CHARS // 8 + 1), "on": "2015-01-01"}
    )
    assert response.status_code == 422
    assert len(response.content) < SMALL
    [error] = _errors(response)
    assert error["field"] == "stamps"
    assert f"{MAX_STAMPS_CHARS}" in error["reason"]


def test_one_hundred_thousand_stays_are_refused(client: TestClient) -> None:
    stays = [["2014-08-15", "2014-09-30"]] * 100_000
    started = time.perf_counter()
    response = client.post(CALC, json={"stays": stays, "on": "2015-01-01"})
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 413  # 1.8 MB: the body limit comes first
    few = client.post(CALC, json={"stays": stays[: MAX_STAYS + 1], "on": "2015-01-01"})
    assert few.status_code == 422
    [error] = _errors(few)
    assert error["field"] == "stays"
    assert f"{MAX_STAYS}" in error["reason"]


def test_a_long_bad_value_is_not_repeated_in_the_error(client: TestClient) -> None:
    response = client.post(
        CALC, json={"stays": [["x" * 500_000, "2014-09-30"]], "on": "2015-01-01"}
    )
    assert response.status_code == 422
    assert len(response.content) < SMALL
    assert "500,000 characters" in _errors(response)[0]["reason"]


def test_many_bad_stamps_are_summed_up_not_listed(client: TestClient) -> None:
    response = client.post(CALC, json={"stamps": "x " * 10_000, "on": "2015-01-01"})
    assert response.status_code == 422
    assert len(response.content) < SMALL
    assert "more error(s)" in _errors(response)[-1]["reason"]


def test_malformed_json_is_told_by_line_and_column(client: TestClient) -> None:
    body = (
        b'{\n  "on": "2015-01-01",\n  "stays": [["2014-08-15", "2014-09-30"]]\n  "mode": "check"\n}'
    )
    response = client.post(CALC, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    [error] = _errors(response)
    assert error == {"field": "body", "reason": "line 4, column 3: Expecting ',' delimiter"}
    assert "line 4, column 3" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_sent_as_json_is_told_to_be(
    client: TestClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(CALC, content=b'{"on": "2015-01-01"}', headers=headers)
    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM
    assert "application/json" in response.json()["detail"]
    assert response.json()["code"] == "unsupported-media-type"


def test_a_long_purpose_header_is_refused_and_not_logged(
    client: TestClient, admin: dict[str, str]
) -> None:
    url = "/api/v1/ees/web-service/stay"
    query = {"document_number": "L898902C3", "issuing_state": "UTO"}
    store = client.app.state.services.ees_store  # type: ignore[attr-defined]
    before = len(peek(store).ees.access_log())
    response = client.post(
        url, json=query, headers={**admin, "X-Purpose": "p" * (MAX_PURPOSE_CHARS + 6_500)}
    )
    assert response.status_code == 422
    assert len(response.content) < SMALL
    [error] = _errors(response)
    assert error["field"] == "header.X-Purpose"
    assert f"{MAX_PURPOSE_CHARS}" in error["reason"]
    assert len(peek(store).ees.access_log()) == before
    fitting = client.post(url, json=query, headers={**admin, "X-Purpose": "p" * MAX_PURPOSE_CHARS})
    assert fitting.status_code == 200, fitting.text
    assert len(peek(store).ees.access_log()) == before + 1


def test_headers_too_large_in_all_are_refused(client: TestClient) -> None:
    response = client.get("/api/v1/ees/crossing-points", headers={"X-Filler": "y" * 20_000})
    assert response.status_code == 431
    assert response.json()["code"] == "headers-too-large"


def test_an_overlong_token_is_not_authenticated(client: TestClient) -> None:
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer " + "t" * 5_000})
    assert response.status_code == 401
    assert len(response.content) < SMALL


def test_crossing_fields_are_bounded(client: TestClient, guard: dict[str, str]) -> None:
    template = {"modality": "face", "vector": "A" * 4_000, "quality": 80}
    response = client.post(
        "/api/v1/ees/border-checks",
        json={
            **crossing(),
            "mrz": "P" * (MAX_MRZ_CHARS + 1),
            "crossing_point": "C" * 1_000,
            "capture": {"templates": [template] * (MAX_TEMPLATES + 1)},
        },
        headers=guard,
    )
    assert response.status_code == 422
    assert len(response.content) < SMALL
    fields = {e["field"] for e in _errors(response)}
    assert {"mrz", "crossing_point", "capture.templates"} <= fields
    one = client.post(
        "/api/v1/ees/border-checks",
        json={**crossing(), "capture": {"templates": [template]}},
        headers=guard,
    )
    assert one.status_code == 422
    assert _errors(one)[0]["field"] == "capture.templates[0].vector"


def test_a_long_path_identifier_is_refused_by_name(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/ees/entries/{'r' * 5_000}/rebuttal", json={"evidence": "x"}, headers=admin
    )
    assert response.status_code == 422
    assert len(response.content) < SMALL
    assert _errors(response)[0]["field"] == "path.record_id"


def test_a_justification_is_bounded_on_the_api(client: TestClient, guard: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/mid/links/x/decisions",
        json={"colour": "red", "justification": "j" * (MAX_JUSTIFICATION_CHARS + 1)},
        headers=guard,
    )
    assert response.status_code == 422
    assert _errors(response)[0]["field"] == "justification"


def test_an_overlong_password_is_refused_on_the_api_and_never_hashed(client: TestClient) -> None:
    response = client.post("/api/v1/auth/sessions", json={"user": "guard", "password": "p" * 2_000})
    assert response.status_code == 422
    assert _errors(response)[0]["field"] == "password"
    access = client.app.state.services.access  # type: ignore[attr-defined]
    with pytest.raises(NotAuthenticated):  # as the sign-in page calls it
        access.sign_in("guard", "limes-demo" + " " * 2_000)


def test_a_huge_number_is_a_client_error_not_a_server_error(client: TestClient) -> None:
    body = '{"stays": [], "on": "2015-01-01", "visa": {"valid_from": "2015-01-01", '
    body += '"valid_until": "2015-02-01", "duration_days": ' + "9" * 100_000 + "}}"
    response = client.post(CALC, content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert len(response.content) < SMALL
