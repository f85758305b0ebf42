"""ICAO Doc 9303 Part 3 and ISO 3166-1 country codes."""

from __future__ import annotations

import pytest

from limes.core.countries import COUNTRIES, Country, CountryKind, country, is_known_country


def _entries() -> set[Country]:
    return set(COUNTRIES.values())


def test_every_iso_3166_entry_is_known_once() -> None:
    iso = {c.iso_alpha3 for c in _entries() if c.iso_alpha3 is not None}
    assert len(iso) == 249


def test_the_un_member_and_observer_states_are_states() -> None:
    states = [c for c in _entries() if c.kind is CountryKind.STATE]
    assert len(states) == 193 + 2  # UN members, plus the Holy See and Palestine


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("D", CountryKind.STATE),
        ("GBR", CountryKind.STATE),
        ("GBD", CountryKind.NATIONALITY_CLASS),
        ("GBN", CountryKind.NATIONALITY_CLASS),
        ("GBO", CountryKind.NATIONALITY_CLASS),
        ("GBP", CountryKind.NATIONALITY_CLASS),
        ("GBS", CountryKind.NATIONALITY_CLASS),
        ("UNO", CountryKind.ORGANISATION),
        ("UNA", CountryKind.ORGANISATION),
        ("UNK", CountryKind.ORGANISATION),
        ("EUE", CountryKind.ORGANISATION),
        ("XBA", CountryKind.ORGANISATION),
        ("XIM", CountryKind.ORGANISATION),
        ("XCC", CountryKind.ORGANISATION),
        ("XCE", CountryKind.ORGANISATION),
        ("XCO", CountryKind.ORGANISATION),
        ("XEC", CountryKind.ORGANISATION),
        ("XPO", CountryKind.ORGANISATION),
        ("XES", CountryKind.ORGANISATION),
        ("XMP", CountryKind.ORGANISATION),
        ("XOM", CountryKind.ORGANISATION),
        ("XDC", CountryKind.ORGANISATION),
        ("XXA", CountryKind.STATELESS),
        ("XXB", CountryKind.REFUGEE),
        ("XXC", CountryKind.REFUGEE),
        ("XXX", CountryKind.UNSPECIFIED),
        ("UTO", CountryKind.SPECIMEN),
        ("RKS", CountryKind.TERRITORY),
        ("HKG", CountryKind.TERRITORY),
        ("GRL", CountryKind.TERRITORY),
    ],
)
def test_codes_have_their_kind(code: str, kind: CountryKind) -> None:
    found = country(code)
    assert found is not None
    assert found.code == code
    assert found.kind is kind


def test_germany_is_d_and_deu_is_its_alias() -> None:
    germany = country("D")
    assert germany is not None
    assert country("DEU") is germany
    assert germany.code == "D"
    assert germany.iso_alpha3 == "DEU"
    assert germany.name == "Germany"


def test_every_key_is_the_code_of_its_entry_except_the_alias() -> None:
    mismatched = {key for key, c in COUNTRIES.items() if c.code != key}
    assert mismatched == {"DEU"}


@pytest.mark.parametrize("code", ["ZZZ", "XAA", "DE", "", "U T O", "UT0"])
def test_unknown_codes(code: str) -> None:
    assert country(code) is None
    assert not is_known_country(code)


@pytest.mark.parametrize("code", ["uto", " AUT ", "fra"])
def test_lookup_ignores_case_and_blanks(code: str) -> None:
    assert is_known_country(code)


def test_names_are_english_short_names() -> None:
    assert country("AUT") == Country("AUT", "Austria", CountryKind.STATE, "AUT")
    assert country("CIV") is not None
    assert country("CIV").name == "Côte d'Ivoire"  # type: ignore[union-attr]
    assert all(c.name and not c.name.endswith("*") for c in _entries())


def test_the_table_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        COUNTRIES["ZZZ"] = Country("ZZZ", "Nowhere", CountryKind.STATE)  # type: ignore[index]
