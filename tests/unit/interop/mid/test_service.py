"""The online multiple-identity detector over a real database (SQLite, then PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.clock import FixedClock
from limes.core.errors import NotFound
from limes.core.identity import Name, PartialDate
from limes.db.engine import make_engine
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from limes.interop.mid.adapters.sql import SqlMidStore
from limes.interop.mid.detector import Blocking
from limes.interop.mid.domain.errors import (
    ColourNotAllowed,
    JustificationRequired,
    LinkAlreadyDecided,
    NotResponsibleAuthority,
)
from limes.interop.mid.domain.models import (
    AuthorityKind,
    LinkColour,
    RecordRef,
    ResponsibleAuthority,
)
from limes.interop.mid.linking import IndexedRecord
from limes.interop.mid.ports import StoredRecord
from limes.interop.mid.service import MidService
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.service import SharedBiometricMatchingService
from limes.matching.identity import IdentityRecord

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEVICE = SyntheticBiometrics(seed=2019)
BORDER = "border_authority"
BORN = PartialDate(1987, 4, 30)


def face(person: str) -> BiometricTemplate:
    return DEVICE.capture(person, Modality.FACE, quality=80)


def identity_file(
    cir_id: str,
    surname: str,
    given: str = "OLENA",
    *,
    system: SourceSystem = SourceSystem.EES,
    document: str = "FA1234567",
    born: PartialDate | None = BORN,
) -> IdentityFile:
    return IdentityFile(
        cir_id=cir_id,
        system=system,
        source_reference=f"ref-{cir_id}",
        identity=IdentityData(
            surname=Name.of(surname),
            given_names=Name.of(given),
            date_of_birth=born,
            sex="F",
            nationalities=("UKR",),
        ),
        documents=(TravelDocument("P", document, "UKR", date(2031, 5, 31)),),
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    sql_engine = make_engine(database_url)
    try:
        yield sql_engine
    finally:
        sql_engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def new_service(engine: Engine, clock: FixedClock) -> MidService:
    sbms = SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    return MidService(SqlMidStore(engine), clock, CirBiometricIndex(sbms))


@pytest.fixture
def mid(engine: Engine, clock: FixedClock) -> MidService:
    return new_service(engine, clock)


def store(engine: Engine, *files: tuple[IdentityFile, tuple[BiometricTemplate, ...]]) -> None:
    with SqlUnitOfWork(engine) as uow:
        repository = SqlIdentityRepository(uow.connection)
        for identity, templates in files:
            repository.add(identity, templates)


def test_a_resembling_identity_gets_a_yellow_link_with_its_reasons(
    engine: Engine, mid: MidService
) -> None:
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()))
    assert mid.detect_changes().links == ()
    store(engine, (identity_file("C2", "KOVALENKA", document="FB7654321"), ()))
    report = mid.detect_changes()
    assert report.changes == 1
    assert report.records == 1
    (link,) = report.links
    assert link.colour is LinkColour.YELLOW
    assert (link.a.record_id, link.b.record_id) == ("C1", "C2")
    assert link.responsible_authority == BORDER
    assert link.reasons[-1].startswith("Yellow link, Art 30")
    assert any(r.startswith("surname") or "names" in r for r in link.reasons)
    assert mid.links_of("C2") == [link]
    (pending,) = mid.pending()
    assert pending.link == link
    assert pending.deadline == NOW + timedelta(hours=8)
    assert not pending.overdue


def test_the_member_state_that_wrote_the_file_verifies_its_links(
    engine: Engine, mid: MidService
) -> None:
    """Art 29(1)(a): the border authority of the state that recorded the EES data."""
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()))
    mid.detect_changes()
    croatian = replace(identity_file("C2", "KOVALENKA", document="FB7654321"), member_state="HRV")
    store(engine, (croatian, ()))
    (link,) = mid.detect_changes().links
    assert link.responsible_authority == "border_authority:HRV"
    croatia = ResponsibleAuthority(AuthorityKind.BORDER, "HRV")
    france = ResponsibleAuthority(AuthorityKind.BORDER, "FRA")
    assert [p.link for p in mid.pending(croatia)] == [link]
    assert mid.count_pending(croatia) == 1
    assert mid.pending(france) == []
    assert mid.count_pending(france) == 0
    assert [p.link for p in mid.pending()] == [link]
    with pytest.raises(NotResponsibleAuthority):
        mid.decide(
            link.link_id,
            LinkColour.GREEN,
            decided_by="guard",
            authority=france.code,
            justification="",
            expected_colour=LinkColour.YELLOW,
        )
    decided = mid.decide(
        link.link_id,
        LinkColour.GREEN,
        decided_by="guard-land",
        authority=croatia.code,
        justification="",
        expected_colour=LinkColour.YELLOW,
    )
    assert decided.colour is LinkColour.GREEN


def test_nothing_is_detected_twice(engine: Engine, mid: MidService) -> None:
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()))
    store(engine, (identity_file("C2", "KOVALENKA", document="FB7654321"), ()))
    assert len(mid.detect_changes().links) == 1
    assert mid.detect_changes().changes == 0
    with SqlUnitOfWork(engine) as uow:  # an update detects again, but links no pair twice
        SqlIdentityRepository(uow.connection).update(
            "C2",
            identity_file("C2", "KOVALENKA").identity,
            [TravelDocument("P", "FB7654321", "UKR")],
            NOW,
        )
    report = mid.detect_changes()
    assert report.records == 1
    assert report.links == ()
    assert len(mid.links_of("C1")) == 1


def test_different_people_are_not_linked(engine: Engine, mid: MidService) -> None:
    store(
        engine,
        (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()),
        (identity_file("C2", "NAKAMURA", "HIROSHI", document="TK0000001"), ()),
    )
    report = mid.detect_changes()
    assert report.records == 2
    assert report.links == ()


def test_the_same_identity_and_document_in_two_systems_is_white_and_filed(
    engine: Engine, mid: MidService
) -> None:
    store(engine, (identity_file("C1", "KOVALENKO"), ()))
    store(engine, (identity_file("V1", "KOVALENKO", system=SourceSystem.VIS), ()))
    (link,) = mid.detect_changes().links
    assert link.colour is LinkColour.WHITE
    assert "Art 33(1)(b)" in link.reasons[-1]
    case = mid.case(link.link_id)
    assert case.deadline is None
    assert case.identity_confirmation_file is not None
    assert case.identity_confirmation_file.links == (link,)
    assert mid.pending() == []


def test_the_same_face_under_another_name_is_found_through_the_sbms(
    engine: Engine, mid: MidService
) -> None:
    """The fraud case: no blocking key is shared, only the face (Art 27(1), 30)."""
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), (face("p1"),)))
    store(engine, (identity_file("C2", "NAKAMURA", "HIROSHI", document="TK0000001"), (face("p1"),)))
    (link,) = mid.detect_changes().links
    assert link.colour is LinkColour.YELLOW
    assert any("biometrics: same" in r for r in link.reasons)
    assert "same biometric data" in link.reasons[-1]


def test_another_process_finds_faces_detected_elsewhere(
    engine: Engine, mid: MidService, clock: FixedClock
) -> None:
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), (face("p1"),)))
    mid.detect_changes()
    other = new_service(engine, clock)
    assert other.load_biometrics() == 1
    store(engine, (identity_file("C2", "NAKAMURA", "HIROSHI", document="TK0000001"), (face("p1"),)))
    (link,) = other.detect_changes().links
    assert {link.a.record_id, link.b.record_id} == {"C1", "C2"}


def test_a_decision_turns_the_link_and_a_second_one_is_refused_with_the_state(
    engine: Engine, mid: MidService, clock: FixedClock
) -> None:
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()))
    store(engine, (identity_file("C2", "KOVALENKA", document="FB7654321"), ()))
    (link,) = mid.detect_changes().links
    clock.advance(timedelta(hours=1))
    green = mid.decide(
        link.link_id,
        LinkColour.GREEN,
        decided_by="guard",
        authority=BORDER,
        justification="two sisters",
        expected_colour=LinkColour.YELLOW,
    )
    assert green.colour is LinkColour.GREEN
    assert green.verification is not None
    assert green.verification.decided_by == "guard"
    stored = mid.case(link.link_id)
    assert stored.link == green
    assert stored.identity_confirmation_file is not None
    assert mid.pending() == []
    with pytest.raises(LinkAlreadyDecided, match="already decided green by guard"):
        mid.decide(
            link.link_id,
            LinkColour.RED,
            decided_by="guard-land",
            authority=BORDER,
            justification="fraud",
            expected_colour=LinkColour.YELLOW,
        )
    assert mid.case(link.link_id).link == green


def test_decisions_are_checked_before_anything_is_stored(engine: Engine, mid: MidService) -> None:
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()))
    store(engine, (identity_file("C2", "KOVALENKA", document="FB7654321"), ()))
    (link,) = mid.detect_changes().links
    with pytest.raises(NotResponsibleAuthority):
        mid.decide(
            link.link_id,
            LinkColour.GREEN,
            decided_by="officer",
            authority="visa_authority",
            justification="",
            expected_colour=LinkColour.YELLOW,
        )
    with pytest.raises(JustificationRequired):
        mid.decide(
            link.link_id,
            LinkColour.RED,
            decided_by="guard",
            authority=BORDER,
            justification=" ",
            expected_colour=LinkColour.YELLOW,
        )
    with pytest.raises(NotFound):
        mid.decide(
            "L-none",
            LinkColour.GREEN,
            decided_by="guard",
            authority=BORDER,
            justification="",
            expected_colour=LinkColour.YELLOW,
        )
    assert mid.case(link.link_id).link == link


def test_an_erased_file_takes_its_links_and_its_place_in_the_file(
    engine: Engine, mid: MidService
) -> None:
    store(engine, (identity_file("C1", "KOVALENKO"), (face("p1"),)))
    store(engine, (identity_file("V1", "KOVALENKO", system=SourceSystem.VIS), (face("p1"),)))
    (link,) = mid.detect_changes().links
    assert link.colour is LinkColour.WHITE
    with SqlUnitOfWork(engine) as uow:
        SqlIdentityRepository(uow.connection).erase("V1", NOW)
    report = mid.detect_changes()
    assert report.erased == 1
    assert mid.links_of("C1") == []
    with pytest.raises(NotFound):
        mid.case(link.link_id)
    # The face left the sBMS too: a new record with it links to no one.
    store(engine, (identity_file("C3", "NAKAMURA", "HIROSHI", document="TK0000001"), (face("p2"),)))
    assert mid.detect_changes().links == ()


def test_a_placeholder_date_of_birth_alone_links_no_one(engine: Engine, mid: MidService) -> None:
    store(
        engine,
        (
            identity_file("C1", "KOVALENKO", born=PartialDate(1987, 1, 1), system=SourceSystem.VIS),
            (),
        ),
        (
            identity_file(
                "C2", "NAKAMURA", "HIROSHI", document="TK01", born=PartialDate(1987, 1, 1)
            ),
            (),
        ),
    )
    assert mid.detect_changes().links == ()


def test_candidates_come_only_from_the_keys_the_service_is_given(
    engine: Engine, clock: FixedClock
) -> None:
    by_document = MidService(
        SqlMidStore(engine),
        clock,
        blocking=Blocking(lambda identity: {f"doc:{identity.doc_number}"}, {"doc": 50}),
    )
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ()))
    store(engine, (identity_file("C2", "KOVALENKA", document="FB7654321"), ()))
    report = by_document.detect_changes()
    assert report.links == ()
    assert report.comparisons == 0


def stored_record(record_id: str, surname: str) -> StoredRecord:
    ref = RecordRef(SourceSystem.EES.value, record_id)
    return StoredRecord(IndexedRecord(ref, IdentityRecord(surname, "OLENA")), False)


def test_blocks_over_the_cap_are_skipped_and_candidates_read_with_their_records(
    engine: Engine,
) -> None:
    with SqlMidStore(engine).unit_of_work(write=True) as uow:
        for record_id, keys in (
            ("R3", ["sn:common", "dob:x"]),
            ("R1", ["sn:common", "dob:x"]),
            ("R2", ["sn:common"]),
            ("R4", ["doc:y"]),
        ):
            uow.mid.put_record(stored_record(record_id, "KOVALENKO"), keys, NOW)
    with SqlMidStore(engine).unit_of_work(write=True) as uow:
        # Key order first, then record-id order within a block; a block holding as
        # many records as its key's cap is full: "sn:common" holds 3.
        found = uow.mid.candidates({"sn:common": 3, "dob:x": 3, "doc:y": 3, "doc:none": 3})
        assert found == (["R1", "R3", "R4"], 1)
        assert uow.mid.candidates({"sn:common": 4, "dob:x": 2}) == (["R1", "R2", "R3"], 1)
        assert uow.mid.candidates({}) == ([], 0)
        # Records read with the candidates are forgotten when one is written.
        uow.mid.put_record(stored_record("R1", "NAKAMURA"), ["dob:x"], NOW)
        assert uow.mid.remove_record("R4")
        held = uow.mid.records(["R4", "R1", "R3"])
        assert [(s.record.ref.record_id, s.record.identity.surname) for s in held] == [
            ("R1", "NAKAMURA"),
            ("R3", "KOVALENKO"),
        ]


def test_a_budget_ends_a_batch_early_and_the_lag_follows_the_log(
    engine: Engine, clock: FixedClock
) -> None:
    ticks = iter(range(1_000))
    sbms = SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    mid = MidService(
        SqlMidStore(engine),
        clock,
        CirBiometricIndex(sbms),
        wall_clock=clock,
        timer=lambda: float(next(ticks)),  # every reading of the timer is a second later
    )
    store(
        engine,
        (identity_file("cir-1", "KOVALENKO", system=SourceSystem.VIS), ()),
        (identity_file("cir-2", "PETRENKO", document="FB7654321"), ()),
        (identity_file("cir-3", "KOVALENKO", document="FC1111111"), ()),
    )
    clock.advance(timedelta(seconds=30))
    lag = mid.detection_lag()
    assert (lag.pending_changes, lag.oldest_pending_seconds, lag.last_run_at) == (3, 30.0, None)
    assert mid.identity_check("cir-1").pending

    first = mid.detect_changes(budget=0.5)
    assert first.changes == 1  # the budget was spent after one file
    assert not mid.identity_check("cir-1").pending
    assert mid.identity_check("cir-3").pending
    lag = mid.detection_lag()
    assert (lag.pending_changes, lag.last_run_at, lag.recent_files) == (2, clock.now(), 1)

    assert mid.detect_changes(budget=0.5).changes == 1
    third = mid.detect_changes(budget=0.5)
    assert third.changes == 1
    assert len(third.links) == 1  # cir-3 resembles cir-1, detected one batch earlier
    check = mid.identity_check("cir-3")
    assert not check.pending
    assert [link.link_id for link in check.links] == [third.links[0].link_id]
    assert mid.detect_changes(budget=0.5).changes == 0
    lag = mid.detection_lag()
    assert lag.caught_up
    assert lag.recent_files == 3


def test_art_33_1_d_a_white_decision_without_the_same_biometrics_is_refused(
    engine: Engine, mid: MidService
) -> None:
    """Art 33(1)(d): the officer cannot make white a link whose biometrics differ."""
    store(engine, (identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), (face("p1"),)))
    store(engine, (identity_file("C2", "KOVALENKO"), (face("p2"),)))
    (link,) = mid.detect_changes().links
    assert link.colour is LinkColour.YELLOW
    with pytest.raises(ColourNotAllowed, match="same biometric data"):
        mid.decide(
            link.link_id,
            LinkColour.WHITE,
            decided_by="guard",
            authority=BORDER,
            justification="looks alike",
            expected_colour=LinkColour.YELLOW,
        )
    assert mid.case(link.link_id).link.colour is LinkColour.YELLOW
    green = mid.decide(
        link.link_id,
        LinkColour.GREEN,
        decided_by="guard",
        authority=BORDER,
        justification="two persons, one name",
        expected_colour=LinkColour.YELLOW,
    )
    assert green.colour is LinkColour.GREEN
