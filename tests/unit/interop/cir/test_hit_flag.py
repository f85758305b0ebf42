"""The law-enforcement hit flag of the CIR (Reg. (EU) 2019/817 Art 22) and its logs (Art 24)."""

from __future__ import annotations

import dataclasses

import pytest

from limes.core.clock import FixedClock
from limes.core.errors import AccessDenied, InvalidRequest
from limes.interop.cir.errors import EmptyQuery, NoStatedPurpose
from limes.interop.cir.hit_flag import HitFlag, LawEnforcementHitFlag
from limes.interop.cir.logs import MemoryAccessLog
from limes.interop.cir.models import SourceSystem, TravelDocument
from limes.interop.cir.ports import IdentityRepository
from limes.interop.cir.search import DocumentRef
from tests.unit.interop.cir.conftest import NOW, capture, identity_file

AUTHORITY = "DEU-BKA"
PURPOSE = "investigation 2026/4411 into trafficking in human beings"
OLENA = DocumentRef("AB1234567", "UKR")


@pytest.fixture
def service(
    repository: IdentityRepository, log: MemoryAccessLog, clock: FixedClock
) -> LawEnforcementHitFlag:
    repository.add(identity_file("cir-vis-olena", SourceSystem.VIS, "Shevchenko"), capture("olena"))
    repository.add(identity_file("cir-ees-olena", SourceSystem.EES, "Shevchenko"), capture("olena"))
    other = (TravelDocument("P", "MM0000001", "FRA"),)
    repository.add(
        identity_file("cir-etias-mallory", SourceSystem.ETIAS, "Mallory", other),
        capture("mallory"),
    )
    return LawEnforcementHitFlag(repository, log, clock)


def assert_no_personal_data(flag: HitFlag) -> None:
    assert [f.name for f in dataclasses.fields(HitFlag)] == ["systems", "explanation"]
    text = repr(flag)
    for personal in ("Shevchenko", "SHEVCHENKO", "Olena", "AB1234567", "1987", "cir-", "secret"):
        assert personal not in text


def test_a_document_flags_exactly_the_systems_holding_it(
    service: LawEnforcementHitFlag, log: MemoryAccessLog
) -> None:
    flag = service.query(AUTHORITY, PURPOSE, document=OLENA)
    assert flag.flagged
    assert flag.systems == (SourceSystem.EES, SourceSystem.VIS)
    assert len(flag.explanation) == 2
    assert "under its own law-enforcement procedure" in flag.explanation[0]
    assert_no_personal_data(flag)
    [entry] = log.entries
    assert (entry.at, entry.operation, entry.authority, entry.purpose) == (
        NOW,
        "hit_flag",
        AUTHORITY,
        PURPOSE,
    )
    assert entry.ground is None
    assert entry.query_fields == ("travel_document",)
    assert entry.outcome == "flagged"
    assert entry.result_references == ("cir-ees-olena", "cir-vis-olena")


def test_templates_flag_the_systems_holding_the_person(service: LawEnforcementHitFlag) -> None:
    flag = service.query(AUTHORITY, PURPOSE, templates=capture("olena"))
    assert flag.systems == (SourceSystem.EES, SourceSystem.VIS)
    assert_no_personal_data(flag)
    assert service.query(AUTHORITY, PURPOSE, templates=capture("mallory")).systems == (
        SourceSystem.ETIAS,
    )


def test_templates_with_a_document_only_search_that_documents_files(
    service: LawEnforcementHitFlag,
) -> None:
    flag = service.query(AUTHORITY, PURPOSE, document=OLENA, templates=capture("mallory"))
    assert not flag.flagged


def test_an_unknown_person_is_not_flagged(
    service: LawEnforcementHitFlag, log: MemoryAccessLog
) -> None:
    flag = service.query(AUTHORITY, PURPOSE, document=DocumentRef("AB1234567", "POL"))
    assert flag.systems == ()
    assert not flag.flagged
    assert flag.explanation == ("none of the EES, VIS, ETIAS or Eurodac holds data on the person",)
    assert service.query(AUTHORITY, PURPOSE, templates=capture("eve")).systems == ()
    assert [entry.outcome for entry in log.entries] == ["not_flagged", "not_flagged"]
    assert all(entry.result_references == () for entry in log.entries)


def test_an_ecris_tcn_file_is_never_flagged(
    repository: IdentityRepository, service: LawEnforcementHitFlag, log: MemoryAccessLog
) -> None:
    repository.add(identity_file("cir-ecris", SourceSystem.ECRIS_TCN, "Shevchenko"), ())
    flag = service.query(AUTHORITY, PURPOSE, document=OLENA)
    assert flag.systems == (SourceSystem.EES, SourceSystem.VIS)
    assert "cir-ecris" not in log.entries[0].result_references


@pytest.mark.parametrize(
    ("authority", "purpose", "document", "error", "kind"),
    [
        ("", PURPOSE, OLENA, NoStatedPurpose, AccessDenied),
        (AUTHORITY, " ", OLENA, NoStatedPurpose, AccessDenied),
        (AUTHORITY, PURPOSE, None, EmptyQuery, InvalidRequest),
    ],
    ids=["no-authority", "no-purpose", "nothing-to-search"],
)
def test_a_query_without_authority_purpose_or_data_is_refused_and_logged(
    service: LawEnforcementHitFlag,
    log: MemoryAccessLog,
    authority: str,
    purpose: str,
    document: DocumentRef | None,
    error: type[InvalidRequest | AccessDenied],
    kind: type[InvalidRequest | AccessDenied],
) -> None:
    with pytest.raises(error) as caught:
        service.query(authority, purpose, document=document)
    assert isinstance(caught.value, kind)
    [entry] = log.entries
    assert entry.outcome == caught.value.code
    assert entry.result_references == ()
