"""The visa lists of Reg. (EU) 2018/1806 Annex I and II, and who moves freely in the Union."""

from __future__ import annotations

from datetime import date

import pytest

from limes.core.countries import country
from limes.core.free_movement import (
    FreeMovementBasis,
    free_movement_status,
    is_microstate_national,
    is_union_citizen,
    union_member_states,
)
from limes.core.visa_lists import (
    VISA_EXEMPTIONS,
    VISA_LISTINGS,
    Annex,
    VisaExemption,
    is_visa_exempt,
    listings_on,
    visa_requirement,
)

TODAY = date(2026, 5, 4)


@pytest.mark.parametrize("nationality", ["IND", "CHN", "RUS", "TUR", "ZAF", "PSE"])
def test_annex_i_nationals_need_a_visa_art_3_1(nationality: str) -> None:
    listing = visa_requirement(nationality, TODAY)
    assert listing is not None
    assert listing.annex is Annex.VISA_REQUIRED
    assert listing.visa_required
    assert listing.article == "Reg. (EU) 2018/1806 Art 3(1)"
    assert listing.reference.startswith("Reg. (EU) 2018/1806 Art 3(1) and Annex I Part ")


@pytest.mark.parametrize(
    ("nationality", "part"),
    [("USA", 1), ("JPN", 1), ("GBR", 1), ("HKG", 2), ("MAC", 2), ("GBN", 3), ("TWN", 4)],
)
def test_annex_ii_nationals_and_entities_are_exempt_art_4_1(nationality: str, part: int) -> None:
    listing = visa_requirement(nationality, TODAY)
    assert listing is not None
    assert listing.annex is Annex.VISA_EXEMPT
    assert listing.part == part
    assert is_visa_exempt(nationality, TODAY)


def test_kosovo_moves_to_annex_ii_on_1_january_2024_reg_2023_850() -> None:
    before = visa_requirement("RKS", date(2023, 12, 31))
    after = visa_requirement("RKS", date(2024, 1, 1))
    assert before is not None
    assert before.visa_required
    assert before.part == 2
    assert after is not None
    assert not after.visa_required
    assert after.part == 4
    assert after.act == "Reg. (EU) 2023/850"
    assert "2023/850" in after.citation
    # XKX, the ISO user-assigned code, is the same entity.
    assert visa_requirement("XKX", date(2024, 1, 1)) == after


def test_the_united_kingdom_is_in_annex_ii_only_after_the_transition_reg_2019_592() -> None:
    assert visa_requirement("GBR", date(2020, 12, 31)) is None
    listing = visa_requirement("GBR", date(2021, 1, 1))
    assert listing is not None
    assert listing.act == "Reg. (EU) 2019/592"


@pytest.mark.parametrize("nationality", ["FRA", "D", "DEU", "UTO", "EUE"])
def test_member_states_and_codes_that_are_not_third_countries_are_unlisted(
    nationality: str,
) -> None:
    assert visa_requirement(nationality, TODAY) is None


def test_no_listing_before_the_codification_applied() -> None:
    assert visa_requirement("IND", date(2018, 12, 17)) is None
    assert visa_requirement("IND", date(2018, 12, 18)) is not None


def test_every_listed_code_is_a_known_country_code_and_listed_once_a_day() -> None:
    for listing in VISA_LISTINGS:
        assert country(listing.code) is not None, listing.code
    for day in (date(2019, 1, 1), date(2023, 12, 31), TODAY):
        codes = [x.code for x in listings_on(day, Annex.VISA_REQUIRED)]
        codes += [x.code for x in listings_on(day, Annex.VISA_EXEMPT)]
        assert len(codes) == len(set(codes)), day


def test_notes_carry_the_limits_of_an_exemption() -> None:
    serbia = visa_requirement("SRB", TODAY)
    assert serbia is not None
    assert serbia.note is not None
    assert "Koordinaciona" in serbia.note
    vanuatu = visa_requirement("VUT", TODAY)
    assert vanuatu is not None
    assert vanuatu.note is not None
    assert "2023/222" in vanuatu.note


def test_each_exemption_names_its_article() -> None:
    assert set(VISA_EXEMPTIONS) == set(VisaExemption)
    diplomats = VISA_EXEMPTIONS[VisaExemption.DIPLOMATIC_PASSPORT]
    assert diplomats.article == "Reg. (EU) 2018/1806 Art 6(1)(a)"
    assert diplomats.member_state_option
    assert not VISA_EXEMPTIONS[VisaExemption.SCHOOL_PUPIL].member_state_option


@pytest.mark.parametrize("nationality", ["FRA", "D", "DEU", "HRV", "IRL", "CYP"])
def test_union_citizens_art_20_tfeu(nationality: str) -> None:
    assert is_union_citizen(nationality, TODAY)


@pytest.mark.parametrize(
    ("nationality", "basis"),
    [
        ("ISL", FreeMovementBasis.EEA),
        ("NOR", FreeMovementBasis.EEA),
        ("LIE", FreeMovementBasis.EEA),
        ("CHE", FreeMovementBasis.SWITZERLAND),
    ],
)
def test_eea_and_swiss_nationals_move_freely_but_are_not_union_citizens(
    nationality: str, basis: FreeMovementBasis
) -> None:
    status = free_movement_status(nationality, TODAY)
    assert status is not None
    assert status.basis is basis
    assert not is_union_citizen(nationality, TODAY)


def test_membership_is_date_effective() -> None:
    assert not is_union_citizen("HRV", date(2013, 6, 30))
    assert is_union_citizen("HRV", date(2013, 7, 1))
    assert is_union_citizen("GBR", date(2020, 12, 31))
    assert not is_union_citizen("GBR", date(2021, 1, 1))
    assert len(union_member_states(TODAY)) == 27
    assert free_movement_status("USA", TODAY) is None


def test_microstates_ees_art_2_3() -> None:
    assert is_microstate_national("AND", "AND")
    assert is_microstate_national("MCO", "MCO")
    assert is_microstate_national("SMR", "SMR")
    assert is_microstate_national("VAT", "VAT")
    assert is_microstate_national("ITA", "VAT")  # a Vatican passport, whatever the nationality
    assert not is_microstate_national("USA", "USA")
