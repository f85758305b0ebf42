"""The MID API: a traveller the EES records who resembles a VIS file gets a yellow link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from limes.biometrics.templates import Modality
from limes.bootstrap import Services
from limes.core.clock import FixedClock
from limes.core.identity import Name, PartialDate
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from limes.interop.mid.service import DetectionReport
from tests.api.test_ees_api import crossing, sign_in
from tests.ees_factories import Traveller

ADA = Traveller()
# Another passport, one letter off in the surname, the same date of birth: a namesake
# or the same person under a second identity, for an officer to tell.
ADAH = Traveller(surname="OKAFFOR", given_names="ADA", number="Y7654321")
OTHER = Traveller(surname="NAKAMURA", given_names="HIROSHI", number="J0000001", nationality="JPN")


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


def enter(client: TestClient, headers: dict[str, str], traveller: Traveller) -> str:
    """Record an entry and return the traveller's CIR file id."""
    response = client.post("/api/v1/ees/entries", json=crossing(traveller), headers=headers)
    assert response.status_code == 201, response.text
    check = client.post(
        "/api/v1/ees/border-checks?direction=exit", json=crossing(traveller), headers=headers
    )
    cir_id: str = check.json()["file"]["cir_id"]
    return cir_id


def vis_file(client: TestClient, traveller: Traveller) -> str:
    """The traveller's VIS file as the CIR holds it; returns its CIR file id.

    2019/817 Art 27-28: the MID links data of two systems; two EES files of one person
    are the EES's own to merge, never a link.
    """
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    cir_id = f"V{traveller.number}"
    at = services.clock.now()
    identity = IdentityFile(
        cir_id=cir_id,
        system=SourceSystem.VIS,
        source_reference=f"vis-{traveller.number}",
        identity=IdentityData(
            Name.of(traveller.surname),
            Name.of(traveller.given_names),
            PartialDate.from_date(traveller.birth_date),
            traveller.sex.value,
            (traveller.nationality,),
        ),
        documents=(TravelDocument("P", traveller.number, traveller.nationality, traveller.expiry),),
        created_at=at,
        updated_at=at,
        member_state="FRA",
    )
    with SqlUnitOfWork(services.engine) as uow:
        SqlIdentityRepository(uow.connection).add(identity, traveller.templates((Modality.FACE,)))
    return cir_id


def yellow_link(client: TestClient, guard: dict[str, str]) -> dict[str, object]:
    first = vis_file(client, ADA)
    enter(client, guard, OTHER)
    second = enter(client, guard, ADAH)
    report = detect(client)
    assert report.changes >= 3
    (link,) = client.get(f"/api/v1/mid/records/{second}/links", headers=guard).json()
    assert {link["a"]["record_id"], link["b"]["record_id"]} == {first, second}
    return dict(link)


def detect(client: TestClient) -> DetectionReport:
    """Run what the worker process runs: detection over the CIR's change log."""
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services.mid.detect_changes()


def test_a_resembling_traveller_makes_a_yellow_link_in_the_queue(
    client: TestClient, guard: dict[str, str]
) -> None:
    link = yellow_link(client, guard)
    assert link["colour"] == "yellow"
    # Art 29(1)(a): the border authority of the state whose crossing point recorded it.
    assert link["responsible_authority"] == "border_authority:FRA"
    assert any("biometrics: different" in r for r in link["reasons"])
    assert link["reasons"][-1].startswith("Yellow link, Art 30")
    queue = client.get("/api/v1/mid/links", headers=guard).json()
    assert [p["link"]["link_id"] for p in queue] == [link["link_id"]]
    assert queue[0]["overdue"] is False
    case = client.get(f"/api/v1/mid/links/{link['link_id']}", headers=guard).json()
    assert {case["a"]["surname"], case["b"]["surname"]} == {"OKAFOR", "OKAFFOR"}
    assert case["a"]["dob"] == case["b"]["dob"] == "1985-03-14"
    assert case["deadline"] is not None
    assert detect(client).changes == 0


