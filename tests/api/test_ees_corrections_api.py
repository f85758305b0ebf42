"""The EES corrections API: rebuttal (Art 20), decisions on the stay (Art 19),
rectification and advance erasure (Art 35), notices (Art 34), log erasure (Art 46(4)):
roles, problem+json codes, and the consequences on the record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from limes.core.clock import FixedClock
from tests.api.test_ees_api import admin, crossing, guard, sign_in
from tests.ees_factories import Traveller

ADA = Traveller()

PROBLEM = "application/problem+json"
__all__ = ["admin", "guard"]  # the fixtures of the EES API tests


def _overstayer(
    client: TestClient, guard: dict[str, str], admin: dict[str, str], days: int = 100
) -> dict[str, Any]:
    entry = client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    assert entry.status_code == 201, entry.text
    moved = client.post("/api/v1/admin/clock", json={"days": days}, headers=admin)
    assert moved.status_code == 200, moved.text
    [overstayer] = client.get("/api/v1/ees/overstayers", headers=guard).json()
    return dict(overstayer)


def test_art20_a_rebuttal_sets_the_exit_and_the_file_shows_it(
    client: TestClient, guard: dict[str, str], admin: dict[str, str]
) -> None:
    overstayer = _overstayer(client, guard, admin)
    record_id = overstayer["record"]["record_id"]
    entered = date.fromisoformat(overstayer["record"]["entry_at"][:10])
    missing = client.post(
        f"/api/v1/ees/entries/{record_id}/rebuttal",
        json={"kind": "boarding_pass", "evidence": "AC 821"},
        headers=guard,
    )
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"exit_on"}
    before = client.post(
        f"/api/v1/ees/entries/{record_id}/rebuttal",
        json={
            "kind": "boarding_pass",
            "evidence": "AC 821",
            "exit_on": (entered - timedelta(days=1)).isoformat(),
        },
        headers=guard,
    )
    assert before.status_code == 422
    assert before.headers["content-type"] == PROBLEM
    assert before.json()["code"] == "ees-invalid-proven-exit"
    left = entered + timedelta(days=40)
    rebutted = client.post(
        f"/api/v1/ees/entries/{record_id}/rebuttal",
        json={"kind": "boarding_pass", "evidence": "AC 821", "exit_on": left.isoformat()},
        headers=guard,
    )
    assert rebutted.status_code == 200, rebutted.text
    assert rebutted.json()["exit_at"].startswith(left.isoformat())
    assert rebutted.json()["rebuttal_kind"] == "boarding_pass"
    again = client.post(
        f"/api/v1/ees/entries/{record_id}/rebuttal",
        json={"kind": "boarding_pass", "evidence": "AC 821", "exit_on": left.isoformat()},
        headers=guard,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "ees-nothing-to-rebut"
    detail = client.get(f"/api/v1/ees/files/{overstayer['file_id']}", headers=guard)
    assert detail.status_code == 200, detail.text
    assert detail.json()["last_exit_or_refusal"] == left.isoformat()
    assert detail.json()["entries"][0]["exit_by_rebuttal"] is True
    assert detail.json()["identity"]["surname"] == "OKAFOR"
    assert detail.json()["responsible_state"] == "FRA"


def test_art19_an_extension_through_the_api_clears_the_overstay(
    client: TestClient, guard: dict[str, str], admin: dict[str, str], clock: FixedClock
) -> None:
    overstayer = _overstayer(client, guard, admin, days=91)
    record_id = overstayer["record"]["record_id"]
    until = date.fromisoformat(overstayer["record"]["authorised_stay_until"])
    immigration = sign_in(client, "immigration")
    carrier = sign_in(client, "carrier")
    body = {
        "kind": "extended",
        "decided_on": clock.today().isoformat(),
        "place": "Paris",
        "grounds": "Hospitalised: force majeure (Visa Code Art 33(1))",
        "new_until": (until + timedelta(days=15)).isoformat(),
    }
    refused = client.post(
        f"/api/v1/ees/entries/{record_id}/stay-decisions", json=body, headers=carrier
    )
    assert refused.status_code == 403
    shorter = client.post(
        f"/api/v1/ees/entries/{record_id}/stay-decisions",
        json={**body, "new_until": until.isoformat()},
        headers=immigration,
    )
    assert shorter.status_code == 422
    assert shorter.json()["code"] == "ees-invalid-stay-decision"
    decided = client.post(
        f"/api/v1/ees/entries/{record_id}/stay-decisions", json=body, headers=immigration
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["record"]["authorised_stay_until"] == body["new_until"]
    assert decided.json()["record"]["overstay_from"] is None
    assert decided.json()["decision"]["authority"] == "FRA-DGEF"
    assert client.get("/api/v1/ees/overstayers", headers=guard).json() == []
    client.post("/api/v1/admin/clock", json={"days": 5}, headers=admin)  # flags overstays
    assert client.get("/api/v1/ees/overstayers", headers=guard).json() == []
    detail = client.get(f"/api/v1/ees/files/{overstayer['file_id']}", headers=guard).json()
    assert [d["kind"] for d in detail["decisions"]] == ["extended"]


def test_art35_rectification_is_for_the_member_state_responsible(
    client: TestClient, guard: dict[str, str], admin: dict[str, str]
) -> None:
    entry = client.post("/api/v1/ees/entries", json=crossing(), headers=guard).json()
    croatian_guard = sign_in(client, "guard-land")
    file_id = entry["file_id"]
    refused = client.post(
        f"/api/v1/ees/files/{file_id}/identity-rectification",
        json={"surname": "OKAFOR-BELL"},
        headers=croatian_guard,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "ees-not-responsible-member-state"
    bad_date = client.post(
        f"/api/v1/ees/files/{file_id}/identity-rectification",
        json={"date_of_birth": "1985-02-30"},
        headers=guard,
    )
    assert bad_date.status_code == 422
    nothing = client.post(
        f"/api/v1/ees/entries/{entry['record_id']}/rectification", json={}, headers=guard
    )
    assert nothing.status_code == 422
    assert nothing.json()["code"] == "ees-nothing-to-rectify"
    corrected = client.post(
        f"/api/v1/ees/files/{file_id}/identity-rectification",
        json={"surname": "OKAFOR-BELL", "nationalities": ["USA", "NGA"]},
        headers=guard,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["surname"] == "OKAFOR-BELL"
    assert corrected.json()["nationalities"] == ["USA", "NGA"]


def test_art35_advance_erasure_by_the_immigration_authority(
    client: TestClient, guard: dict[str, str], admin: dict[str, str]
) -> None:
    entry = client.post("/api/v1/ees/entries", json=crossing(), headers=guard).json()
    body = {"ground": "residence_permit", "grounds": "Titre de séjour 2026-0042"}
    refused = client.post(f"/api/v1/ees/files/{entry['file_id']}/erasure", json=body, headers=guard)
    assert refused.status_code == 403
    immigration = sign_in(client, "immigration")
    erased = client.post(
        f"/api/v1/ees/files/{entry['file_id']}/erasure", json=body, headers=immigration
    )
    assert erased.status_code == 200, erased.text
    gone = client.get(f"/api/v1/ees/files/{entry['file_id']}", headers=immigration)
    assert gone.status_code == 404
    assert gone.json()["code"] == "ees-file-not-found"
    check = client.post("/api/v1/ees/border-checks", json=crossing(), headers=guard).json()
    assert check["file"] is None  # a new traveller for the EES


def test_art34_art46_notices_are_read_and_acknowledged_and_logs_erased(
    client: TestClient, guard: dict[str, str], admin: dict[str, str], clock: FixedClock
) -> None:
    client.post("/api/v1/ees/entries", json=crossing(), headers=guard)
    # Five years after the end of the stay, less a month: the notice is due (Art 34).
    clock.set(clock.now().replace(year=clock.now().year + 5) + timedelta(days=60))
    job = client.post("/api/v1/ees/jobs/retention", headers=admin)
    assert job.status_code == 200, job.text
    assert any(r.startswith("notify_overstayer_erasure") for r in job.json()["references"])
    croatia = sign_in(client, "guard-land")
    assert client.get("/api/v1/ees/notices", headers=croatia).json() == []
    [notice] = client.get("/api/v1/ees/notices", headers=guard).json()
    assert notice["member_state"] == "FRA"
    assert notice["acknowledged_at"] is None
    wrong = client.post(
        f"/api/v1/ees/notices/{notice['notice_id']}/acknowledgement", headers=croatia
    )
    assert wrong.status_code == 404
    assert wrong.json()["code"] == "ees-notice-not-found"
    read = client.post(f"/api/v1/ees/notices/{notice['notice_id']}/acknowledgement", headers=guard)
    assert read.status_code == 200, read.text
    assert read.json()["acknowledged_by"] == "guard"
    assert client.get("/api/v1/ees/notices?pending=true", headers=guard).json() == []
    logs = client.post("/api/v1/ees/jobs/logs", headers=admin)
    assert logs.status_code == 200, logs.text
    assert logs.json()["job"] == "logs"
    assert client.post("/api/v1/ees/jobs/logs", headers=guard).status_code == 403
