"""One file per person whatever the passport (EES Art 23(2)-(4), 27; Impl. Decision 2019/327).

On every back-end: the search by identity data (CIR identity keys, judged by
`limes.matching`), the 1:N identification through the sBMS, the guard's confirmation
of a candidate file, and the failed 1:1 verification that stops the record.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from limes.bootstrap import build_services, fill_biometric_index
from limes.core.clock import FixedClock
from limes.core.errors import BackendUnavailable
from limes.ees.adapters.biometrics import SbmsIdentifier, TemplateVerifier
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.domain.border import Capture, CrossingRequest
from limes.ees.domain.errors import (
    InvalidIdentityDecision,
    NotACandidate,
    PossibleExistingFile,
    VerificationFailed,
)
from limes.ees.domain.identification import CandidateBasis, IdentityDecision
from limes.ees.domain.models import Direction, RefusalReason
from limes.ees.identification import PreparedDecision
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.service import SharedBiometricMatchingService
from tests.conftest import settings_in
from tests.ees_factories import AIRPORT, Traveller
from tests.loops import run_on_a_loop_of_its_own
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()
# Ada's second passport: the same person, a new document number.
ADA_NEW_PASSPORT = Traveller(number="Y7654321", expiry=date(2035, 6, 1))


@pytest.fixture
def service(store: EesStore, clock: FixedClock) -> EesService:
    """The EES with the sBMS 1:N identification wired, as `bootstrap` wires it."""
    sbms = SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    return EesService(store, clock, TemplateVerifier(), SbmsIdentifier(CirBiometricIndex(sbms)))


def _ada_with(passport: Traveller, **changes: object) -> CrossingRequest:
    """Ada herself (her face and fingers) presenting `passport`."""
    return replace(passport.at(), capture=Capture(ADA.templates()), **changes)  # type: ignore[arg-type]


def _stay_41_days(service: EesService, clock: FixedClock) -> str:
    first = service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=40))
    service.record_exit(GUARD, ADA.at())
    clock.advance(timedelta(days=20))
    return first.file_id


def test_art_23_a_new_passport_finds_the_file_and_the_41_days_count(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 23(2)-(4), 27: the same person with a second passport keeps one file."""
    file_id = _stay_41_days(service, clock)
    with pytest.raises(PossibleExistingFile) as refused:
        service.record_entry(GUARD, _ada_with(ADA_NEW_PASSPORT))
    (candidate,) = refused.value.candidates
    assert candidate.file_id == file_id
    assert set(candidate.basis) == {CandidateBasis.IDENTITY_DATA, CandidateBasis.BIOMETRICS}
    assert refused.value.members()["candidates"][0]["file_id"] == file_id  # type: ignore[index]

    decision = IdentityDecision(confirmed_file_id=file_id)
    receipt = service.record_entry(GUARD, _ada_with(ADA_NEW_PASSPORT, identity_decision=decision))
    assert receipt.file_id == file_id
    assert not receipt.created_file
    assessment = receipt.check.assessment
    assert assessment is not None
    assert assessment.days_used == 41  # 0 before the fix: a new file and a fresh 90 days
    assert receipt.entry is not None
    assert receipt.entry.authorised_stay_until == clock.today() + timedelta(days=48)
    state = peek(store)
    identity = state.identities.get(candidate.cir_id)
    assert [d.number for d in identity.documents] == [ADA.number, ADA_NEW_PASSPORT.number]
    assert [e.operation for e in state.ees.access_log()][-2:] == [
        "confirm_candidate_file",
        "record_entry",
    ]
    # The new passport is now the file's own: the next crossing finds it directly.
    clock.advance(timedelta(days=5))
    exit_receipt = service.record_exit(GUARD, _ada_with(ADA_NEW_PASSPORT))
    assert exit_receipt.file_id == file_id


