"""Sex, nationality, place of birth and travel document: equal, close, different, absent."""

from __future__ import annotations

import pytest

from limes.matching.attributes import (
    compare_nationality,
    compare_place_of_birth,
    compare_sex,
    compare_travel_document,
    document_number,
)
from limes.matching.identity import IdentityRecord, Sex
from limes.matching.results import Outcome


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (Sex.F, Sex.F, Outcome.SAME),
        (Sex.F, Sex.M, Outcome.DIFFERENT),
        (Sex.X, Sex.X, Outcome.ABSENT),  # unspecified twice is not agreement
        (None, Sex.M, Outcome.ABSENT),
    ],
)
def test_sex(a: Sex | None, b: Sex | None, outcome: Outcome) -> None:
    assert compare_sex(a, b).outcome is outcome


def test_nationality() -> None:
    assert compare_nationality("DEU", "DEU").outcome is Outcome.SAME
    assert compare_nationality("DEU", "FRA").outcome is Outcome.DIFFERENT
    assert compare_nationality(None, "FRA").outcome is Outcome.ABSENT


def test_place_of_birth_is_compared_on_its_normalised_spelling() -> None:
    assert compare_place_of_birth("Göteborg", "GOTEBORG").outcome is Outcome.SAME
    close = compare_place_of_birth("Thessaloniki", "Thesaloniki")
    assert close.outcome is Outcome.SIMILAR
    assert "Thesaloniki" in close.explanation
    assert compare_place_of_birth("Lyon", "Oslo").outcome is Outcome.DIFFERENT
    assert compare_place_of_birth("", "Oslo").outcome is Outcome.ABSENT


def test_travel_document_same_number_and_country() -> None:
    a = IdentityRecord("A", doc_number="C01X-00T47", doc_country="DEU")
    b = IdentityRecord("B", doc_number="c01x00t47", doc_country="DEU")
    assert document_number("C01X-00T47") == "C01X00T47"
    assert compare_travel_document(a, b).outcome is Outcome.SAME
    other_country = IdentityRecord("B", doc_number="C01X00T47", doc_country="AUT")
    assert compare_travel_document(a, other_country).outcome is Outcome.DIFFERENT
    unknown_country = IdentityRecord("B", doc_number="C01X00T47")
    assert compare_travel_document(a, unknown_country).outcome is Outcome.SIMILAR
    assert compare_travel_document(a, IdentityRecord("B")).outcome is Outcome.ABSENT
