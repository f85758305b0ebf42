"""Who the EES registers (EES Art 2) and who needs a visa (Reg. (EU) 2018/1806), per back-end."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from limes.core.clock import FixedClock
from limes.core.documents import MrzFields, MrzFormat, Sex, build_mrz
from limes.core.errors import InvalidRequest
from limes.core.visa_lists import VisaExemption
from limes.ees.domain.border import CrossingRequest
from limes.ees.domain.errors import MissingBiometrics, MissingVisa, NotInEesScope
from limes.ees.domain.models import (
    Direction,
    FingerprintStatus,
    RefusalReason,
    TravellerKind,
)
from limes.ees.domain.rules import RetentionAction
from limes.ees.domain.scope import ResidenceDocument, ScopeReason, ees_scope, visa_status
from limes.ees.operations import EesOperations
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from tests.ees_factories import Traveller, visa
from tests.unit.ees.conftest import GUARD, peek

TODAY = date(2026, 5, 4)
SINGH = Traveller(surname="SINGH", given_names="ARJUN", number="Z1234567", nationality="IND")


def _nothing_stored(store: EesStore) -> None:
    assert peek(store).ees.file_ids() == []


@pytest.mark.parametrize(
    ("nationality", "reason"),
    [
        ("FRA", ScopeReason.UNION_CITIZEN),
        ("D", ScopeReason.UNION_CITIZEN),
        ("ISL", ScopeReason.FREE_MOVEMENT),
        ("LIE", ScopeReason.FREE_MOVEMENT),
        ("NOR", ScopeReason.FREE_MOVEMENT),
        ("CHE", ScopeReason.FREE_MOVEMENT),
        ("AND", ScopeReason.MICROSTATE),
        ("MCO", ScopeReason.MICROSTATE),
        ("SMR", ScopeReason.MICROSTATE),
        ("VAT", ScopeReason.MICROSTATE),
    ],
)
def test_art_2_union_citizens_free_movers_and_microstate_nationals_are_not_registered(
    service: EesService, store: EesStore, nationality: str, reason: ScopeReason
) -> None:
    traveller = Traveller(number="S0000001", nationality=nationality)
    for attempt in (
        lambda: service.check(GUARD, traveller.at(), Direction.ENTRY),
        lambda: service.record_entry(GUARD, traveller.at()),
        lambda: service.record_exit(GUARD, traveller.at(), stamp_entry_date=TODAY),
        lambda: service.record_refusal(GUARD, traveller.at(), [RefusalReason.E]),
    ):
        with pytest.raises(NotInEesScope) as raised:
            attempt()
        assert raised.value.code == "ees-not-in-scope"
        assert "Art 2" in str(raised.value)
    assert ees_scope(nationality, nationality, TODAY).reason is reason
    _nothing_stored(store)


def test_art_2_a_french_passport_is_refused_saying_why(service: EesService) -> None:
    with pytest.raises(NotInEesScope) as raised:
        service.record_entry(GUARD, Traveller(number="F0000001", nationality="FRA").at())
    message = str(raised.value)
    assert "France" in message
    assert "citizen of the Union" in message
    assert "third-country nationals only" in message
    assert [e.field for e in raised.value.errors] == ["mrz.nationality"]


@pytest.mark.parametrize("held", list(ResidenceDocument))
def test_art_2_3_holders_of_residence_cards_permits_and_long_stay_visas_are_not_registered(
    service: EesService, store: EesStore, held: ResidenceDocument
) -> None:
    request = replace(SINGH.at(), residence_document=held)
    with pytest.raises(NotInEesScope) as raised:
        service.record_entry(GUARD, request)
    assert [e.field for e in raised.value.errors] == ["residence_document"]
    _nothing_stored(store)


def test_reg_2018_1806_art_3_an_annex_i_national_without_a_visa_is_refused_with_reason_c(
    service: EesService, store: EesStore
) -> None:
    check = service.check(GUARD, SINGH.at(), Direction.ENTRY)
    assert check.visa_status is not None
    assert check.visa_status.visa_missing
    assert any("reason C" in w for w in check.warnings)
    with pytest.raises(MissingVisa) as raised:
        service.record_entry(GUARD, SINGH.at())
    message = str(raised.value)
    assert "India" in message
    assert "Annex I" in message
    assert "reason C" in message
    _nothing_stored(store)
    # The refusal the error suggests is recorded, as a visa holder's file (Art 16).
    refused = service.record_refusal(GUARD, SINGH.at(), [RefusalReason.C])
    individual_file = peek(store).ees.get_file(refused.file_id)
    assert individual_file.kind is TravellerKind.VISA_HOLDER


@pytest.mark.parametrize("nationality", ["CHN", "RUS"])
def test_reg_2018_1806_art_3_no_visa_no_90_days(
    service: EesService, store: EesStore, nationality: str
) -> None:
    traveller = Traveller(number="Q7654321", nationality=nationality)
    with pytest.raises(MissingVisa):
        service.record_entry(GUARD, traveller.at())
    _nothing_stored(store)


def test_reg_2018_1806_art_3_an_annex_i_national_with_a_visa_is_a_visa_holder(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    today = clock.today()
    sticker = visa(valid_from=today, valid_until=today + timedelta(days=30), days=15)
    receipt = service.record_entry(GUARD, SINGH.at(visa=sticker))
    assert peek(store).ees.get_file(receipt.file_id).kind is TravellerKind.VISA_HOLDER


def test_reg_2018_1806_art_6_1_a_stated_exemption_makes_an_annex_i_national_visa_exempt(
    service: EesService, store: EesStore
) -> None:
    # Visa-exempt: the file is made under EES Art 17, with fingerprints.
    diplomat = replace(SINGH.at(face_only=True), visa_exemption=VisaExemption.DIPLOMATIC_PASSPORT)
    with pytest.raises(MissingBiometrics):
        service.record_entry(GUARD, diplomat)
    receipt = service.record_entry(
        GUARD, replace(SINGH.at(), visa_exemption=VisaExemption.DIPLOMATIC_PASSPORT)
    )
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file.kind is TravellerKind.VISA_EXEMPT
    assert individual_file.fingerprint_status is FingerprintStatus.CAPTURED
    assert any("Art 6(1)(a)" in w for w in receipt.check.warnings)


def test_reg_2018_1806_a_stated_kind_cannot_contradict_the_nationality(
    service: EesService, store: EesStore
) -> None:
    request = replace(SINGH.at(), traveller_kind=TravellerKind.VISA_EXEMPT)
    with pytest.raises(InvalidRequest) as raised:
        service.record_entry(GUARD, request)
    assert [e.field for e in raised.value.errors] == ["traveller_kind"]
    _nothing_stored(store)


def test_reg_2018_1806_art_4_an_annex_ii_national_showing_a_visa_is_recorded_with_a_note(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    today = clock.today()
    sticker = visa(valid_from=today, valid_until=today + timedelta(days=60), days=30)
    receipt = service.record_entry(GUARD, Traveller().at(visa=sticker))
    assert peek(store).ees.get_file(receipt.file_id).kind is TravellerKind.VISA_HOLDER
    assert any("Art 6(3)" in w for w in receipt.check.warnings)


def test_visa_status_follows_the_nationality_not_the_visa_shown() -> None:
    assert visa_status("IND", TODAY, visa_presented=False).kind is TravellerKind.VISA_HOLDER
    assert visa_status("USA", TODAY, visa_presented=False).kind is TravellerKind.VISA_EXEMPT
    unlisted = visa_status("UTO", TODAY, visa_presented=False)
    assert unlisted.listing is None
    assert unlisted.note is not None


def _family_member(request: CrossingRequest) -> CrossingRequest:
    return replace(request, family_member=True)


def test_art_2_1_b_a_family_member_is_registered_without_calculator_and_with_the_status(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    spouse = Traveller(surname="ADEYEMI", number="A5550001", nationality="NGA")
    today = clock.today()
    sticker = visa(valid_from=today, valid_until=today + timedelta(days=200), days=90)
    check = service.check(GUARD, _family_member(spouse.at(visa=sticker)), Direction.ENTRY)
    assert check.assessment is None  # EES Art 11 does not apply
    receipt = service.record_entry(GUARD, _family_member(spouse.at(visa=sticker)))
    assert receipt.entry is not None
    assert receipt.entry.family_member
    assert receipt.entry.stay_limit is None
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file.family_member
    stored = peek(store).ees.get_entry(receipt.record_id)
    assert stored.family_member
    assert stored.authority == GUARD.authority


def test_art_12_a_family_member_is_never_flagged_as_an_overstayer(
    service: EesService, operations: EesOperations, clock: FixedClock
) -> None:
    spouse = Traveller(surname="ADEYEMI", number="A5550002", nationality="USA")
    service.record_entry(GUARD, _family_member(spouse.at()))
    clock.advance(timedelta(days=200))
    assert operations.flag_overstays() == []
    assert operations.overstayers(GUARD) == []
    exit_check = service.check(GUARD, _family_member(spouse.at()), Direction.EXIT)
    assert exit_check.assessment is None
    closed = service.record_exit(GUARD, _family_member(spouse.at()))
    assert closed.entry is not None
    assert closed.entry.overstay_from is None


def test_art_34_4_a_family_members_records_and_file_go_one_year_after_the_exit(
    service: EesService, operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    spouse = Traveller(surname="ADEYEMI", number="A5550003", nationality="USA")
    receipt = service.record_entry(GUARD, _family_member(spouse.at()))
    clock.advance(timedelta(days=20))
    closed = service.record_exit(GUARD, _family_member(spouse.at()))
    assert closed.entry is not None
    assert closed.entry.exit_at is not None
    exit_at = closed.entry.exit_at
    clock.set(exit_at.replace(year=exit_at.year + 1) - timedelta(days=1))
    assert operations.run_retention().steps == ()
    clock.advance(timedelta(days=1))
    report = operations.run_retention()
    assert report.count(RetentionAction.ERASE_RECORD) == 1
    assert report.count(RetentionAction.ERASE_FILE) == 1
    assert peek(store).ees.get_file(receipt.file_id) is None


def test_art_16_2_and_18_the_authority_that_admitted_or_refused_is_recorded(
    service: EesService, store: EesStore
) -> None:
    traveller = Traveller(number="U0000009")
    entry = service.record_entry(GUARD, traveller.at())
    assert peek(store).ees.get_entry(entry.record_id).authority == "FRA-PAF"
    assert not peek(store).ees.get_file(entry.file_id).family_member
    other = Traveller(number="U0000010")
    refusal = service.record_refusal(GUARD, other.at(), [RefusalReason.E])
    assert peek(store).ees.get_refusal(refusal.record_id).authority == "FRA-PAF"


@pytest.mark.parametrize("holder", ["XXA", "XXB", "XXC"])
def test_reg_2018_1806_art_3_2_refugees_and_stateless_follow_the_issuing_country(
    holder: str,
) -> None:
    required = visa_status(holder, TODAY, visa_presented=False, issuing_state="TUR")
    assert required.visa_missing
    assert required.kind is TravellerKind.VISA_HOLDER
    assert required.basis == "Reg. (EU) 2018/1806 Art 3(2) and Annex I Part 1"
    assert "refugees and stateless persons" in required.who
    # Issued by an Annex II country: the lists do not decide (a Member State may exempt, Art 6).
    unlisted = visa_status(holder, TODAY, visa_presented=False, issuing_state="USA")
    assert unlisted.listing is None
    assert not unlisted.visa_missing


def test_reg_2018_1806_art_3_2_a_refugee_document_of_an_annex_i_country_needs_a_visa(
    service: EesService, store: EesStore
) -> None:
    fields = MrzFields(
        document_code="P",
        issuing_state="TUR",
        surname="HADDAD",
        given_names="SAMI",
        document_number="R1234567",
        nationality="XXB",
        birth_date=date(1990, 2, 3),
        sex=Sex.MALE,
        expiry_date=date(2030, 1, 1),
    )
    request = CrossingRequest(mrz=build_mrz(fields, MrzFormat.TD3), crossing_point="FRA-CDG")
    with pytest.raises(MissingVisa) as raised:
        service.record_entry(GUARD, request)
    assert "Art 3(2)" in str(raised.value)
    _nothing_stored(store)