def test_art_23_no_new_file_while_a_candidate_is_unconfirmed_at_check_and_exit(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 14, 23(2): the check shows the candidate; an exit is refused like an entry."""
    file_id = _stay_41_days(service, clock)
    check = service.check(GUARD, _ada_with(ADA_NEW_PASSPORT), Direction.ENTRY)
    assert check.individual_file is None
    assert [c.file_id for c in check.candidates] == [file_id]
    assert any("may be this traveller's" in w for w in check.warnings)
    files_before = peek(store).ees.file_ids()
    with pytest.raises(PossibleExistingFile):
        service.record_exit(GUARD, _ada_with(ADA_NEW_PASSPORT), stamp_entry_date=clock.today())
    with pytest.raises(PossibleExistingFile):
        service.record_refusal(GUARD, _ada_with(ADA_NEW_PASSPORT), [RefusalReason.A])
    assert peek(store).ees.file_ids() == files_before


def test_art_23_a_different_person_stated_with_a_reason_gets_a_new_file_and_is_logged(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    """EES Art 23(2), 46: the guard sets the candidates aside; the decision is logged."""
    file_id = _stay_41_days(service, clock)
    with pytest.raises(InvalidIdentityDecision) as incomplete:
        service.record_entry(
            GUARD,
            _ada_with(ADA_NEW_PASSPORT, identity_decision=IdentityDecision(different_person=True)),
        )
    assert incomplete.value.errors[0].field == "identity_decision.reason"
    decision = IdentityDecision(different_person=True, reason="twin sister, birth certificate")
    receipt = service.record_entry(GUARD, _ada_with(ADA_NEW_PASSPORT, identity_decision=decision))
    assert receipt.created_file
    assert receipt.file_id != file_id
    logged = [e for e in peek(store).ees.access_log() if e.operation == "different_person"]
    assert logged[-1].operation == "different_person"
    assert logged[-1].query["reason"] == "twin sister, birth certificate"
    assert logged[-1].result_references == (file_id,)


def test_art_23_only_a_proposed_file_can_be_confirmed(
    service: EesService, clock: FixedClock
) -> None:
    """EES Art 23(2): a document is added only to a file the search found for the traveller."""
    _stay_41_days(service, clock)
    other = service.record_entry(GUARD, Traveller(surname="SILVA", number="S1111111").at())
    decision = IdentityDecision(confirmed_file_id=other.file_id)
    with pytest.raises(NotACandidate):
        service.record_entry(GUARD, _ada_with(ADA_NEW_PASSPORT, identity_decision=decision))


def test_art_27_identified_by_biometrics_under_other_identity_data(
    service: EesService, clock: FixedClock
) -> None:
    """EES Art 27: the 1:N search finds the file whatever the names on the new passport."""
    file_id = _stay_41_days(service, clock)
    renamed = Traveller(surname="NWOSU", given_names="ADAEZE", number="K5550001", nationality="GBR")
    with pytest.raises(PossibleExistingFile) as refused:
        service.record_entry(GUARD, replace(renamed.at(), capture=Capture(ADA.templates())))
    (candidate,) = refused.value.candidates
    assert candidate.file_id == file_id
    assert candidate.basis == (CandidateBasis.BIOMETRICS,)
    assert "1:N" in candidate.reasons[0]


def test_art_23_the_same_name_and_birth_date_with_other_biometrics_is_someone_else(
    service: EesService, clock: FixedClock
) -> None:
    """EES Art 23(2): identity data alike, biometrics clearly not: no candidate, a new file."""
    _stay_41_days(service, clock)
    namesake = Traveller(number="Q3333333")  # same names and birth date, another person
    receipt = service.record_entry(GUARD, namesake.at())
    assert receipt.created_file
    assert receipt.check.candidates == ()


def test_art_23_a_failed_verification_stops_the_record_until_the_guard_decides(
    service: EesService, store: EesStore
) -> None:
    """EES Art 23(2)-(4): a failed 1:1 verification is no longer a mere warning."""
    first = service.record_entry(GUARD, ADA.at())
    impostor = Traveller(number="Z9999999")
    someone_else = replace(ADA.at(), capture=Capture(impostor.templates()))
    with pytest.raises(VerificationFailed):
        service.record_exit(GUARD, someone_else)
    with pytest.raises(InvalidIdentityDecision):
        service.record_exit(
            GUARD,
            replace(
                someone_else, identity_decision=IdentityDecision(identity_confirmed_manually=True)
            ),
        )
    decision = IdentityDecision(
        identity_confirmed_manually=True, reason="face compared with the passport photo"
    )
    receipt = service.record_exit(GUARD, replace(someone_else, identity_decision=decision))
    assert receipt.file_id == first.file_id
    log = peek(store).ees.access_log()
    assert [e.operation for e in log][-2:] == [
        "identity_confirmed_manually",
        "record_exit",
    ]
    assert log[-2].query["reason"] == "face compared with the passport photo"


def test_art_23_after_a_failed_verification_the_guard_may_refuse_entry(
    service: EesService,
) -> None:
    """EES Art 18, 23(4): recording a refusal is the guard's other answer."""
    service.record_entry(GUARD, ADA.at())
    impostor = Traveller(number="Z9999999")
    someone_else = replace(ADA.at(), capture=Capture(impostor.templates()))
    receipt = service.record_refusal(GUARD, someone_else, [RefusalReason.B])
    assert receipt.refusal is not None


def test_art_27_a_failed_verification_identifies_the_traveller_one_to_many(
    service: EesService,
) -> None:
    """EES Art 27: the 1:N search shows whose file the biometrics belong to."""
    service.record_entry(GUARD, ADA.at())
    impostor = Traveller(surname="MORROW", given_names="JAY", number="Z9999999")
    theirs = service.record_entry(GUARD, impostor.at())
    check = service.check(
        GUARD, replace(ADA.at(), capture=Capture(impostor.templates())), Direction.EXIT
    )
    assert check.verification is not None
    assert check.verification.matched is False
    assert [c.file_id for c in check.candidates] == [theirs.file_id]


def test_art_27_the_desk_path_searches_one_to_many_before_the_decision(
    service: EesService, clock: FixedClock
) -> None:
    """EES Art 27: on the event loop's path the 1:N search runs beforehand, on a thread."""
    file_id = _stay_41_days(service, clock)
    renamed = Traveller(surname="NWOSU", given_names="ADAEZE", number="K5550001", nationality="GBR")
    request = replace(renamed.at(), capture=Capture(ADA.templates()))
    decision = service.entry_decision(GUARD, request)
    assert isinstance(decision, PreparedDecision)
    with pytest.raises(PossibleExistingFile) as refused:
        run_on_a_loop_of_its_own(service.run_async(decision))
    assert [c.file_id for c in refused.value.candidates] == [file_id]
    confirmed = replace(request, identity_decision=IdentityDecision(confirmed_file_id=file_id))
    receipt = run_on_a_loop_of_its_own(service.run_async(service.entry_decision(GUARD, confirmed)))
    assert receipt.file_id == file_id


def test_art_27_a_serving_process_fills_its_biometric_index_before_serving(
    tmp_path: Path, clock: FixedClock
) -> None:
    """EES Art 27: the faces already on file are searchable 1:N from the first crossing."""
    services = build_services(settings_in(tmp_path), clock)
    try:
        services.ees_store.close()  # written below through a store of its own
        other = SqlEesStore(services.engine)
        with other.unit_of_work(write=True) as uow:
            uow.ees.put_crossing_point(AIRPORT)
        EesService(other, clock, TemplateVerifier()).record_entry(GUARD, ADA.at())
        other.close()
        assert len(services.biometric_index) == 0
        assert fill_biometric_index(services) == 1
    finally:
        services.engine.dispose()


def test_art_27_a_decision_never_waits_for_the_index_a_starting_server_loads(
    store: EesStore, clock: FixedClock
) -> None:
    """A starting server loads its 1:N index on a thread of its own: meanwhile a decision
    that needs the 1:N search answers 503 (retry), never blocking the committing thread;
    once the index is loaded, the same crossing gets the guard's decision to take."""
    index = CirBiometricIndex(
        SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    )
    service = EesService(store, clock, TemplateVerifier(), SbmsIdentifier(index))
    service.record_entry(GUARD, ADA.at())
    someone_else = replace(ADA.at(), capture=Capture(Traveller(number="Z9999999").templates()))
    release = threading.Event()

    def slow_load() -> None:
        release.wait(timeout=30)
        with store.unit_of_work(write=False) as uow:
            index.sync(uow.identities)

    loader = index.load_in_background(slow_load)
    assert index.loading
    with pytest.raises(BackendUnavailable) as starting:
        service.record_exit(GUARD, someone_else)
    assert "retry" in starting.value.detail
    release.set()
    loader.join(timeout=30)
    assert not index.loading
    assert len(index) == 1
    with pytest.raises(VerificationFailed):
        service.record_exit(GUARD, someone_else)
