"""Biometric evidence for a pair, and the judge that both detection paths share."""

from __future__ import annotations

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.interop.mid.domain.models import BiometricOutcome, LinkColour, RecordRef
from limes.interop.mid.linking import (
    NO_BIOMETRICS,
    IndexedRecord,
    biometric_evidence,
    judge,
)
from limes.matching.identity import IdentityRecord

CAPTURE = SyntheticBiometrics(seed=7)


def _face(person: str) -> BiometricTemplate:
    return CAPTURE.capture(person, Modality.FACE)


def _record(
    record_id: str, surname: str, given: str, doc: str, system: str = "ees"
) -> IndexedRecord:
    identity = IdentityRecord.from_json(
        {
            "surname": surname,
            "given_names": given,
            "dob": "1980-05-17",
            "sex": "F",
            "nationality": "UKR",
            "doc_number": doc,
            "doc_country": "UKR",
        }
    )
    return IndexedRecord(RecordRef(system, record_id), identity)


def test_no_templates_on_one_side_is_absent() -> None:
    assert biometric_evidence([_face("p1")], []) is NO_BIOMETRICS


def test_two_captures_of_one_person_are_the_same() -> None:
    evidence = biometric_evidence([_face("p1")], [_face("p1")])
    assert evidence.outcome is BiometricOutcome.SAME
    assert not evidence.any_without_biometrics
    assert "face matched" in evidence.reason


def test_two_people_are_different() -> None:
    evidence = biometric_evidence([_face("p1")], [_face("p2")])
    assert evidence.outcome is BiometricOutcome.DIFFERENT


def test_same_face_under_another_name_is_a_yellow_link() -> None:
    new = _record("C2", "KOVALENKO", "OLENA", "FA1234567")
    old = _record("C1", "MARCHENKO", "IRYNA", "FB7654321", "vis")
    link = judge(new, old, biometric_evidence([_face("p1")], [_face("p1")]))
    assert link is not None
    assert link.colour is LinkColour.YELLOW
    assert (link.a.record_id, link.b.record_id) == ("C1", "C2")
    assert any("same biometric data" in r for r in link.reasons)


def test_same_identity_but_different_face_is_a_yellow_link() -> None:
    new = _record("C2", "KOVALENKO", "OLENA", "FA1234567")
    old = _record("C1", "KOVALENKO", "OLENA", "FA1234567", "vis")
    link = judge(new, old, biometric_evidence([_face("p1")], [_face("p2")]))
    assert link is not None
    assert link.colour is LinkColour.YELLOW
    assert any("different biometric data" in r for r in link.reasons)


def test_same_identity_and_face_is_a_white_link() -> None:
    new = _record("C2", "KOVALENKO", "OLENA", "FA1234567")
    old = _record("C1", "KOVALENKO", "OLENA", "FA1234567", "vis")
    link = judge(new, old, biometric_evidence([_face("p1")], [_face("p1")]))
    assert link is not None
    assert link.colour is LinkColour.WHITE


def test_art_27_28_two_files_of_one_system_are_never_linked() -> None:
    """2019/817 Art 27-28: a link joins data of two systems; one system merges its own files."""
    new = _record("C2", "KOVALENKO", "OLENA", "FA1234567")
    old = _record("C1", "KOVALENKO", "OLENA", "FA1234567")
    assert judge(new, old, biometric_evidence([_face("p1")], [_face("p1")])) is None
