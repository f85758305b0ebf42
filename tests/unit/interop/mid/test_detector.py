"""Initial-load detection (2019/817 Art 27, 69): candidates, colours and the block cap."""

from __future__ import annotations

import pytest

from limes.interop.mid.detector import DetectedLink, Detector, IdentityIndex, IndexedRecord
from limes.interop.mid.domain import LinkColour, RecordRef, UnknownSystem
from limes.matching.identity import IdentityRecord


def record(record_id: str, system: str, **identity: str) -> IndexedRecord:
    return IndexedRecord(
        RecordRef(system, record_id), IdentityRecord.from_json(identity, field=record_id)
    )


def detect_all(*records: IndexedRecord, detector: Detector | None = None) -> list[DetectedLink]:
    detector = detector or Detector()
    return [link for r in records for link in detector.detect(r)]


SMITH = {"surname": "Smith", "given_names": "John", "dob": "1980-04-12", "sex": "M"}


def test_similar_names_same_dob_across_ees_and_vis_is_yellow() -> None:
    # Without biometrics and without a shared travel document, similar identity data
    # cannot be confirmed automatically: initial_colour gives yellow (Art 30).
    links = detect_all(
        record("r2", "ees", **SMITH, doc_number="P1111111", doc_country="GBR"),
        record("r1", "vis", **{**SMITH, "surname": "Smieth"}, doc_number="P2222222"),
    )
    assert len(links) == 1
    link = links[0]
    assert link.colour is LinkColour.YELLOW
    # The pair is ordered by record id whatever the arrival order.
    assert (link.a, link.b) == (RecordRef("vis", "r1"), RecordRef("ees", "r2"))
    assert link.reasons[0].startswith("identity data similar")
    assert any(r.startswith("names: similar") for r in link.reasons)
    assert any(r.startswith("travel_document: different") for r in link.reasons)
    assert link.reasons[-1].startswith("Yellow link, Art 30")


def test_same_identity_and_same_document_is_white() -> None:
    document = {"doc_number": "P1234567", "doc_country": "GBR"}
    links = detect_all(
        record("e1", "ees", **SMITH, **document),
        record("v1", "vis", **SMITH, **document),
    )
    assert [link.colour for link in links] == [LinkColour.WHITE]
    assert "Art 33(1)(b)" in links[0].reasons[-1]
    assert any(r.startswith("travel_document: same") for r in links[0].reasons)


def test_same_system_duplicate_is_linked_too() -> None:
    document = {"doc_number": "P1234567", "doc_country": "GBR"}
    links = detect_all(record("e1", "ees", **SMITH, **document), record("e2", "ees", **SMITH))
    assert [(link.a.system, link.b.system) for link in links] == [("ees", "ees")]


def test_different_people_are_not_linked() -> None:
    detector = Detector()
    links = detect_all(
        record("e1", "ees", **SMITH, doc_number="P1111111", doc_country="GBR"),
        # Same year of birth and given name, so a candidate, but a different person.
        record("v1", "vis", surname="Kowalczyk", given_names="John", dob="1980-09-30"),
        detector=detector,
    )
    assert links == []
    assert detector.comparisons == 1  # they were compared, and the verdict kept them apart


def test_same_document_with_different_names_is_yellow() -> None:
    document = {"doc_number": "P1234567", "doc_country": "GBR"}
    links = detect_all(
        record("e1", "ees", **SMITH, **document),
        record("v1", "vis", surname="Okafor", given_names="Chidi", dob="1975-01-02", **document),
    )
    assert [link.colour for link in links] == [LinkColour.YELLOW]


def test_block_cap_drops_common_keys() -> None:
    smiths = [
        ("s1", IdentityRecord(surname="Smith", given_names="Aurelio")),
        ("s2", IdentityRecord(surname="Smith", given_names="Bartholomew")),
        ("s3", IdentityRecord(surname="Smith", given_names="Cornelius")),
    ]
    uncapped, capped = IdentityIndex(), IdentityIndex(block_cap=2)
    found = [uncapped.add(rid, "ees", identity) for rid, identity in smiths]
    assert found == [[], ["s1"], ["s1", "s2"]]
    assert uncapped.skipped_keys == 0
    found = [capped.add(rid, "ees", identity) for rid, identity in smiths]
    # The third Smith finds nobody: every key it shares with the others is full.
    assert found == [[], ["s1"], []]
    assert capped.skipped_keys >= 1
    assert len(capped) == 3


def test_index_refuses_duplicates_and_unknown_systems() -> None:
    index = IdentityIndex()
    index.add("r1", "ees", IdentityRecord(surname="Smith"))
    with pytest.raises(ValueError, match="already indexed"):
        index.add("r1", "vis", IdentityRecord(surname="Smith"))
    with pytest.raises(UnknownSystem):
        index.add("r2", "schengen", IdentityRecord(surname="Smith"))
    with pytest.raises(ValueError, match="at least 1"):
        IdentityIndex(block_cap=0)
