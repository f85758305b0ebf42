"""Entries, exits and refusals at the border (EES Art 14-18, 23), on the memory store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from limes.biometrics.templates import Modality
from limes.core.clock import FixedClock
from limes.core.errors import InvalidDocument
from limes.ees.domain.border import Capture
from limes.ees.domain.errors import (
    EesInactive,
    ExitWithoutEntry,
    IdempotencyKeyReused,
    MissingBiometrics,
    MissingVisa,
    NoStayPossible,
    SecondEntryWithoutExit,
)
from limes.ees.domain.models import (
    Completeness,
    Direction,
    FingerprintStatus,
    RecordSource,
    RefusalReason,
    SuspensionScope,
)
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from limes.shortstay import EntriesAllowed
from tests.ees_factories import AIRPORT, LAND, Traveller, visa
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()


def test_first_entry_creates_the_file_in_the_cir_and_records_the_stay(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    receipt = service.record_entry(GUARD, ADA.at())
    assert receipt.created_file
    assert receipt.entry is not None
    assert receipt.entry.authorised_stay_until == clock.today() + timedelta(days=89)
    state = peek(store)
    individual_file = state.ees.get_file(receipt.file_id)
    assert individual_file is not None
    assert individual_file.fingerprint_status is FingerprintStatus.CAPTURED
    identity = state.identities.get(individual_file.cir_id)
    assert identity is not None
    assert identity.identity.surname.original == "OKAFOR"
    # 2019/817 Art 29(1): the state of the crossing point verifies the links it brings.
    assert identity.member_state == AIRPORT.country
    assert {t.modality for t in state.identities.templates(individual_file.cir_id)} == {
        Modality.FACE,
        Modality.RIGHT_INDEX,
        Modality.RIGHT_MIDDLE,
        Modality.RIGHT_RING,
        Modality.RIGHT_LITTLE,
    }
    log = state.ees.access_log()
    assert log[-1].operation == "record_entry"
    assert log[-1].purpose == "border_check"
    assert receipt.record_id in log[-1].result_references


def test_second_visit_finds_the_file_verifies_and_counts_earlier_days(
    service: EesService, clock: FixedClock
) -> None:
    first = service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=29))
    service.record_exit(GUARD, ADA.at())  # 30 days of stay
    clock.advance(timedelta(days=30))
    check = service.check(GUARD, ADA.at(), Direction.ENTRY)
    assert check.individual_file is not None
    assert check.individual_file.file_id == first.file_id
    assert check.verification is not None
    assert check.verification.matched is True
    assert check.assessment is not None
    assert check.assessment.days_used == 30
    assert check.assessment.max_stay_days == 60


def test_an_impostor_is_flagged_by_the_one_to_one_verification(service: EesService) -> None:
    service.record_entry(GUARD, ADA.at())
    impostor = Traveller(number="Z9999999")  # someone else's face and fingers
    request = replace(ADA.at(), capture=Capture(impostor.templates()))
    check = service.check(GUARD, request, Direction.EXIT)
    assert check.verification is not None
    assert check.verification.matched is False
    assert "does not match" in " ".join(check.warnings)


def test_second_entry_without_exit_is_refused_and_changes_nothing(
    service: EesService, store: EesStore
) -> None:
    service.record_entry(GUARD, ADA.at())
    before = len(peek(store).ees.access_log())
    with pytest.raises(SecondEntryWithoutExit):
        service.record_entry(GUARD, ADA.at())
    assert len(peek(store).ees.access_log()) == before


def test_exit_without_entry_is_refused_unless_an_entry_stamp_is_given(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    with pytest.raises(ExitWithoutEntry):
        service.record_exit(GUARD, ADA.at())
    assert peek(store).ees.file_ids() == []
    receipt = service.record_exit(
        GUARD, ADA.at(), stamp_entry_date=clock.today() - timedelta(days=10)
    )
    assert receipt.created_file
    assert receipt.entry is not None
    assert receipt.entry.source is RecordSource.STAMP
    assert receipt.entry.entry_at.date() == clock.today() - timedelta(days=10)
    assert receipt.entry.exit_at == clock.now()


def test_leaving_after_the_authorised_stay_is_an_overstay(
    service: EesService, clock: FixedClock
) -> None:
    entry = service.record_entry(GUARD, ADA.at())
    assert entry.entry is not None
    clock.advance(timedelta(days=95))
    receipt = service.record_exit(GUARD, ADA.at())
    assert receipt.entry is not None
    assert receipt.entry.overstay_from == entry.entry.authorised_stay_until + timedelta(days=1)
    assert receipt.check.assessment is not None
    assert receipt.check.assessment.overstay_days == 6  # days 90 to 95 of the stay


def test_no_stay_possible_suggests_a_refusal(service: EesService, clock: FixedClock) -> None:
    service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=89))
    service.record_exit(GUARD, ADA.at())
    clock.advance(timedelta(days=1))
    with pytest.raises(NoStayPossible, match="reason F"):
        service.record_entry(GUARD, ADA.at())
    receipt = service.record_refusal(GUARD, ADA.at(), [RefusalReason.F])
    assert receipt.refusal is not None
    assert receipt.refusal.reasons == (RefusalReason.F,)


def test_visa_holder_needs_the_visa_and_it_caps_the_stay(
    service: EesService, clock: FixedClock
) -> None:
    traveller = Traveller(surname="SINGH", number="P7654321", nationality="IND")
    from limes.ees.domain.models import TravellerKind

    request = replace(traveller.at(face_only=True), traveller_kind=TravellerKind.VISA_HOLDER)
    with pytest.raises(MissingVisa):
        service.record_entry(GUARD, request)
    today = clock.today()
    sticker = visa(valid_from=today, valid_until=today + timedelta(days=60), days=15)
    receipt = service.record_entry(GUARD, traveller.at(visa=sticker))
    assert receipt.entry is not None
    assert receipt.entry.authorised_stay_until == today + timedelta(days=14)
    assert receipt.entry.visa == sticker


def test_visa_exempt_adult_without_fingerprints_is_refused_where_biometrics_are_required(
    service: EesService,
) -> None:
    with pytest.raises(MissingBiometrics) as caught:
        service.record_entry(GUARD, ADA.at(face_only=True))
    assert [e.field for e in caught.value.errors] == ["capture.fingerprints"]


def test_children_under_12_give_no_fingerprints(service: EesService, clock: FixedClock) -> None:
    child = Traveller(given_names="OBI", number="C1111111", birth_date=date(2018, 6, 1))
    receipt = service.record_entry(GUARD, child.at(face_only=True))
    assert receipt.check.crossing_point.code == AIRPORT.code
    assert receipt.entry is not None


def test_fingerprints_temporarily_impossible_are_taken_at_exit(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    capture = Capture(ADA.templates((Modality.FACE,)), FingerprintStatus.TEMPORARILY_IMPOSSIBLE)
    receipt = service.record_entry(GUARD, ADA.at(capture=capture))
    state = peek(store).ees.get_file(receipt.file_id)
    assert state is not None
    assert state.fingerprint_status is FingerprintStatus.TEMPORARILY_IMPOSSIBLE
    clock.advance(timedelta(days=3))
    service.record_exit(GUARD, ADA.at())
    state = peek(store).ees.get_file(receipt.file_id)
    assert state is not None
    assert state.fingerprint_status is FingerprintStatus.CAPTURED


def test_progressive_start_allows_a_file_without_biometrics_completed_later(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.ees.put_crossing_point(replace(LAND, biometrics_required=False))
    receipt = service.record_entry(GUARD, ADA.at(LAND.code, capture=Capture()))
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file is not None
    assert individual_file.completeness is Completeness.PENDING_BIOMETRICS
    clock.advance(timedelta(days=5))
    service.record_exit(GUARD, ADA.at(LAND.code, capture=Capture()))
    clock.advance(timedelta(days=5))
    service.record_entry(GUARD, ADA.at())  # the airport captures everything
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file is not None
    assert individual_file.completeness is Completeness.COMPLETE


def test_fully_suspended_crossing_point_records_nothing(
    service: EesService, store: EesStore
) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.ees.put_crossing_point(
            replace(LAND, suspension=SuspensionScope.FULL, suspension_reason="peak traffic")
        )
    with pytest.raises(EesInactive, match="peak traffic"):
        service.record_entry(GUARD, ADA.at(LAND.code))
    assert peek(store).ees.file_ids() == []


def test_refusal_keeps_biometrics_only_for_reasons_b_d_h(
    service: EesService, store: EesStore
) -> None:
    kept = service.record_refusal(GUARD, ADA.at(), [RefusalReason.B])
    other = Traveller(number="Q5555555")
    dropped = service.record_refusal(GUARD, other.at(), [RefusalReason.E])
    state = peek(store)
    kept_file = state.ees.get_file(kept.file_id)
    dropped_file = state.ees.get_file(dropped.file_id)
    assert kept_file is not None
    assert dropped_file is not None
    assert state.identities.templates(kept_file.cir_id)
    assert state.identities.templates(dropped_file.cir_id) == []


def test_a_retry_with_the_same_key_records_nothing_twice(
    service: EesService, store: EesStore
) -> None:
    request = ADA.at()  # a retry sends the same request again
    first = service.record_entry(GUARD, request, idempotency_key="k-1")
    again = service.record_entry(GUARD, request, idempotency_key="k-1")
    assert again.replayed
    assert again.record_id == first.record_id
    assert len(peek(store).ees.entries(first.file_id)) == 1
    with pytest.raises(IdempotencyKeyReused):
        service.record_entry(GUARD, ADA.at(LAND.code), idempotency_key="k-1")


def test_invalid_and_expired_documents_are_refused_with_field_errors(service: EesService) -> None:
    broken = replace(ADA.at(), mrz=ADA.mrz()[:-1] + ("1" if ADA.mrz()[-1] != "1" else "2"))
    with pytest.raises(InvalidDocument) as caught:
        service.record_entry(GUARD, broken)
    assert caught.value.errors
    expired = Traveller(number="E0000001", expiry=date(2026, 1, 1))
    with pytest.raises(InvalidDocument, match="expired"):
        service.record_entry(GUARD, expired.at())


def test_a_stamp_that_disagrees_prevails_over_a_file_without_biometrics(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.ees.put_crossing_point(replace(LAND, biometrics_required=False))
    request = replace(
        ADA.at(LAND.code, capture=Capture()), stamp_date=clock.today() - timedelta(days=20)
    )
    service.record_entry(GUARD, request)
    clock.advance(timedelta(days=10))
    service.record_exit(GUARD, ADA.at(LAND.code, capture=Capture()))
    clock.advance(timedelta(days=1))
    check = service.check(GUARD, ADA.at(LAND.code, capture=Capture()), Direction.ENTRY)
    assert check.assessment is not None
    # The stamp says the stay began 20 days before the EES entry: 31 days, not 11.
    assert check.assessment.days_used == 31


def test_the_ees_prevails_over_a_stamp_for_a_file_with_biometrics(
    service: EesService, clock: FixedClock
) -> None:
    request = replace(ADA.at(), stamp_date=clock.today() - timedelta(days=20))
    service.record_entry(GUARD, request)
    clock.advance(timedelta(days=10))
    service.record_exit(GUARD, ADA.at())
    clock.advance(timedelta(days=1))
    check = service.check(GUARD, ADA.at(), Direction.ENTRY)
    assert check.assessment is not None
    assert check.assessment.days_used == 11


def test_a_used_single_entry_visa_suggests_reason_c(service: EesService, clock: FixedClock) -> None:
    traveller = Traveller(surname="BORA", number="P4440001", nationality="IND")
    today = clock.today()
    sticker = visa(
        valid_from=today,
        valid_until=today + timedelta(days=60),
        days=30,
        entries=EntriesAllowed.ONE,
    )
    service.record_entry(GUARD, traveller.at(visa=sticker))
    clock.advance(timedelta(days=5))
    service.record_exit(GUARD, traveller.at(visa=sticker))
    clock.advance(timedelta(days=5))
    with pytest.raises(NoStayPossible, match=r"reason C"):
        service.record_entry(GUARD, traveller.at(visa=sticker))


def test_a_file_made_by_a_refusal_without_biometrics_is_completed_at_a_later_entry(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    refused = service.record_refusal(GUARD, ADA.at(), [RefusalReason.E])
    state = peek(store).ees.get_file(refused.file_id)
    assert state is not None
    assert state.completeness is Completeness.PENDING_BIOMETRICS
    clock.advance(timedelta(days=2))
    service.record_entry(GUARD, ADA.at())
    state = peek(store).ees.get_file(refused.file_id)
    assert state is not None
    assert state.completeness is Completeness.COMPLETE
    clock.advance(timedelta(days=2))
    check = service.check(GUARD, ADA.at(), Direction.EXIT)
    assert check.verification is not None
    assert check.verification.matched is True
