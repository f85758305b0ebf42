"""The synthetic population: deterministic, in many scripts, with valid passports."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date

import pytest

from limes.core.countries import is_known_country
from limes.core.documents import read_mrz
from limes.core.identity import mrz_name
from limes.core.mrz_format import Sex
from limes.ees.schemas import synthetic_person_key
from limes.sim.population import (
    ORIGINS,
    VISA_REGIMES,
    AgeBand,
    Annex,
    PopulationGenerator,
    Script,
    Traveller,
    origin_of,
    population,
    romanise_korean,
    visa_required,
)

TODAY = date(2026, 11, 23)
MRZ_NAME = re.compile(r"[A-Z]+(<[A-Z]+)*")
# A letter of each script, as Unicode names it.
SCRIPT_LETTERS = {
    Script.CYRILLIC: "CYRILLIC",
    Script.ARABIC: "ARABIC",
    Script.KANJI: "CJK UNIFIED IDEOGRAPH",
    Script.HAN: "CJK UNIFIED IDEOGRAPH",
    Script.HANGUL: "HANGUL SYLLABLE",
}


@pytest.fixture(scope="module")
def people() -> list[Traveller]:
    return population(300, seed=2026, today=TODAY)


def test_the_same_seed_gives_the_same_people() -> None:
    assert population(25, seed=7, today=TODAY) == population(25, seed=7, today=TODAY)


def test_a_smaller_population_is_the_start_of_a_larger_one(people: list[Traveller]) -> None:
    assert population(40, seed=2026, today=TODAY) == people[:40]


def test_another_seed_gives_other_people(people: list[Traveller]) -> None:
    others = population(40, seed=2027, today=TODAY)
    assert {t.document_number for t in others}.isdisjoint(t.document_number for t in people[:40])


def test_names_come_in_several_scripts_with_their_mrz_forms(people: list[Traveller]) -> None:
    scripts = Counter(t.script for t in people)
    assert set(scripts) == set(Script)
    for traveller in people:
        assert MRZ_NAME.fullmatch(traveller.mrz_surname), traveller
        assert MRZ_NAME.fullmatch(traveller.mrz_given_names), traveller
        letter = SCRIPT_LETTERS.get(traveller.script)
        if letter is None:
            assert mrz_name(traveller.surname) == traveller.mrz_surname
        else:
            assert any(letter in unicodedata.name(c, "") for c in traveller.surname), traveller
            assert traveller.surname.upper() != traveller.latin_name.split()[0]


def test_scripts_the_mrz_cannot_write_are_romanised() -> None:
    generator = PopulationGenerator(2026, TODAY)
    japanese = generator.traveller("a", origin_of("JPN"))
    chinese = generator.traveller("b", origin_of("CHN"))
    korean = generator.traveller("c", origin_of("KOR"))
    for traveller in (japanese, chinese, korean):
        assert traveller.document_surname.isascii()
        assert traveller.document_given_names.isascii()
    assert romanise_korean("지혜") == "Jihye"
    assert romanise_korean("하은") == "Haeun"


def test_every_mrz_is_valid_and_reads_back(people: list[Traveller]) -> None:
    for traveller in people:
        reading = read_mrz(traveller.mrz(), TODAY)
        assert reading.valid, (traveller, reading.errors)
        assert reading.expired is False
        assert reading.document_number == traveller.document_number
        assert reading.nationality == reading.issuing_state == traveller.nationality
        assert reading.birth_date is not None
        assert reading.birth_date.to_date() == traveller.birth_date
        assert reading.sex is traveller.sex
        assert reading.expiry_date == traveller.expiry_date
        assert reading.surname == traveller.mrz_surname[:39].replace("<", " ")


def test_passports_are_unique_and_valid_for_six_months(people: list[Traveller]) -> None:
    assert len({(t.nationality, t.document_number) for t in people}) == len(people)
    for traveller in people:
        assert traveller.birth_date <= traveller.issued_on <= TODAY
        assert (traveller.expiry_date - TODAY).days >= 180


def test_ages_include_children_under_twelve_and_adults(people: list[Traveller]) -> None:
    ages = [t.age_on(TODAY) for t in people]
    assert any(age < 12 for age in ages)
    assert sum(age >= 18 for age in ages) > len(people) * 0.7
    assert max(ages) < 81
    assert {t.sex for t in people} == {Sex.FEMALE, Sex.MALE}
    generator = PopulationGenerator(1, TODAY)
    assert all(
        generator.traveller(f"k{i}", band=AgeBand.ADULT).age_on(TODAY) >= 18 for i in range(30)
    )
    assert all(
        generator.traveller(f"c{i}", band=AgeBand.CHILD).age_on(TODAY) < 12 for i in range(30)
    )


def test_the_biometric_key_is_the_desks(people: list[Traveller]) -> None:
    traveller = people[0]
    assert traveller.person_key == synthetic_person_key(
        traveller.nationality, traveller.document_number
    )


def test_every_origin_has_a_known_nationality_in_the_visa_table() -> None:
    for origin in ORIGINS:
        assert is_known_country(origin.nationality), origin
        assert origin.nationality in VISA_REGIMES, origin
    for regime in VISA_REGIMES.values():
        assert "2018/1806" in regime.basis
        assert f"Annex {regime.annex.value}" in regime.basis


@pytest.mark.parametrize(
    "nationality", ["USA", "GBR", "CAN", "JPN", "KOR", "BRA", "MEX", "UKR", "ARE"]
)
def test_annex_ii_nationals_need_no_visa(nationality: str) -> None:
    assert VISA_REGIMES[nationality].annex is Annex.VISA_EXEMPT
    assert not visa_required(nationality)


@pytest.mark.parametrize("nationality", ["IND", "CHN", "RUS", "TUR", "EGY", "SAU", "IRN", "THA"])
def test_annex_i_nationals_need_a_visa(nationality: str) -> None:
    assert visa_required(nationality)


def test_the_population_mixes_visa_holders_and_exempt_travellers(people: list[Traveller]) -> None:
    share = sum(t.visa_required for t in people) / len(people)
    assert 0.25 < share < 0.65
    assert len({t.nationality for t in people}) >= 15


def test_the_simulator_reads_the_legal_visa_lists_of_limes_core() -> None:
    """Reg. (EU) 2018/1806: the simulator, the EES and ETIAS read one set of lists."""
    from datetime import date

    from limes.core.visa_lists import LISTS_AS_OF, visa_requirement

    for nationality, regime in VISA_REGIMES.items():
        listing = visa_requirement(nationality, LISTS_AS_OF)
        assert listing is not None
        assert listing.annex is regime.annex
    # Kosovo before and after Reg. (EU) 2023/850.
    assert visa_required("RKS", date(2023, 12, 31))
    assert not visa_required("RKS", date(2024, 1, 1))
