"""Police identification in the CIR (Reg. (EU) 2019/817 Art 20) and its logs (Art 24)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import AccessDenied, DomainError, InvalidRequest
from limes.core.identity import PartialDate
from limes.interop.cir.biometric_index import CirBiometricIndex, SbmsSearcher
from limes.interop.cir.errors import (
    ChildUnderTwelve,
    EmptyQuery,
    NoLegalGround,
    NoStatedPurpose,
    NotCapturedLive,
)
from limes.interop.cir.logs import MemoryAccessLog
from limes.interop.cir.models import Modality, SourceSystem, TravelDocument
from limes.interop.cir.police import (
    IdentificationGround,
    IdentificationRequest,
    IdentifiedPerson,
    PoliceIdentification,
    youngest_age,
)
from limes.interop.cir.ports import IdentityRepository
from limes.interop.cir.search import DocumentRef
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.service import SharedBiometricMatchingService
from tests.unit.interop.cir.conftest import NOW, PASSPORT, capture, identity_file

MALLORY_PASSPORT = TravelDocument("P", "MM0000001", "FRA")


def request(**changes: object) -> IdentificationRequest:
    base = IdentificationRequest(
        authority="FRA-police-Lyon",
        purpose="identity check after a road accident",
        ground=IdentificationGround.NO_DOCUMENT,
        captured_live=True,
        probes=capture("olena"),
        estimated_age=35,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(params=["repository-search", "sbms-search"])
def service(
    request: pytest.FixtureRequest,
    repository: IdentityRepository,
    log: MemoryAccessLog,
    clock: FixedClock,
) -> PoliceIdentification:
    repository.add(identity_file("cir-ees-olena", SourceSystem.EES, "Shevchenko"), capture("olena"))
    repository.add(
        identity_file("cir-vis-mallory", SourceSystem.VIS, "Mallory", (MALLORY_PASSPORT,)),
        capture("mallory"),
    )
    if request.param == "repository-search":
        return PoliceIdentification(repository, log, clock)
    sbms = SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    searcher = SbmsSearcher(CirBiometricIndex(sbms), repository)
    return PoliceIdentification(repository, log, clock, searcher)


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "error", "kind", "code"),
    [
        ({"ground": None}, NoLegalGround, AccessDenied, "cir-no-legal-ground"),
        ({"ground": "curiosity"}, NoLegalGround, AccessDenied, "cir-no-legal-ground"),
        ({"captured_live": False}, NotCapturedLive, InvalidRequest, "cir-not-captured-live"),
        ({"estimated_age": 11}, ChildUnderTwelve, AccessDenied, "cir-child-under-twelve"),
        (
            {"estimated_age": None, "date_of_birth": PartialDate(2015, 1, 1)},
            ChildUnderTwelve,
            AccessDenied,
            "cir-child-under-twelve",
        ),
        ({"estimated_age": None}, EmptyQuery, InvalidRequest, "cir-empty-query"),
        ({"probes": ()}, EmptyQuery, InvalidRequest, "cir-empty-query"),
        ({"purpose": "  "}, NoStatedPurpose, AccessDenied, "cir-no-stated-purpose"),
        ({"authority": ""}, NoStatedPurpose, AccessDenied, "cir-no-stated-purpose"),
    ],
    ids=[
        "no-ground",
        "unknown-ground",
        "not-live",
        "child-by-estimate",
        "child-by-birth-date",
        "no-age",
        "no-probe",
        "no-purpose",
        "no-authority",
    ],
)
def test_a_request_outside_art_20_is_refused_and_logged(
    service: PoliceIdentification,
    log: MemoryAccessLog,
    changes: dict[str, object],
    error: type[DomainError],
    kind: type[DomainError],
    code: str,
) -> None:
    with pytest.raises(error) as caught:
        service.identify(request(**changes))
    assert isinstance(caught.value, kind)
    assert caught.value.code == code
    [entry] = log.entries
    assert entry.operation == "police_identification"
    assert entry.outcome == code
    assert entry.result_references == ()


def test_a_child_under_twelve_is_identified_when_in_the_childs_interest(
    repository: IdentityRepository, service: PoliceIdentification
) -> None:
    child = identity_file("cir-eurodac-child", SourceSystem.EURODAC, "Child", ())
    repository.add(child, capture("child"))
    result = service.identify(
        request(probes=capture("child"), estimated_age=8, in_childs_interest=True)
    )
    assert [person.system for person in result.persons] == [SourceSystem.EURODAC]


def test_the_child_limit_is_twelve_exactly(service: PoliceIdentification) -> None:
    assert service.identify(request(estimated_age=12)).identified
    with pytest.raises(ChildUnderTwelve):
        service.identify(request(estimated_age=None, date_of_birth=PartialDate(2014, 11, 24)))
    born_twelve_years_ago_today = PartialDate(2014, 11, 23)
    assert service.identify(
        request(estimated_age=None, date_of_birth=born_twelve_years_ago_today)
    ).identified


@pytest.mark.parametrize(
    ("estimated", "born", "youngest"),
    [
        (None, PartialDate(2014), 11),  # may be born 31 Dec 2014: still 11 on 23 Nov 2026
        (None, PartialDate(2014, 10), 12),
        (30, PartialDate(2015, 6, 1), 11),  # statements disagree: the younger one counts
        (9, None, 9),
    ],
)
def test_an_unsure_age_is_read_as_the_youngest_it_can_be(
    estimated: int | None, born: PartialDate | None, youngest: int
) -> None:
    assert youngest_age(estimated, born, date(2026, 11, 23)) == youngest


# --- identification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [None, DocumentRef("AB1234567", "UKR")],
    ids=["one-to-many-stand-in", "presented-document"],
)
def test_a_genuine_person_is_identified_with_identity_data_and_system_only(
    service: PoliceIdentification, log: MemoryAccessLog, document: DocumentRef | None
) -> None:
    result = service.identify(
        request(ground=IdentificationGround.DOUBTFUL_IDENTITY, document=document)
    )
    assert result.identified
    [person] = result.persons
    assert person.system is SourceSystem.EES
    assert person.identity.surname.mrz == "SHEVCHENKO"
    assert person.documents == (PASSPORT,)
    # Only what Art 18(1)-(2) and 20(3) allow: no source reference, no templates, no ids.
    assert [f.name for f in dataclasses.fields(IdentifiedPerson)] == [
        "system",
        "identity",
        "documents",
    ]
    assert "secret-ref" not in repr(result)
    assert "ees" in result.explanation[0]
    [entry] = log.entries
    assert entry.at == NOW
    assert entry.authority == "FRA-police-Lyon"
    assert entry.purpose == "identity check after a road accident"
    assert entry.ground == "doubtful_identity"
    assert entry.outcome == "identified"
    assert entry.result_references == ("cir-ees-olena",)
    expected_fields = ("biometric:face", "biometric:right_index", "biometric:right_middle")
    if document is not None:
        expected_fields += ("travel_document",)
    assert entry.query_fields == expected_fields
    assert "Shevchenko" not in repr(entry)


def test_an_impostor_is_not_identified(service: PoliceIdentification, log: MemoryAccessLog) -> None:
    result = service.identify(request(probes=capture("eve")))
    assert not result.identified
    assert result.persons == ()
    assert result.explanation == ("no file in the CIR matched the live biometrics",)
    assert log.entries[0].outcome == "not_identified"
    assert log.entries[0].result_references == ()


def test_an_impostor_presenting_someone_elses_document_is_not_identified(
    service: PoliceIdentification,
) -> None:
    # Mallory's live capture against Olena's passport: only Olena's files are candidates.
    result = service.identify(
        request(
            ground=IdentificationGround.DOUBTFUL_DOCUMENT,
            probes=capture("mallory"),
            document=DocumentRef("AB1234567", "UKR"),
        )
    )
    assert not result.identified


def test_only_the_probed_modality_is_compared(service: PoliceIdentification) -> None:
    result = service.identify(request(probes=capture("mallory", (Modality.FACE,))))
    [person] = result.persons
    assert person.system is SourceSystem.VIS
    assert person.identity.surname.mrz == "MALLORY"
