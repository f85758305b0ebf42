"""`CirAccessService`: a query per read transaction, over the sBMS, logged (2019/817 Art 20, 22, 24)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import AccessDenied
from limes.db.engine import make_engine
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.access import CirAccessService
from limes.interop.cir.adapters.memory import MemoryIdentityStore
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.adapters.sql_access import SqlAccessLog, SqlIdentityStore
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.cir.errors import ChildUnderTwelve, NoLegalGround, NoStatedPurpose
from limes.interop.cir.logs import AccessLogStore, CirOperation, MemoryAccessLog
from limes.interop.cir.models import SourceSystem, TravelDocument
from limes.interop.cir.police import IdentificationGround, IdentificationRequest
from limes.interop.cir.search import DocumentRef
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.service import SharedBiometricMatchingService
from tests.unit.interop.cir.conftest import NOW, capture, identity_file

MALLORY_PASSPORT = TravelDocument("P", "MM0000001", "FRA")


@dataclass
class Setup:
    service: CirAccessService
    log: AccessLogStore


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def setup(request: pytest.FixtureRequest, clock: FixedClock) -> Iterator[Setup]:
    files = [
        (identity_file("cir-ees-olena", SourceSystem.EES, "Shevchenko"), capture("olena")),
        (identity_file("cir-vis-olena", SourceSystem.VIS, "Shevchenko"), capture("olena")),
        (
            identity_file("cir-vis-mallory", SourceSystem.VIS, "Mallory", (MALLORY_PASSPORT,)),
            capture("mallory"),
        ),
    ]
    index = CirBiometricIndex(
        SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    )
    if request.param == "memory":
        store = MemoryIdentityStore()
        for identity_file_, templates in files:
            store.repository.add(identity_file_, templates)
        log = MemoryAccessLog()
        yield Setup(CirAccessService(store, log, clock, index), log)
        return
    engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
    try:
        with SqlUnitOfWork(engine) as uow:
            repository = SqlIdentityRepository(uow.connection)
            for identity_file_, templates in files:
                repository.add(identity_file_, templates)
        sql_log = SqlAccessLog(engine)
        yield Setup(CirAccessService(SqlIdentityStore(engine), sql_log, clock, index), sql_log)
    finally:
        engine.dispose()


def identification(**changes: object) -> IdentificationRequest:
    values: dict[str, object] = {
        "authority": "FRA-DGPN",
        "purpose": "identity check after a road accident",
        "ground": IdentificationGround.CANNOT_OR_WILL_NOT_COOPERATE,
        "captured_live": True,
        "probes": capture("olena"),
        "estimated_age": 35,
        "user_id": "police",
    }
    values.update(changes)
    return IdentificationRequest(**values)  # type: ignore[arg-type]


def test_an_identification_searches_the_sbms_and_is_logged(setup: Setup, clock: FixedClock) -> None:
    found = setup.service.identify(identification())
    assert [person.system for person in found.persons] == [SourceSystem.EES, SourceSystem.VIS]
    assert found.persons[0].identity.surname.original == "Shevchenko"
    [entry] = setup.log.read()
    assert entry.at == clock.now()
    assert entry.outcome == "identified"
    assert entry.ground == "cannot_or_will_not_cooperate"
    assert entry.result_references == ("cir-ees-olena", "cir-vis-olena")
    assert entry.user_id == "police"


def test_a_refusal_is_logged_though_its_read_transaction_rolls_back(
    setup: Setup, clock: FixedClock
) -> None:
    with pytest.raises(NoLegalGround):
        setup.service.identify(identification(ground="a hunch"))
    clock.advance(timedelta(minutes=1))
    with pytest.raises(ChildUnderTwelve):
        setup.service.identify(identification(estimated_age=9))
    newest, oldest = setup.log.read()
    assert (newest.outcome, newest.at) == ("cir-child-under-twelve", NOW + timedelta(minutes=1))
    assert (oldest.outcome, oldest.ground) == ("cir-no-legal-ground", "a hunch")
    assert newest.result_references == oldest.result_references == ()


def test_a_hit_flag_names_systems_and_is_logged(setup: Setup) -> None:
    flag = setup.service.hit_flag(
        "FRA-DGSI", "investigation 2026/17", document=DocumentRef("AB1234567", "UKR")
    )
    assert flag.systems == (SourceSystem.EES, SourceSystem.VIS)
    by_face = setup.service.hit_flag(
        "FRA-DGSI", "investigation 2026/17", templates=capture("mallory"), user_id="designated"
    )
    assert by_face.systems == (SourceSystem.VIS,)
    with pytest.raises(NoStatedPurpose):
        setup.service.hit_flag("FRA-DGSI", " ", templates=capture("mallory"))
    entries = setup.log.read(operation="hit_flag")
    assert [e.outcome for e in entries] == ["cir-no-stated-purpose", "flagged", "flagged"]
    assert entries[1].result_references == ("cir-vis-mallory",)
    assert entries[1].user_id == "designated"
    assert entries[2].query_fields == ("travel_document",)


def test_a_refusal_before_the_service_is_logged_with_what_was_stated(setup: Setup) -> None:
    refusal = AccessDenied("the role border_guard may not identify")
    setup.service.log_refusal(
        CirOperation.POLICE_IDENTIFICATION,
        refusal,
        authority="FRA-PAF",
        purpose="curiosity",
        query_fields=("biometric:face",),
        user_id="guard",
    )
    [entry] = setup.service.access_log(authority="FRA-PAF")
    assert (entry.operation, entry.outcome, entry.user_id) == (
        "police_identification",
        "access-denied",
        "guard",
    )
    assert entry.query_fields == ("biometric:face",)
    assert setup.service.access_log(operation=CirOperation.HIT_FLAG) == []
