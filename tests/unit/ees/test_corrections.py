"""Corrections of the EES record (Art 19, 20, 35), the notice outbox (Art 34) and the
erasure of logs (Art 46(4)), on every store, moving the clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import AccessDenied, InvalidRequest
from limes.core.identity import PartialDate
from limes.ees.corrections import (
    EesCorrections,
    IdentityRectification,
    RecordRectification,
    StayDecisionRequest,
)
from limes.ees.domain.corrections import (
    AdvanceErasureGround,
    InvalidProvenExit,
    InvalidStayDecision,
    NothingToRebut,
    NoticeNotFound,
    NotResponsibleMemberState,
    StayAlreadyEnded,
    StayDecisionKind,
)
from limes.ees.domain.errors import SecondEntryWithoutExit
from limes.ees.domain.models import Direction, EntryExitRecord, EvidenceKind, RefusalReason
from limes.ees.domain.rules import RetentionAction, add_years
from limes.ees.operations import EesOperations
from limes.ees.outcomes import Actor
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from limes.shortstay import EntriesAllowed
from tests.ees_factories import LAND, Traveller, visa
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()
VIKRAM = Traveller(surname="RAO", given_names="VIKRAM", number="Z7654321", nationality="IND")
IMMIGRATION = Actor("officer-1", "immigration_authority", "FRA-DGEF", "in_territory_check")
CROATIA = Actor("officer-2", "immigration_authority", "HRV-MUP", "in_territory_check")


@pytest.fixture
def corrections(store: EesStore, clock: FixedClock) -> EesCorrections:
    return EesCorrections(store, clock)


def _overstayed(
    service: EesService, operations: EesOperations, clock: FixedClock, days: int = 100
) -> EntryExitRecord:
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    clock.advance(timedelta(days=days))
    assert operations.flag_overstays() == [entry.record_id]
    return entry


# --- Art 20: rebuttal -------------------------------------------------------------------


def test_art20_a_rebuttal_sets_the_missing_exit_and_clears_the_overstay(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    store: EesStore,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock)
    left = entry.entry_at.date() + timedelta(days=30)
    rebutted = corrections.rebut(
        IMMIGRATION,
        entry.record_id,
        EvidenceKind.BOARDING_PASS,
        "Boarding pass Oslo-Toronto, AC 821",
        left,
    )
    stored = peek(store).ees.get_entry(entry.record_id)
    assert stored.exit_at == rebutted.exit_at
    assert stored.exit_at.date() == left
    assert stored.exit_at.hour == 12  # the same day in every time zone
    assert stored.exit_by_rebuttal
    assert stored.exit_crossing_point is None
    assert stored.rebuttal_kind is EvidenceKind.BOARDING_PASS
    assert stored.rebuttal == "Boarding pass Oslo-Toronto, AC 821"
    assert stored.overstay_from is None  # left within the authorised stay
    assert operations.overstayers(GUARD) == []
    assert operations.flag_overstays() == []  # the detection does not set it again
    assert peek(store).ees.get_file(entry.file_id).last_exit_or_refusal == left
    [log] = [e for e in peek(store).ees.access_log() if e.operation == "rebut_overstay"]
    assert log.query == {
        "record_id": entry.record_id,
        "evidence": "boarding_pass",
        "exit_on": left.isoformat(),
    }
    assert log.user_id == IMMIGRATION.user_id


def test_art20_a_proven_exit_after_the_authorised_stay_keeps_the_overstay_of_the_days_between(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock)
    left = entry.authorised_stay_until + timedelta(days=4)
    rebutted = corrections.rebut(
        GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "Exit stamp of Serbia", left
    )
    assert rebutted.overstay_from == entry.authorised_stay_until + timedelta(days=1)
    assert rebutted.exit_at is not None
    assert rebutted.exit_at.date() == left


def test_art20_art34_retention_counts_from_the_proven_exit(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    store: EesStore,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock)
    left = entry.entry_at.date() + timedelta(days=10)
    corrections.rebut(GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "Stamp", left)
    clock.set(clock.now().replace(year=left.year + 3, month=left.month, day=left.day))
    report = operations.run_retention()  # three years after the exit, not five (Art 34(3))
    assert report.count(RetentionAction.ERASE_RECORD) == 1
    assert report.count(RetentionAction.NOTIFY_OVERSTAYER_ERASURE) == 0
    assert peek(store).ees.entries(entry.file_id) == []


def test_art20_the_next_entry_counts_the_stay_up_to_the_proven_exit(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock, days=100)
    with pytest.raises(SecondEntryWithoutExit):  # the missing exit blocks the next entry
        service.record_entry(GUARD, ADA.at())
    left = entry.entry_at.date() + timedelta(days=19)  # 20 days counted
    corrections.rebut(GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "Stamp", left)
    receipt = service.record_entry(GUARD, ADA.at())
    assessment = receipt.check.assessment
    assert assessment is not None
    assert assessment.days_used == 20
    assert assessment.earlier_overstays == 0


def test_art20_no_rebuttal_while_the_authorised_stay_runs(
    service: EesService, corrections: EesCorrections, clock: FixedClock
) -> None:
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    clock.advance(timedelta(days=89))  # the last day of the authorised stay
    with pytest.raises(NothingToRebut) as running:
        corrections.rebut(GUARD, entry.record_id, EvidenceKind.OTHER, "x", clock.today())
    assert running.value.errors[0].reason == "no overstay presumed"


def test_art20_a_rebuttal_refuses_an_exit_that_cannot_be(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock)
    before_entry = entry.entry_at.date() - timedelta(days=1)
    with pytest.raises(InvalidProvenExit) as early:
        corrections.rebut(GUARD, entry.record_id, EvidenceKind.OTHER, "x", before_entry)
    assert early.value.errors[0].field == "exit_on"
    with pytest.raises(InvalidProvenExit):
        corrections.rebut(
            GUARD, entry.record_id, EvidenceKind.OTHER, "x", clock.today() + timedelta(days=1)
        )
    corrections.rebut(GUARD, entry.record_id, EvidenceKind.OTHER, "x", clock.today())
    with pytest.raises(NothingToRebut):  # the exit is now on record
        corrections.rebut(GUARD, entry.record_id, EvidenceKind.OTHER, "y", clock.today())


# --- Art 19: extension, revocation, annulment -----------------------------------------


def _extension(new_until: date, decided_on: date) -> StayDecisionRequest:
    return StayDecisionRequest(
        kind=StayDecisionKind.EXTENDED,
        decided_on=decided_on,
        place="Paris",
        grounds="Force majeure: hospitalised (Reg. (EC) No 810/2009 Art 33(1))",
        new_until=new_until,
    )


def test_art19_an_extended_stay_is_no_longer_flagged_as_an_overstay(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    store: EesStore,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock, days=91)
    new_until = entry.authorised_stay_until + timedelta(days=20)
    extended, decision = corrections.decide_stay(
        IMMIGRATION, entry.record_id, _extension(new_until, clock.today())
    )
    assert extended.authorised_stay_until == new_until
    assert extended.overstay_from is None  # the flag set before is cleared
    assert operations.overstayers(GUARD) == []
    clock.advance(timedelta(days=10))
    assert operations.flag_overstays() == []  # and not set again within the extension
    assert decision.authority == "FRA-DGEF"
    assert decision.previous_until == entry.authorised_stay_until
    assert decision.new_until == new_until
    assert peek(store).ees.stay_decisions(entry.file_id) == [decision]
    # An exit within the extension is no overstay (Art 11(3)).
    closed = service.record_exit(GUARD, ADA.at()).entry
    assert closed is not None
    assert closed.overstay_from is None


def test_art19_a_stay_left_within_its_extension_is_no_earlier_overstay_at_the_next_entry(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    """EES Art 19(1), 12: days past 90 in 180 that an extension covered are no overstay."""
    entry = _overstayed(service, operations, clock, days=91)
    new_until = entry.authorised_stay_until + timedelta(days=20)
    corrections.decide_stay(IMMIGRATION, entry.record_id, _extension(new_until, clock.today()))
    clock.advance(timedelta(days=5))
    assert service.record_exit(GUARD, ADA.at()).entry is not None
    clock.advance(timedelta(days=200))
    check = service.check(GUARD, ADA.at(), Direction.ENTRY)
    assert check.assessment is not None
    assert check.assessment.earlier_overstays == 0
    assert not any("overstay" in warning for warning in check.warnings)


def test_art12_a_stay_left_after_its_end_is_an_earlier_overstay_at_the_next_entry(
    service: EesService, operations: EesOperations, clock: FixedClock
) -> None:
    """EES Art 12: without an extension the same stay is an overstay on record."""
    _overstayed(service, operations, clock, days=96)
    assert service.record_exit(GUARD, ADA.at()).entry is not None
    clock.advance(timedelta(days=200))
    check = service.check(GUARD, ADA.at(), Direction.ENTRY)
    assert check.assessment is not None
    assert check.assessment.earlier_overstays == 1


def test_art19_the_detection_flags_an_extended_stay_once_its_new_end_has_passed(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    new_until = entry.authorised_stay_until + timedelta(days=5)
    corrections.decide_stay(IMMIGRATION, entry.record_id, _extension(new_until, clock.today()))
    clock.set(clock.now() + (new_until - clock.today()))
    assert operations.flag_overstays() == []
    clock.advance(timedelta(days=1))
    assert operations.flag_overstays() == [entry.record_id]


def test_art19_an_extended_visa_gets_its_new_sticker_and_validity(
    service: EesService, corrections: EesCorrections, clock: FixedClock
) -> None:
    today = clock.today()
    sticker = visa(
        "VFRA0042",
        valid_from=today,
        valid_until=today + timedelta(days=20),
        days=15,
        entries=EntriesAllowed.ONE,
    )
    entry = service.record_entry(GUARD, VIKRAM.at(visa=sticker)).entry
    assert entry is not None
    new_until = entry.authorised_stay_until + timedelta(days=30)
    request = StayDecisionRequest(
        kind=StayDecisionKind.EXTENDED,
        decided_on=today,
        place="Lyon",
        grounds="Serious personal reasons (Visa Code Art 33(2))",
        new_until=new_until,
        visa_sticker_number="VFRA0077",
    )
    extended, decision = corrections.decide_stay(IMMIGRATION, entry.record_id, request)
    assert extended.visa is not None
    assert extended.visa.sticker_number == "VFRA0077"
    assert extended.visa.valid_until == new_until
    assert decision.visa_sticker_number == "VFRA0077"


def test_art19_a_revoked_stay_ends_on_the_decision_and_is_then_flagged(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    today = clock.today()
    sticker = visa(valid_from=today, valid_until=today + timedelta(days=60), days=60)
    entry = service.record_entry(GUARD, VIKRAM.at(visa=sticker)).entry
    assert entry is not None
    clock.advance(timedelta(days=10))
    request = StayDecisionRequest(
        kind=StayDecisionKind.REVOKED,
        decided_on=clock.today(),
        place="Paris",
        grounds="No longer has means of subsistence",
        revocation_reasons=(RefusalReason.G,),
    )
    revoked, decision = corrections.decide_stay(IMMIGRATION, entry.record_id, request)
    assert revoked.authorised_stay_until == clock.today()
    assert revoked.visa is not None
    assert revoked.visa.valid_until == clock.today()
    assert decision.kind is StayDecisionKind.REVOKED
    assert decision.revocation_reasons == (RefusalReason.G,)
    assert operations.flag_overstays() == []
    clock.advance(timedelta(days=1))
    assert operations.flag_overstays() == [entry.record_id]


def test_art19_decisions_that_do_not_fit_the_record_are_refused(
    service: EesService,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    entry = service.record_entry(GUARD, ADA.at()).entry
    assert entry is not None
    with pytest.raises(InvalidStayDecision) as shorter:
        corrections.decide_stay(
            IMMIGRATION, entry.record_id, _extension(entry.authorised_stay_until, clock.today())
        )
    assert shorter.value.errors[0].field == "new_until"
    with pytest.raises(InvalidStayDecision) as future:
        corrections.decide_stay(
            IMMIGRATION,
            entry.record_id,
            _extension(entry.authorised_stay_until + timedelta(days=3), date(2030, 1, 1)),
        )
    assert future.value.errors[0].field == "decided_on"
    clock.advance(timedelta(days=3))
    service.record_exit(GUARD, ADA.at())
    with pytest.raises(StayAlreadyEnded):
        corrections.decide_stay(
            IMMIGRATION,
            entry.record_id,
            _extension(entry.authorised_stay_until + timedelta(days=3), clock.today()),
        )


# --- Art 35: rectification and advance erasure ----------------------------------------


def test_art35_the_member_state_responsible_rectifies_a_record_and_it_is_logged(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    store: EesStore,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock)
    with pytest.raises(NotResponsibleMemberState):  # entered in France, not Croatia
        corrections.rectify_record(
            CROATIA, entry.record_id, RecordRectification(entry_crossing_point=LAND.code)
        )
    exit_at = entry.entry_at + timedelta(days=12)
    rectified = corrections.rectify_record(
        IMMIGRATION, entry.record_id, RecordRectification(exit_at=exit_at)
    )
    assert rectified.exit_at == exit_at
    assert rectified.overstay_from is None  # within the authorised stay
    assert peek(store).ees.get_file(entry.file_id).last_exit_or_refusal == exit_at.date()
    log = peek(store).ees.access_log()[-1]
    assert log.operation == "rectify_record"
    assert log.query == {"exit_at": f" -> {exit_at.isoformat()}"}
    with pytest.raises(InvalidRequest):
        corrections.rectify_record(
            IMMIGRATION, entry.record_id, RecordRectification(exit_at=entry.entry_at - timedelta(1))
        )


def test_art35_identity_data_are_rectified_in_the_cir(
    service: EesService, corrections: EesCorrections, store: EesStore
) -> None:
    receipt = service.record_entry(GUARD, ADA.at())
    with pytest.raises(NotResponsibleMemberState):
        corrections.rectify_identity(
            CROATIA, receipt.file_id, IdentityRectification(surname="OKAFOR-BELL")
        )
    corrected = corrections.rectify_identity(
        IMMIGRATION,
        receipt.file_id,
        IdentityRectification(surname="OKAFOR-BELL", date_of_birth=PartialDate(1985, 3, 15)),
    )
    assert corrected.identity.surname.original == "OKAFOR-BELL"
    cir = peek(store).identities.get(corrected.cir_id)
    assert cir.identity.surname.original == "OKAFOR-BELL"
    assert cir.identity.date_of_birth == PartialDate(1985, 3, 15)
    log = peek(store).ees.access_log()[-1]
    assert log.operation == "rectify_identity"
    assert log.query["surname"] == "OKAFOR -> OKAFOR-BELL"
    assert log.query["date_of_birth"] == "1985-03-14 -> 1985-03-15"


def test_art35_advance_erasure_removes_the_file_from_the_ees_and_the_cir(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    store: EesStore,
    clock: FixedClock,
) -> None:
    receipt = service.record_entry(GUARD, ADA.at())
    cir_id = peek(store).ees.get_file(receipt.file_id).cir_id
    with pytest.raises(InvalidRequest):
        corrections.erase_in_advance(
            IMMIGRATION, receipt.file_id, AdvanceErasureGround.RESIDENCE_PERMIT, " "
        )
    with pytest.raises(AccessDenied):
        corrections.erase_in_advance(
            Actor("x", "administrator", "EU-LISA", "system_administration"),
            receipt.file_id,
            AdvanceErasureGround.NATIONALITY,
            "Naturalisation decree",
        )
    corrections.erase_in_advance(
        IMMIGRATION,
        receipt.file_id,
        AdvanceErasureGround.RESIDENCE_PERMIT,
        "Residence permit FR-2026-0042 issued on 2026-05-01",
    )
    assert peek(store).ees.get_file(receipt.file_id) is None
    assert peek(store).ees.entries(receipt.file_id) == []
    assert peek(store).identities.get(cir_id) is None
    log = peek(store).ees.access_log()[-1]
    assert log.operation == "erase_in_advance"
    assert log.query["ground"] == "residence_permit"
    assert log.query["member_state"] == "FRA"
    # The logs of the file go one year after its erasure (Art 46(4)).
    assert operations.erase_logs() == 0
    clock.set(clock.now().replace(year=clock.now().year + 1) - timedelta(days=1))
    assert operations.erase_logs() == 0
    clock.advance(timedelta(days=1))
    assert operations.erase_logs() == 2  # the entry and the erasure
    assert peek(store).ees.access_log() == []


# --- Art 34: the notice outbox, Art 46(4): logs -------------------------------------------


def test_art34_the_member_state_responsible_gets_the_notice_and_acknowledges_it(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock, days=120)
    end = entry.authorised_stay_until
    erase_on = add_years(end, 5)
    clock.set(clock.now().replace(year=erase_on.year, month=erase_on.month, day=erase_on.day))
    clock.set(clock.now() - timedelta(days=85))
    report = operations.run_retention()
    assert report.count(RetentionAction.NOTIFY_OVERSTAYER_ERASURE) == 1
    [notice] = corrections.notices(IMMIGRATION)
    assert notice.member_state == "FRA"  # the entry was recorded at Paris CDG
    assert notice.record_id == entry.record_id
    assert notice.erasure_on == erase_on
    assert notice.acknowledged_at is None
    assert corrections.notices(CROATIA) == []
    with pytest.raises(NoticeNotFound):  # not addressed to Croatia
        corrections.acknowledge(CROATIA, notice.notice_id)
    read = corrections.acknowledge(IMMIGRATION, notice.notice_id)
    assert read.acknowledged_by == IMMIGRATION.user_id
    assert corrections.acknowledge(IMMIGRATION, notice.notice_id) == read  # once
    assert corrections.notices(IMMIGRATION, pending_only=True) == []
    assert corrections.notices(IMMIGRATION) == [read]


def test_art46_logs_go_one_year_after_retention_erased_their_file(
    service: EesService,
    operations: EesOperations,
    store: EesStore,
    clock: FixedClock,
) -> None:
    service.record_entry(GUARD, ADA.at())
    clock.advance(timedelta(days=10))
    service.record_exit(GUARD, ADA.at())
    service.record_entry(
        GUARD,
        VIKRAM.at(
            visa=visa(valid_from=clock.today(), valid_until=clock.today() + timedelta(days=90))
        ),
    )
    exit_day = clock.today()
    erased_on = add_years(exit_day, 3) + timedelta(days=1)
    clock.set(clock.now().replace(year=erased_on.year, month=erased_on.month, day=erased_on.day))
    assert operations.run_retention().count(RetentionAction.ERASE_FILE) == 1
    logs = len(peek(store).ees.access_log())
    assert operations.erase_logs() == 0  # kept one year after their data
    clock.set(clock.now().replace(year=erased_on.year + 1))
    assert operations.erase_logs(chunk=1) == 2  # Ada's entry and exit, one per transaction
    remaining = peek(store).ees.access_log()
    assert len(remaining) == logs - 2
    assert all(e.operation != "record_exit" for e in remaining)
    assert {e.operation for e in remaining} == {"record_entry"}  # Vikram's file is kept


def test_art46_a_log_that_names_no_single_file_goes_six_years_on(
    operations: EesOperations, store: EesStore, clock: FixedClock
) -> None:
    operations.put_crossing_point(GUARD, LAND.code, ees_active=True)
    operations.overstayers(GUARD)
    clock.set(clock.now().replace(year=clock.now().year + 6) - timedelta(days=1))
    assert operations.erase_logs() == 0
    clock.advance(timedelta(days=1))
    assert operations.erase_logs() == 2
    assert peek(store).ees.access_log() == []


def test_art35_rectifying_an_exit_set_by_rebuttal_unmarks_it(
    service: EesService,
    operations: EesOperations,
    corrections: EesCorrections,
    store: EesStore,
    clock: FixedClock,
) -> None:
    entry = _overstayed(service, operations, clock)
    left = entry.entry_at.date() + timedelta(days=10)
    corrections.rebut(GUARD, entry.record_id, EvidenceKind.EXIT_STAMP, "Stamp", left)
    later = entry.entry_at + timedelta(days=95)
    rectified = corrections.rectify_record(
        IMMIGRATION, entry.record_id, RecordRectification(exit_at=later)
    )
    assert not rectified.exit_by_rebuttal
    assert rectified.overstay_from == entry.authorised_stay_until + timedelta(days=1)
    assert peek(store).ees.get_file(entry.file_id).last_exit_or_refusal == later.date()
