"""Initial link colours (Art 28, 30, 33) and responsible authorities (Art 29)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import pytest

from limes.interop.cir.models import SourceSystem
from limes.interop.mid.domain import (
    AuthorityKind,
    AuthorityUndetermined,
    BiometricOutcome,
    InconsistentEvidence,
    InvalidDecision,
    LinkColour,
    LinkedSystem,
    RecordRef,
    ResponsibleAuthority,
    UnknownSystem,
    create_link,
    initial_colour,
    responsible_authority,
)
from limes.matching.results import Outcome

SAME, SIMILAR, DIFFERENT, ABSENT = Outcome.SAME, Outcome.SIMILAR, Outcome.DIFFERENT, Outcome.ABSENT
BIO_SAME, BIO_DIFF, BIO_NONE = (
    BiometricOutcome.SAME,
    BiometricOutcome.DIFFERENT,
    BiometricOutcome.ABSENT,
)
WHITE, YELLOW = LinkColour.WHITE, LinkColour.YELLOW


class Case(NamedTuple):
    identity: Outcome
    biometrics: BiometricOutcome
    same_document: bool
    without_biometrics: bool
    colour: LinkColour | None
    reason_mentions: str


CASES: dict[str, Case] = {
    # Art 33(1)(a): same biometrics, same or similar identity.
    "white-a-same-identity": Case(SAME, BIO_SAME, False, False, WHITE, "Art 33(1)(a)"),
    "white-a-similar-identity": Case(SIMILAR, BIO_SAME, False, False, WHITE, "Art 33(1)(a)"),
    "white-a-same-identity-and-document": Case(SAME, BIO_SAME, True, False, WHITE, "33(1)(a)"),
    # Art 33(1)(b): same or similar identity, same document, a system without biometrics.
    "white-b-same-identity": Case(SAME, BIO_NONE, True, True, WHITE, "Art 33(1)(b)"),
    "white-b-similar-identity": Case(SIMILAR, BIO_NONE, True, True, WHITE, "Art 33(1)(b)"),
    "white-b-absent-implies-missing": Case(SIMILAR, BIO_NONE, True, False, WHITE, "33(1)(b)"),
    # Art 33(1)(c): same biometrics, same document, similar identity.
    "white-c": Case(SIMILAR, BIO_SAME, True, False, WHITE, "Art 33(1)(c)"),
    # Art 30: conflicting evidence waits for manual verification.
    "yellow-same-bio-different-identity": Case(
        DIFFERENT, BIO_SAME, False, False, YELLOW, "same biometric data but different"
    ),
    "yellow-same-bio-same-doc-different-identity": Case(
        DIFFERENT, BIO_SAME, True, False, YELLOW, "same biometric data but different"
    ),
    "yellow-same-bio-identity-absent": Case(ABSENT, BIO_SAME, False, False, YELLOW, "absent"),
    "yellow-same-identity-different-bio": Case(
        SAME, BIO_DIFF, False, False, YELLOW, "same identity data but different biometric"
    ),
    "yellow-similar-identity-same-doc-different-bio": Case(
        SIMILAR, BIO_DIFF, True, False, YELLOW, "different biometric"
    ),
    "yellow-same-document-different-identity": Case(
        DIFFERENT, BIO_NONE, True, True, YELLOW, "same travel document but different"
    ),
    "yellow-same-document-different-bio-and-identity": Case(
        DIFFERENT, BIO_DIFF, True, False, YELLOW, "same travel document"
    ),
    "yellow-identity-only": Case(SIMILAR, BIO_NONE, False, True, YELLOW, "no biometric"),
    # Art 28: nothing matched, no link.
    "none-different-everything": Case(DIFFERENT, BIO_DIFF, False, False, None, ""),
    "none-different-no-biometrics": Case(DIFFERENT, BIO_NONE, False, True, None, ""),
    "none-absent-identity": Case(ABSENT, BIO_NONE, False, True, None, ""),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_initial_colour(case: Case) -> None:
    found = initial_colour(
        case.identity, case.biometrics, case.same_document, case.without_biometrics
    )
    if case.colour is None:
        assert found is None
        return
    assert found is not None
    colour, reason = found
    assert colour is case.colour
    assert case.reason_mentions in reason
    if colour is YELLOW:
        assert "Art 30" in reason
        assert "manual verification pending" in reason


def test_biometric_comparison_without_biometrics_is_inconsistent() -> None:
    with pytest.raises(InconsistentEvidence):
        initial_colour(SAME, BIO_SAME, True, True)


EES = RecordRef("ees", "E-1")
VIS = RecordRef("vis", "V-1")
ETIAS = RecordRef("etias", "T-1")
SIS = RecordRef("sis", "S-1")
ECRIS = RecordRef("ecris_tcn", "C-1")
EURODAC = RecordRef("eurodac", "D-1")

AUTHORITIES = {
    "ees-border": (EES, VIS, "ees", "FRA", "border_authority:FRA"),
    "vis-visa": (VIS, ETIAS, "vis", "ITA", "visa_authority:ITA"),
    "vis-ecris-designated": (VIS, ECRIS, "vis", "ITA", "vis_designated_authority:ITA"),
    "etias-central-unit": (ETIAS, EES, "etias", None, "etias_central_unit"),
    "etias-national-unit": (ETIAS, EES, "etias", "DEU", "etias_national_unit:DEU"),
    "sis-sirene": (SIS, EES, "sis", "POL", "sirene_bureau:POL"),
    "ecris-convicting-state": (ECRIS, SIS, "ecris_tcn", "ESP", "ecris_central_authority:ESP"),
    "eurodac": (EURODAC, VIS, "eurodac", "GRC", "eurodac_authority:GRC"),
}


@pytest.mark.parametrize(
    ("a", "b", "creating", "state", "code"), AUTHORITIES.values(), ids=AUTHORITIES.keys()
)
def test_responsible_authority(
    a: RecordRef, b: RecordRef, creating: str, state: str | None, code: str
) -> None:
    authority = responsible_authority(a, b, creating, member_state=state)
    assert authority.code == code
    assert ResponsibleAuthority.parse(code) == authority
    # The order of the linked records does not matter.
    assert responsible_authority(b, a, creating, member_state=state) == authority


def test_sis_alert_goes_to_sirene_of_the_issuing_state() -> None:
    # Art 29(2): even when an EES file update triggered the match.
    authority = responsible_authority(
        EES, SIS, "ees", sis_alert=True, member_state="FRA", alert_issuing_state="NLD"
    )
    assert authority == ResponsibleAuthority(AuthorityKind.SIRENE, "NLD")
    assert authority.label == "SIRENE Bureau of NLD"
    assert responsible_authority(EES, SIS, "ees", member_state="FRA").kind is AuthorityKind.BORDER


@pytest.mark.parametrize(
    ("a", "b", "creating", "kwargs"),
    [
        (EES, VIS, "sis", {}),
        (EES, VIS, "ees", {"sis_alert": True, "alert_issuing_state": "NLD"}),
        (EES, SIS, "ees", {"sis_alert": True}),
    ],
    ids=["creator-not-linked", "art-29-2-without-sis", "art-29-2-without-issuing-state"],
)
def test_authority_undetermined(
    a: RecordRef, b: RecordRef, creating: str, kwargs: dict[str, object]
) -> None:
    with pytest.raises(AuthorityUndetermined):
        responsible_authority(a, b, creating, **kwargs)  # type: ignore[arg-type]


def test_unknown_systems_are_refused() -> None:
    with pytest.raises(UnknownSystem):
        RecordRef("prum", "X-1")
    with pytest.raises(UnknownSystem):
        RecordRef("ees", " ")
    with pytest.raises(UnknownSystem):
        responsible_authority(EES, VIS, "prum")


def test_every_cir_source_system_is_linked() -> None:
    assert {s.value for s in SourceSystem} <= {s.value for s in LinkedSystem}


def test_create_link_keeps_evidence_then_rule() -> None:
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    colour = initial_colour(SAME, BIO_SAME, False, False)
    assert colour is not None
    authority = ResponsibleAuthority(AuthorityKind.BORDER, "FRA")
    link = create_link(
        "L-1", EES, VIS, colour=colour, authority=authority, at=at, evidence=("fp 0.97",)
    )
    assert link.colour is WHITE
    assert link.reasons == ("fp 0.97", colour[1])
    assert link.responsible_authority == "border_authority:FRA"
    assert link.created_at == link.updated_at == at
    assert link.verification is None
    with pytest.raises(InvalidDecision):
        create_link("L-2", EES, VIS, colour=(LinkColour.RED, "x"), authority=authority, at=at)
