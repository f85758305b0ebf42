"""Every role lands on its own page, sees only what it may open, and errors are pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from limes.access.demo import demo_users
from limes.web.pages import PAGES
from tests.api.test_ees_api import crossing

HTML = {"Accept": "text/html,application/xhtml+xml"}

LANDING = {
    "guard": "/ees/desk",
    "guard-land": "/ees/desk",
    "immigration": "/ees/overstayers",
    "carrier": "/ees/carrier",
    "traveller": "/ees/stay",
    "admin": "/admin",
    "police": "/cir/identification",
    "designated": "/cir/hit-flag",
}
# What each role may open, as the API lets it (and nothing else).
MAY_OPEN = {
    "guard": {"/ees/desk", "/ees/overstayers", "/ees/notices", "/mid/queue", "/"},
    "immigration": {"/ees/overstayers", "/ees/notices", "/mid/queue", "/"},
    "carrier": {"/ees/carrier", "/"},
    "traveller": {"/ees/stay", "/"},
    "admin": {"/admin", "/ees/overstayers", "/ees/notices", "/mid/queue", "/"},
    "police": {"/cir/identification", "/"},
    "designated": {"/cir/hit-flag", "/"},
}


def sign_in_pages(client: TestClient, user: str) -> None:
    response = client.post("/api/v1/auth/sessions", json={"user": user, "password": "limes-demo"})
    assert response.status_code == 200, response.text


def nav_paths(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" data-testid="nav-(?!api|signin)[^"]+"', html)


@pytest.mark.parametrize(("user", "landing"), sorted(LANDING.items()))
def test_each_role_lands_on_its_own_page(client: TestClient, user: str, landing: str) -> None:
    sign_in_pages(client, user)
    start = client.get("/start", headers=HTML, follow_redirects=False)
    assert start.status_code == 303
    assert start.headers["location"] == landing
    page = client.get(landing, headers=HTML)
    assert page.status_code == 200, page.text


@pytest.mark.parametrize(("user", "allowed"), sorted(MAY_OPEN.items()))
def test_each_role_sees_only_the_navigation_it_may_use_the_same_on_every_page(
    client: TestClient, user: str, allowed: set[str]
) -> None:
    sign_in_pages(client, user)
    for path in allowed:
        page = client.get(path, headers=HTML)
        assert page.status_code == 200, (path, page.text)
        assert set(nav_paths(page.text)) == allowed, path
        assert nav_paths(page.text) == [p.path for p in PAGES if p.path in allowed]
    for page_link in PAGES:
        if page_link.path in allowed:
            continue
        refused = client.get(page_link.path, headers=HTML)
        assert refused.status_code == 403, (page_link.path, refused.text)
        assert refused.headers["content-type"].startswith("text/html")
        assert "Not for your role" in refused.text
        assert set(nav_paths(refused.text)) == allowed


def test_an_anonymous_visitor_is_told_why_to_sign_in(client: TestClient) -> None:
    for page_link in PAGES:
        if page_link.roles is None:
            continue
        sent = client.get(page_link.path, headers=HTML, follow_redirects=False)
        assert sent.status_code == 303
        login = client.get(sent.headers["location"], headers=HTML)
        assert f"Sign in to open {page_link.purpose}." in login.text
    plain = client.get("/login", headers=HTML)
    assert "Sign in to open" not in plain.text
    assert 'data-next="/start"' in plain.text


def test_the_sign_in_hint_lists_every_demo_user(client: TestClient) -> None:
    login = client.get("/login", headers=HTML)
    for user in demo_users():
        assert f"<code>{user.user_id}</code>" in login.text


def test_a_missing_page_is_a_page_and_the_api_keeps_problem_json(client: TestClient) -> None:
    page = client.get("/no-such-page", headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    assert 'data-testid="nav-calculator"' in page.text
    api = client.get("/api/v1/no-such-thing", headers=HTML)
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    curl = client.get("/no-such-page", headers={"Accept": "*/*"})
    assert curl.headers["content-type"] == "application/problem+json"
    wrong = client.get("/logout", headers=HTML)
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    assert wrong.headers["content-type"].startswith("text/html")


def test_the_mid_link_of_another_role_is_refused_as_a_page(client: TestClient) -> None:
    sign_in_pages(client, "carrier")
    refused = client.get("/mid/links/L123", headers=HTML)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")


@pytest.fixture
def entered(client: TestClient) -> str:
    """A traveller's entry at FRA-CDG on a single-entry visa; returns the document number."""
    sign_in_pages(client, "admin")
    assert client.put(
        "/api/v1/ees/crossing-points/FRA-CDG",
        json={"name": "Paris CDG", "country": "FRA", "border_type": "air"},
    ).is_success
    sign_in_pages(client, "guard")
    body = crossing(
        visa={
            "sticker_number": "FRA000111",
            "valid_from": "2026-11-01",
            "valid_until": "2027-01-31",
            "duration_days": 30,
            "entries": "1",
        }
    )
    body["capture"] = {"synthetic": True, "fingerprint_status": "not_applicable"}
    recorded = client.post("/api/v1/ees/entries", json=body)
    assert recorded.status_code == 201, recorded.text
    return "X1234567"


