"""Every error kind maps to an HTTP status and carries a unique code (STYLE.md 4.5)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from limes.core.errors import DomainError
from limes.web.errors import STATUS_BY_KIND, status_for


def _all_subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found.extend([sub, *_all_subclasses(sub)])
    return found


def test_every_error_kind_has_a_status_below_500_and_a_unique_code() -> None:
    kinds = _all_subclasses(DomainError)
    assert kinds
    for kind in kinds:
        assert status_for(kind("x")) in {401, 404, 403, 409, 413, 422, 503}, kind
    codes = [kind.code for kind in kinds]
    assert len(codes) == len(set(codes))
    assert DomainError in STATUS_BY_KIND


def test_a_number_too_long_to_convert_is_a_clear_422(client: TestClient) -> None:
    body = '{"stays": [], "on": "2015-01-01", "mode": "planning", "x": ' + "9" * 5000 + "}"
    response = client.post(
        "/api/v1/shortstay/calculations",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "invalid-request"
    assert "4,300 digits" in problem["detail"]
    assert len(response.content) < 1000
