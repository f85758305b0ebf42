"""Manual verification (Art 29, 31-33(1)(d)), identity confirmation files (Art 34), deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from limes.core.limits import MAX_JUSTIFICATION_CHARS
from limes.interop.mid.domain import (
    DEFAULT_VERIFICATION_DEADLINES,
    AuthorityKind,
    IdentityConfirmationFile,
    InvalidDecision,
    JustificationRequired,
    Link,
    LinkAlreadyDecided,
    LinkColour,
    LinkNotPending,
    NotResponsibleAuthority,
    RecordRef,
    ResponsibleAuthority,
    UnrelatedLink,
    decide,
    identity_confirmation_file,
    verification_deadline,
)
from limes.interop.mid.domain.rules import verified_codes, verifies, verifies_link

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
BORDER = "border_authority:FRA"
EES = RecordRef("ees", "E-1")
VIS = RecordRef("vis", "V-1")
SIS = RecordRef("sis", "S-9")
GREEN, RED, WHITE, YELLOW = LinkColour.GREEN, LinkColour.RED, LinkColour.WHITE, LinkColour.YELLOW


def yellow_link(link_id: str = "L-1", a: RecordRef = EES, b: RecordRef = VIS) -> Link:
    reason = "Yellow link, Art 30: same biometric data but different identity data."
    return Link(link_id, a, b, YELLOW, (reason,), T0, T0, BORDER)


@pytest.mark.parametrize(
    ("colour", "article"),
    [(GREEN, "Art 31"), (RED, "Art 32"), (WHITE, "Art 33(1)(d)")],
    ids=["green", "red", "white"],
)
def test_yellow_link_is_decided(colour: LinkColour, article: str) -> None:
    link = yellow_link()
    decided = decide(link, colour, "officer-1", BORDER, T1, "passport checked", YELLOW)
    assert decided.colour is colour
    assert decided.updated_at == T1
    assert decided.created_at == T0
    assert decided.verification is not None
    assert decided.verification.decided_by == "officer-1"
    assert decided.verification.colour is colour
    assert decided.reasons[:-1] == link.reasons
    assert article in decided.reasons[-1]
    assert "passport checked" in decided.reasons[-1]
    assert link.colour is YELLOW  # the input is a value and stays as it was


def test_red_needs_a_justification() -> None:
    with pytest.raises(JustificationRequired):
        decide(yellow_link(), RED, "officer-1", BORDER, T1, "  ", YELLOW)
    # Green and white may go without one.
    assert decide(yellow_link(), GREEN, "officer-1", BORDER, T1, "", YELLOW).colour is GREEN


def test_a_justification_is_bounded_whichever_way_it_comes() -> None:
    # The page posts a form straight to the service: the rule holds the bound.
    with pytest.raises(InvalidDecision) as raised:
        decide(yellow_link(), RED, "officer-1", BORDER, T1, "j" * 100_000, YELLOW)
    assert [e.as_dict() for e in raised.value.errors] == [
        {"field": "justification", "reason": f"at most {MAX_JUSTIFICATION_CHARS:,} characters"}
    ]
    assert len(str(raised.value)) < 500
    most = "j" * MAX_JUSTIFICATION_CHARS
    assert decide(yellow_link(), RED, "officer-1", BORDER, T1, most, YELLOW).colour is RED


def test_second_officer_is_told_who_decided_and_changes_nothing() -> None:
    first = decide(yellow_link(), GREEN, "officer-1", BORDER, T1, "twins", YELLOW)
    with pytest.raises(LinkAlreadyDecided) as raised:
        decide(first, RED, "officer-2", BORDER, T1 + timedelta(minutes=5), "fraud", YELLOW)
    message = str(raised.value)
    assert "green" in message
    assert "officer-1" in message
    assert raised.value.code == "mid-link-already-decided"
    assert first.colour is GREEN
    assert first.verification is not None
    assert first.verification.decided_by == "officer-1"


def test_a_decided_link_is_not_decided_again_even_when_seen_fresh() -> None:
    first = decide(yellow_link(), RED, "officer-1", BORDER, T1, "two names one face", YELLOW)
    with pytest.raises(LinkAlreadyDecided, match="officer-1"):
        decide(first, GREEN, "officer-2", BORDER, T1, "", RED)


def test_stale_view_of_an_undecided_link_is_refused() -> None:
    with pytest.raises(LinkAlreadyDecided, match="no decision recorded"):
        decide(yellow_link(), GREEN, "officer-1", BORDER, T1, "", RED)


def test_only_the_responsible_authority_decides() -> None:
    with pytest.raises(NotResponsibleAuthority) as raised:
        decide(yellow_link(), GREEN, "officer-9", "visa_authority:ITA", T1, "", YELLOW)
    assert raised.value.code == "mid-not-responsible-authority"


def test_the_border_authority_of_another_member_state_does_not_decide() -> None:
    with pytest.raises(NotResponsibleAuthority) as raised:
        decide(yellow_link(), GREEN, "officer-9", "border_authority:HRV", T1, "", YELLOW)
    assert "border_authority:FRA" in raised.value.detail
    with pytest.raises(NotResponsibleAuthority):
        decide(yellow_link(), GREEN, "officer-9", "no such authority", T1, "", YELLOW)


def test_a_link_without_member_state_is_decided_by_that_authority_of_any_state() -> None:
    stateless = replace(yellow_link(), responsible_authority="border_authority")
    decided = decide(stateless, GREEN, "officer-9", "border_authority:HRV", T1, "", YELLOW)
    assert decided.verification is not None
    assert decided.verification.authority == "border_authority:HRV"
    with pytest.raises(NotResponsibleAuthority):
        decide(stateless, GREEN, "officer-9", "visa_authority:HRV", T1, "", YELLOW)


def test_what_an_authority_verifies() -> None:
    france = ResponsibleAuthority(AuthorityKind.BORDER, "FRA")
    assert verifies(france, ResponsibleAuthority(AuthorityKind.BORDER, "FRA"))
    assert verifies(france, ResponsibleAuthority(AuthorityKind.BORDER))
    assert not verifies(france, ResponsibleAuthority(AuthorityKind.BORDER, "HRV"))
    assert not verifies(france, ResponsibleAuthority(AuthorityKind.VISA, "FRA"))
    assert verified_codes(france) == ("border_authority:FRA", "border_authority")
    assert verified_codes(ResponsibleAuthority(AuthorityKind.BORDER)) == ("border_authority",)
    assert verifies_link(france, yellow_link())
    assert not verifies_link(france, replace(yellow_link(), responsible_authority="?"))


def test_a_white_link_is_not_pending() -> None:
    white = replace(yellow_link(), colour=WHITE)
    with pytest.raises(LinkNotPending):
        decide(white, RED, "officer-1", BORDER, T1, "fraud", WHITE)


@pytest.mark.parametrize(
    ("colour", "officer", "at"),
    [
        (YELLOW, "officer-1", T1),
        (GREEN, " ", T1),
        (GREEN, "officer-1", T0 - timedelta(seconds=1)),
        (GREEN, "officer-1", datetime(2026, 11, 2, 10, 0)),  # noqa: DTZ001 - naive on purpose
    ],
    ids=["yellow-is-no-decision", "no-officer", "before-link", "naive-time"],
)
def test_malformed_decisions(colour: LinkColour, officer: str, at: datetime) -> None:
    with pytest.raises(InvalidDecision):
        decide(yellow_link(), colour, officer, BORDER, at, "why", YELLOW)


def test_link_invariants() -> None:
    with pytest.raises(ValueError, match="two different records"):
        Link("L", EES, EES, YELLOW, (), T0, T0, BORDER)
    with pytest.raises(ValueError, match="updated before"):
        Link("L", EES, VIS, YELLOW, (), T1, T0, BORDER)


def test_yellow_link_has_no_file() -> None:
    assert (
        identity_confirmation_file(
            yellow_link(), icf_id="F", single_identification_number="N", at=T1
        )
        is None
    )


@pytest.mark.parametrize("colour", [RED, WHITE, GREEN], ids=str)
def test_file_holds_what_art_34_lists(colour: LinkColour) -> None:
    link = decide(yellow_link(), colour, "officer-1", BORDER, T1, "checked", YELLOW)
    icf = identity_confirmation_file(
        link, icf_id="ICF-1", single_identification_number="SIN-42", at=T1
    )
    assert icf == IdentityConfirmationFile("ICF-1", "SIN-42", (link,), BORDER, T1, T1)
    held = icf.links[0]
    assert (held.a, held.b) == (EES, VIS)  # references to the linked data, Art 34(b)
    assert (held.created_at, held.updated_at) == (T0, T1)  # Art 34(e)


def test_file_is_updated_with_a_related_link_and_keeps_its_number() -> None:
    first = decide(yellow_link(), RED, "officer-1", BORDER, T1, "alias", YELLOW)
    icf = identity_confirmation_file(
        first, icf_id="ICF-1", single_identification_number="SIN-42", at=T1
    )
    later = T1 + timedelta(days=2)
    sirene = "sirene_bureau:NLD"
    second = Link("L-2", VIS, SIS, WHITE, ("White link, Art 33(1)(a).",), later, later, sirene)
    updated = identity_confirmation_file(
        second, icf_id="ignored", single_identification_number="ignored", at=later, existing=icf
    )
    assert updated is not None
    assert (updated.icf_id, updated.single_identification_number) == ("ICF-1", "SIN-42")
    assert updated.links == (first, second)
    assert updated.responsible_authority == sirene
    assert (updated.created_at, updated.updated_at) == (T1, later)
    # The same link written again replaces its old version instead of doubling it.
    again = identity_confirmation_file(
        first, icf_id="x", single_identification_number="x", at=later, existing=updated
    )
    assert again is not None
    assert [link.link_id for link in again.links] == ["L-2", "L-1"]


def test_unrelated_link_is_not_filed() -> None:
    first = decide(yellow_link(), RED, "officer-1", BORDER, T1, "alias", YELLOW)
    icf = identity_confirmation_file(
        first, icf_id="ICF-1", single_identification_number="SIN-42", at=T1
    )
    stranger = Link("L-3", RecordRef("etias", "T-7"), SIS, WHITE, (), T1, T1, BORDER)
    with pytest.raises(UnrelatedLink):
        identity_confirmation_file(
            stranger, icf_id="x", single_identification_number="x", at=T1, existing=icf
        )


def test_verification_deadline_per_authority() -> None:
    assert DEFAULT_VERIFICATION_DEADLINES[AuthorityKind.BORDER] == timedelta(hours=8)
    assert verification_deadline(yellow_link()) == T0 + timedelta(hours=8)
    sirene = replace(yellow_link(), responsible_authority="sirene_bureau:NLD")
    assert verification_deadline(sirene) == T0 + timedelta(hours=12)
    custom = {AuthorityKind.BORDER: timedelta(minutes=30)}
    assert verification_deadline(yellow_link(), custom) == T0 + timedelta(minutes=30)
    assert set(DEFAULT_VERIFICATION_DEADLINES) == set(AuthorityKind)


def test_no_deadline_once_decided() -> None:
    decided = decide(yellow_link(), GREEN, "officer-1", BORDER, T1, "", YELLOW)
    with pytest.raises(LinkNotPending):
        verification_deadline(decided)
