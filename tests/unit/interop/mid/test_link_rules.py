"""Links join data of two systems, and decisions give only the colours the articles allow.

Reg. (EU) 2019/817 Art 27-28 (detection across the EU information systems), Art 31
(green), Art 32 (red), Art 33(1)(d) (white by manual verification).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from limes.interop.mid.domain.errors import ColourNotAllowed, SameSystemLink
from limes.interop.mid.domain.models import (
    AuthorityKind,
    BiometricOutcome,
    LinkColour,
    RecordRef,
    ResponsibleAuthority,
)
from limes.interop.mid.domain.rules import (
    create_link,
    joins_two_systems,
    require_colour_allowed,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BORDER = ResponsibleAuthority(AuthorityKind.BORDER, "FRA")


def test_art_27_28_a_link_joins_two_systems_not_two_files_of_one() -> None:
    assert joins_two_systems(RecordRef("ees", "C1"), RecordRef("vis", "V1"))
    assert not joins_two_systems(RecordRef("ees", "C1"), RecordRef("ees", "C2"))


def test_art_27_28_no_link_is_created_between_two_ees_files() -> None:
    with pytest.raises(SameSystemLink, match="two systems"):
        create_link(
            "L1",
            RecordRef("ees", "C1"),
            RecordRef("ees", "C2"),
            colour=(LinkColour.YELLOW, "Yellow link, Art 30"),
            authority=BORDER,
            at=NOW,
        )


def test_art_33_1_d_a_manual_white_link_needs_the_same_biometrics() -> None:
    for biometrics in (BiometricOutcome.DIFFERENT, BiometricOutcome.ABSENT):
        with pytest.raises(ColourNotAllowed, match=r"Art 33\(1\)\(d\)"):
            require_colour_allowed(LinkColour.WHITE, biometrics, same_document=True)
    require_colour_allowed(LinkColour.WHITE, BiometricOutcome.SAME, same_document=False)


def test_art_31_green_is_refused_for_the_same_biometrics() -> None:
    with pytest.raises(ColourNotAllowed, match="Art 31"):
        require_colour_allowed(LinkColour.GREEN, BiometricOutcome.SAME, same_document=False)
    require_colour_allowed(LinkColour.GREEN, BiometricOutcome.DIFFERENT, same_document=False)
    require_colour_allowed(LinkColour.GREEN, BiometricOutcome.ABSENT, same_document=True)


def test_art_32_red_needs_biometric_or_document_evidence() -> None:
    with pytest.raises(ColourNotAllowed, match="Art 32"):
        require_colour_allowed(LinkColour.RED, BiometricOutcome.ABSENT, same_document=False)
    require_colour_allowed(LinkColour.RED, BiometricOutcome.SAME, same_document=False)
    require_colour_allowed(LinkColour.RED, BiometricOutcome.DIFFERENT, same_document=False)
    require_colour_allowed(LinkColour.RED, BiometricOutcome.ABSENT, same_document=True)