def test_the_carrier_and_traveller_pages_answer_from_the_web_service(
    client: TestClient, entered: str
) -> None:
    sign_in_pages(client, "carrier")
    answer = client.post(
        "/ees/carrier",
        data={
            "document_number": entered,
            "issuing_state": "USA",
            "visa_sticker_number": "FRA000111",
        },
        headers=HTML,
    )
    assert answer.status_code == 200, answer.text
    assert "NOT OK: the entries this visa allows are used." in answer.text
    empty = client.post("/ees/carrier", data={"document_number": ""}, headers=HTML)
    assert empty.status_code == 422
    assert "Fill in every field" in empty.text
    sign_in_pages(client, "traveller")
    stay = client.post(
        "/ees/stay", data={"document_number": entered, "issuing_state": "usa"}, headers=HTML
    )
    assert stay.status_code == 200, stay.text
    assert "You may stay until 2026-12-22" in stay.text


def test_the_police_and_hit_flag_pages_query_the_cir_and_are_logged(
    client: TestClient, entered: str
) -> None:
    sign_in_pages(client, "police")
    found = client.post(
        "/cir/identification",
        data={
            "ground": "no_document",
            "purpose": "identity check, case 2026/118",
            "estimated_age": "40",
            "captured_live": "on",
            "capture_nationality": "USA",
            "capture_document": entered,
        },
        headers=HTML,
    )
    assert found.status_code == 200, found.text
    assert "Identified: 1 file" in found.text
    assert "OKAFOR" in found.text
    refused = client.post("/cir/identification", data={"purpose": "x"}, headers=HTML)
    assert refused.status_code in (403, 422)
    sign_in_pages(client, "designated")
    flag = client.post(
        "/cir/hit-flag",
        data={
            "purpose": "investigation 2026/77",
            "document_number": entered,
            "document_issuing_state": "USA",
        },
        headers=HTML,
    )
    assert flag.status_code == 200, flag.text
    assert "Data held in: EES" in flag.text
    sign_in_pages(client, "admin")
    admin = client.get("/admin", headers=HTML)
    assert admin.text.count('data-testid="admin-log-entry"') == 3
    assert "FRA-CDG" in admin.text
    moved = client.post("/admin", data={"action": "clock", "days": "40"}, headers=HTML)
    assert moved.status_code == 200, moved.text
    assert "The demo clock now reads 2027-01-02" in moved.text
    assert client.get("/api/v1/ees/overstayers").json()[0]["surname"] == "OKAFOR"
    jobs = client.post("/admin", data={"action": "retention"}, headers=HTML)
    assert "Retention ran on 2027-01-02" in jobs.text
    logs = client.post("/admin", data={"action": "logs"}, headers=HTML)
    assert "Logs erased one year after their data (Art 46(4)): 0." in logs.text