def test_a_desk_sees_the_identity_check_pending_until_the_worker_has_detected(
    client: TestClient, guard: dict[str, str]
) -> None:
    first = vis_file(client, ADA)
    second = enter(client, guard, ADAH)
    url = f"/api/v1/mid/records/{second}/identity-check"
    pending = client.get(url, headers=guard)
    assert pending.status_code == 200, pending.text
    assert pending.json() == {"record_id": second, "pending": True, "links": []}
    lag = client.get("/api/v1/mid/detection", headers=guard).json()
    assert lag["caught_up"] is False
    assert lag["pending_changes"] >= 2
    assert lag["oldest_pending_at"] is not None
    assert lag["last_run_at"] is None
    detect(client)
    done = client.get(url, headers=guard).json()
    assert done["pending"] is False
    (link,) = done["links"]
    assert {link["a"]["record_id"], link["b"]["record_id"]} == {first, second}
    lag = client.get("/api/v1/mid/detection", headers=guard).json()
    assert lag["caught_up"] is True
    assert lag["pending_changes"] == 0
    assert lag["oldest_pending_seconds"] == 0
    assert lag["last_run_at"] is not None
    assert lag["recent_files"] >= 2
    assert lag["files_per_second"] > 0


def test_the_lag_is_for_the_officers_and_administrators(client: TestClient) -> None:
    for user in ("carrier", "traveller"):
        refused = client.get("/api/v1/mid/detection", headers=sign_in(client, user))
        assert refused.status_code == 403, user
    admin = client.get("/api/v1/mid/detection", headers=sign_in(client, "admin"))
    assert admin.status_code == 200
    assert admin.json()["caught_up"] is True


def test_a_decision_is_recorded_once_and_a_late_one_gets_the_state(
    client: TestClient, guard: dict[str, str], clock: FixedClock
) -> None:
    link = yellow_link(client, guard)
    url = f"/api/v1/mid/links/{link['link_id']}/decisions"
    clock.advance(timedelta(minutes=5))
    decided = client.post(
        url, json={"colour": "green", "justification": "two cousins"}, headers=guard
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["colour"] == "green"
    assert decided.json()["verification"]["decided_by"] == "guard"
    late = client.post(url, json={"colour": "red", "justification": "fraud"}, headers=guard)
    assert late.status_code == 409
    problem = late.json()
    assert problem["code"] == "mid-link-already-decided"
    assert "already decided green by guard" in problem["detail"]
    assert client.get("/api/v1/mid/links", headers=guard).json() == []
    case = client.get(f"/api/v1/mid/links/{link['link_id']}", headers=guard).json()
    assert case["link"]["colour"] == "green"
    assert case["identity_confirmation_file"] is not None


def test_another_member_states_guard_neither_sees_nor_decides_the_link(
    client: TestClient, guard: dict[str, str]
) -> None:
    link = yellow_link(client, guard)
    croatian = sign_in(client, "guard-land")
    assert client.get("/api/v1/mid/links", headers=croatian).json() == []
    url = f"/api/v1/mid/links/{link['link_id']}/decisions"
    refused = client.post(url, json={"colour": "green"}, headers=croatian)
    assert refused.status_code == 403
    assert refused.json()["code"] == "mid-not-responsible-authority"
    assert "border_authority:FRA" in refused.json()["detail"]
    french = sign_in(client, "guard-orly")
    queue = client.get("/api/v1/mid/links", headers=french).json()
    assert [p["link"]["link_id"] for p in queue] == [link["link_id"]]


def test_bad_decisions_are_refused_with_what_to_fix(
    client: TestClient, guard: dict[str, str]
) -> None:
    link = yellow_link(client, guard)
    url = f"/api/v1/mid/links/{link['link_id']}/decisions"
    red = client.post(url, json={"colour": "red"}, headers=guard)
    assert red.status_code == 422
    assert red.json()["code"] == "mid-justification-required"
    yellow = client.post(url, json={"colour": "yellow"}, headers=guard)
    assert yellow.status_code == 422
    nonsense = client.post(url, json={"colour": "purple"}, headers=guard)
    assert nonsense.status_code == 422
    missing = client.post(
        "/api/v1/mid/links/L-none/decisions", json={"colour": "green"}, headers=guard
    )
    assert missing.status_code == 404
    immigration = sign_in(client, "immigration")
    refused = client.post(url, json={"colour": "green"}, headers=immigration)
    assert refused.status_code == 403
    assert client.get("/api/v1/mid/links", headers=immigration).json()[0]["link"]["colour"] == (
        "yellow"
    )
    carrier = sign_in(client, "carrier")
    assert client.get("/api/v1/mid/links", headers=carrier).status_code == 403


def test_links_of_a_record(client: TestClient, guard: dict[str, str]) -> None:
    link = yellow_link(client, guard)
    record = link["a"]["record_id"]
    found = client.get(f"/api/v1/mid/records/{record}/links", headers=guard).json()
    assert [f["link_id"] for f in found] == [link["link_id"]]
    assert date.fromisoformat(found[0]["created_at"][:10]) == date(2026, 11, 23)
