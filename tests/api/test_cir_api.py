"""The CIR API: police identification (2019/817 Art 20), who may query, and its log (Art 24)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.bootstrap import Services
from limes.core.clock import FixedClock
from limes.core.identity import Name, PartialDate
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from tests.api.test_ees_api import sign_in

DEVICE = SyntheticBiometrics(seed=20190817)
OLENA_PASSPORT = TravelDocument("P", "AB1234567", "UKR", date(2031, 5, 31))
MALLORY_PASSPORT = TravelDocument("P", "MM0000001", "FRA", date(2030, 1, 31))
WRITTEN = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # before the test's clock starts
PERSONAL = ("Шевченко", "SHEVCHENKO", "OLENA", "AB1234567", "1987", "secret-ref")


def identity_file(
    cir_id: str, system: SourceSystem, surname: Name, passport: TravelDocument
) -> IdentityFile:
    return IdentityFile(
        cir_id=cir_id,
        system=system,
        source_reference=f"{system}-secret-ref-{cir_id}",
        identity=IdentityData(
            surname=surname,
            given_names=Name.of("Olena"),
            date_of_birth=PartialDate(1987, 4),
            sex="F",
            nationalities=("UKR",),
        ),
        documents=(passport,),
        created_at=WRITTEN,
        updated_at=WRITTEN,
    )


def template_json(template: BiometricTemplate) -> dict[str, object]:
    return {
        "modality": template.modality.value,
        "vector": base64.b64encode(template.vector).decode(),
        "quality": template.quality,
        "synthetic": template.synthetic,
    }


def face(person: str) -> dict[str, object]:
    """A fresh capture of the person's face, as the officer's device sends it."""
    return template_json(DEVICE.capture(person, Modality.FACE, quality=80))


def fill_cir(client: TestClient) -> Services:
    """The CIR holds Olena in the EES and the VIS, and Mallory in the VIS."""
    built: Services = client.app.state.services  # type: ignore[attr-defined]
    olena = Name.of("Шевченко", mrz="SHEVCHENKO")
    files = [
        (identity_file("cir-7f3a", SourceSystem.EES, olena, OLENA_PASSPORT), "olena"),
        (identity_file("cir-91c2", SourceSystem.VIS, olena, OLENA_PASSPORT), "olena"),
        (
            identity_file("cir-c0d4", SourceSystem.VIS, Name.of("Mallory"), MALLORY_PASSPORT),
            "mallory",
        ),
    ]
    with SqlUnitOfWork(built.engine) as uow:
        repository = SqlIdentityRepository(uow.connection)
        for identity_file_, person in files:
            repository.add(identity_file_, DEVICE.capture_set(person, (Modality.FACE,)))
    return built


@pytest.fixture
def services(client: TestClient) -> Services:
    return fill_cir(client)


@pytest.fixture
def police(client: TestClient, services: Services) -> dict[str, str]:
    return sign_in(client, "police")


@pytest.fixture
def designated(client: TestClient, services: Services) -> dict[str, str]:
    return sign_in(client, "designated")


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return sign_in(client, "admin")


def identification(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "purpose": "identity check after a road accident, case 2026/118",
        "ground": "cannot_or_will_not_cooperate",
        "captured_live": True,
        "estimated_age": 35,
        "probes": [face("olena")],
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def log_of(client: TestClient, admin: dict[str, str], **query: object) -> list[dict[str, Any]]:
    response = client.get("/api/v1/cir/access-log", params=query, headers=admin)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


# --- police identification (Art 20) ----------------------------------------------------


def test_a_hit_shows_identity_and_document_data_and_the_systems_only(
    client: TestClient, police: dict[str, str], admin: dict[str, str], clock: FixedClock
) -> None:
    response = client.post("/api/v1/cir/identifications", json=identification(), headers=police)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["identified"] is True
    assert [p["system"] for p in body["persons"]] == ["ees", "vis"]
    person = body["persons"][0]
    assert person["identity"] == {
        "surname": "Шевченко",
        "surname_mrz": "SHEVCHENKO",
        "given_names": "Olena",
        "given_names_mrz": "OLENA",
        "date_of_birth": "1987-04",
        "sex": "F",
        "nationalities": ["UKR"],
    }
    assert person["documents"] == [
        {
            "document_type": "P",
            "number": "AB1234567",
            "issuing_state": "UKR",
            "expiry": "2031-05-31",
        }
    ]
    assert set(person) == {"system", "identity", "documents"}
    assert "cir-" not in response.text
    assert "secret-ref" not in response.text
    assert body["explanation"][0].startswith("ees: matched")
    [entry] = log_of(client, admin)
    assert entry == {
        "at": clock.now().isoformat().replace("+00:00", "Z"),
        "operation": "police_identification",
        "authority": "FRA-DGPN",
        "user_id": "police",
        "purpose": "identity check after a road accident, case 2026/118",
        "ground": "cannot_or_will_not_cooperate",
        "query_fields": ["biometric:face"],
        "outcome": "identified",
        "result_references": ["cir-7f3a", "cir-91c2"],
    }


def test_a_stranger_is_not_identified(
    client: TestClient, police: dict[str, str], admin: dict[str, str]
) -> None:
    body = identification(probes=[face("a stranger")], ground="no_document")
    response = client.post("/api/v1/cir/identifications", json=body, headers=police)
    assert response.status_code == 200, response.text
    assert response.json()["identified"] is False
    assert response.json()["persons"] == []
    assert "no file in the CIR matched" in response.json()["explanation"][-1]
    [entry] = log_of(client, admin)
    assert (entry["outcome"], entry["result_references"]) == ("not_identified", [])


def test_a_presented_document_narrows_the_search_to_its_files(
    client: TestClient, police: dict[str, str]
) -> None:
    body = identification(
        ground="doubtful_document",
        document={"number": "mm0000001", "issuing_state": "fra"},
    )
    response = client.post("/api/v1/cir/identifications", json=body, headers=police)
    assert response.status_code == 200, response.text
    assert response.json()["identified"] is False  # Olena's face, Mallory's passport


SHORT = {**face("olena"), "vector": base64.b64encode(b"\0" * 100).decode()}

REFUSALS = [
    ("no-ground", {"ground": None}, 403, "cir-no-legal-ground", "Art 20(1) grounds"),
    ("unknown-ground", {"ground": "a hunch"}, 403, "cir-no-legal-ground", "no_document"),
    ("no-purpose", {"purpose": None}, 403, "cir-no-stated-purpose", "purpose"),
    ("blank-purpose", {"purpose": "   "}, 403, "cir-no-stated-purpose", "purpose"),
    ("child", {"estimated_age": 9}, 403, "cir-child-under-twelve", "best interest"),
    (
        "child-by-birth-date",
        {"estimated_age": None, "date_of_birth": "2015-06"},
        403,
        "cir-child-under-twelve",
        "best interest",
    ),
    ("not-live", {"captured_live": False}, 422, "cir-not-captured-live", "live"),
    ("live-not-stated", {"captured_live": None}, 422, "cir-not-captured-live", "live"),
    ("no-age", {"estimated_age": None}, 422, "cir-empty-query", "age or date of birth"),
    ("no-probe", {"probes": []}, 422, "cir-empty-query", "template"),
    ("short-template", {"probes": [SHORT]}, 422, "cir-malformed-template", "2048 bytes"),
    (
        "not-base64",
        {"probes": [{**face("olena"), "vector": "not base64!"}]},
        422,
        "cir-malformed-template",
        "base64",
    ),
    (
        "unknown-modality",
        {"probes": [{**face("olena"), "modality": "iris"}]},
        422,
        "cir-malformed-template",
        "use one of",
    ),
    (
        "bad-quality",
        {"probes": [{**face("olena"), "quality": 250}]},
        422,
        "cir-malformed-template",
        "0 to 100",
    ),
    (
        "bad-birth-date",
        {"estimated_age": None, "date_of_birth": "14/03/1985"},
        422,
        "invalid-request",
        "YYYY-MM-DD",
    ),
]


@pytest.mark.parametrize(
    ("changes", "status", "code", "words"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_a_refused_identification_says_what_to_fix_and_is_logged(
    client: TestClient,
    police: dict[str, str],
    admin: dict[str, str],
    changes: dict[str, object],
    status: int,
    code: str,
    words: str,
) -> None:
    response = client.post(
        "/api/v1/cir/identifications", json=identification(**changes), headers=police
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert words in problem["detail"] + " ".join(e["reason"] for e in problem.get("errors", []))
    [entry] = log_of(client, admin)
    assert entry["operation"] == "police_identification"
    assert (entry["outcome"], entry["authority"], entry["user_id"]) == (code, "FRA-DGPN", "police")
    assert entry["result_references"] == []


def test_a_template_of_the_wrong_size_names_the_probe_to_fix(
    client: TestClient, police: dict[str, str]
) -> None:
    body = identification(probes=[face("olena"), SHORT])
    problem = client.post("/api/v1/cir/identifications", json=body, headers=police).json()
    assert problem["errors"] == [
        {
            "field": "probes[1].vector",
            "reason": "100 bytes; a face template is 512 little-endian float32 values (2048 bytes)",
        }
    ]


def test_a_child_is_queried_when_it_is_in_the_childs_interest(
    client: TestClient, police: dict[str, str]
) -> None:
    body = identification(estimated_age=8, in_childs_interest=True, probes=[face("mallory")])
    response = client.post("/api/v1/cir/identifications", json=body, headers=police)
    assert response.status_code == 200, response.text
    assert [p["system"] for p in response.json()["persons"]] == ["vis"]


def test_a_request_of_the_wrong_json_types_is_refused_before_the_cir(
    client: TestClient, police: dict[str, str], admin: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/cir/identifications", json=identification(probes="olena"), headers=police
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "probes"
    assert log_of(client, admin) == []  # it never reached the CIR


# --- who may do what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "path", "authority"),
    [
        ("guard", "/api/v1/cir/identifications", "FRA-PAF"),
        ("designated", "/api/v1/cir/identifications", "FRA-DGSI"),
        ("admin", "/api/v1/cir/identifications", "FRA-ANTS"),
        ("police", "/api/v1/cir/hit-flags", "FRA-DGPN"),
        ("immigration", "/api/v1/cir/hit-flags", "FRA-DGEF"),
        ("carrier", "/api/v1/cir/hit-flags", "CARRIER-LX"),
    ],
)
def test_a_role_the_law_does_not_name_is_refused_and_logged(
    client: TestClient,
    services: Services,
    admin: dict[str, str],
    user: str,
    path: str,
    authority: str,
) -> None:
    headers = sign_in(client, user)
    body = (
        identification()
        if path.endswith("identifications")
        else {"purpose": "x", "probes": [face("olena")]}
    )
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "cir-role-not-authorised"
    article = "Art 20(1)" if path.endswith("identifications") else "Art 22(1)"
    assert article in problem["detail"]
    assert "Sign in as a user with the role" in problem["detail"]
    [entry] = log_of(client, admin)
    assert (entry["authority"], entry["user_id"], entry["outcome"]) == (
        authority,
        user,
        "cir-role-not-authorised",
    )
    assert entry["query_fields"] == ["biometric:face"]
    assert entry["result_references"] == []


def test_signing_in_is_needed(client: TestClient) -> None:
    response = client.post("/api/v1/cir/identifications", json=identification())
    assert response.status_code == 401
    assert client.get("/api/v1/cir/access-log").status_code == 401


@pytest.mark.parametrize("user", ["police", "designated", "guard"])
def test_only_the_administrator_reads_the_access_log(client: TestClient, user: str) -> None:
    response = client.get("/api/v1/cir/access-log", headers=sign_in(client, user))
    assert response.status_code == 403
    assert "Art 24" in response.json()["detail"]
