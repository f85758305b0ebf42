"""The EES API on who is registered (EES Art 2) and who needs a visa (Reg. (EU) 2018/1806)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.test_ees_api import crossing, sign_in
from tests.ees_factories import Traveller

FRENCH = Traveller(surname="DUPONT", given_names="MARIE", number="FR0000001", nationality="FRA")
INDIAN = Traveller(surname="KUMAR", given_names="VIKRAM", number="P0000001", nationality="IND")
ENDPOINTS = [
    "/api/v1/ees/border-checks",
    "/api/v1/ees/entries",
    "/api/v1/ees/exits",
    "/api/v1/ees/refusals",
]


@pytest.fixture
def guard(client: TestClient) -> dict[str, str]:
    headers = sign_in(client, "admin")
    response = client.put(
        "/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return sign_in(client, "guard")


def _body(endpoint: str, traveller: Traveller, **extra: object) -> dict[str, object]:
    body = crossing(traveller, **extra)
    if endpoint.endswith("refusals"):
        body["reasons"] = ["E"]
    if endpoint.endswith("exits"):
        body["stamp_entry_date"] = "2026-11-01"
    return body


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_art_2_a_union_citizen_is_refused_with_a_code_of_its_own_and_nothing_is_stored(
    client: TestClient, guard: dict[str, str], endpoint: str
) -> None:
    response = client.post(endpoint, json=_body(endpoint, FRENCH), headers=guard)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "ees-not-in-scope"
    assert problem["title"] == "Not registered in the EES"
    assert "citizen of the Union" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["mrz.nationality"]


def test_art_2_3_a_residence_permit_holder_is_refused_naming_the_field(
    client: TestClient, guard: dict[str, str]
) -> None:
    body = crossing(INDIAN, residence_document="residence_permit")
    response = client.post("/api/v1/ees/entries", json=body, headers=guard)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "ees-not-in-scope"
    assert [e["field"] for e in problem["errors"]] == ["residence_document"]


def test_reg_2018_1806_the_check_says_a_visa_is_required_and_the_entry_suggests_reason_c(
    client: TestClient, guard: dict[str, str]
) -> None:
    check = client.post("/api/v1/ees/border-checks", json=crossing(INDIAN), headers=guard)
    assert check.status_code == 200, check.text
    requirement = check.json()["visa_requirement"]
    assert requirement["visa_required"] is True
    assert requirement["annex"] == "I"
    assert requirement["visa_missing"] is True
    assert requirement["traveller_kind"] == "visa_holder"
    assert check.json()["scope"]["registered"] is True

    entry = client.post("/api/v1/ees/entries", json=crossing(INDIAN), headers=guard)
    assert entry.status_code == 422, entry.text
    problem = entry.json()
    assert problem["code"] == "ees-missing-visa"
    assert "India" in problem["detail"]
    assert "reason C" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["visa"]
    after = client.post("/api/v1/ees/border-checks", json=crossing(INDIAN), headers=guard)
    assert after.json()["file"] is None


def test_reg_2018_1806_a_stated_kind_that_contradicts_annex_i_is_refused(
    client: TestClient, guard: dict[str, str]
) -> None:
    body = crossing(INDIAN, traveller_kind="visa_exempt")
    response = client.post("/api/v1/ees/entries", json=body, headers=guard)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["traveller_kind"]


def test_reg_2018_1806_art_6_1_a_diplomat_is_admitted_visa_exempt(
    client: TestClient, guard: dict[str, str]
) -> None:
    body = crossing(INDIAN, visa_exemption="diplomatic_passport")
    response = client.post("/api/v1/ees/entries", json=body, headers=guard)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["check"]["file"]["kind"] == "visa_exempt"
    assert receipt["check"]["visa_requirement"]["visa_missing"] is False


def test_art_2_1_b_16_2_a_family_member_entry_records_the_status_and_the_authority(
    client: TestClient, guard: dict[str, str]
) -> None:
    spouse = Traveller(surname="OKAFOR", number="N0000009", nationality="CAN")
    response = client.post(
        "/api/v1/ees/entries", json=crossing(spouse, family_member=True), headers=guard
    )
    assert response.status_code == 201, response.text
    check = response.json()["check"]
    assert check["assessment"] is None
    assert check["file"]["family_member"] is True
    (entry,) = check["entries"]
    assert entry["family_member"] is True
    assert entry["authority"]
    assert check["scope"]["reason"] == "family_member"


def test_art_18_a_refusal_names_the_authority(client: TestClient, guard: dict[str, str]) -> None:
    body = {**crossing(INDIAN), "reasons": ["C"]}
    response = client.post("/api/v1/ees/refusals", json=body, headers=guard)
    assert response.status_code == 201, response.text
    (refusal,) = response.json()["check"]["refusals"]
    assert refusal["reasons"] == ["C"]
    assert refusal["authority"]


@pytest.mark.parametrize("field", ["residence_document", "visa_exemption"])
def test_an_unknown_status_value_is_a_field_error(
    client: TestClient, guard: dict[str, str], field: str
) -> None:
    response = client.post(
        "/api/v1/ees/entries", json=crossing(INDIAN, **{field: "green_card"}), headers=guard
    )
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
