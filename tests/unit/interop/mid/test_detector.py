"""Initial-load detection (2019/817 Art 27, 69): candidates, colours, caps, faces, the batch path."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.errors import InvalidRequest
from limes.interop.mid.batch import BatchDetector, LineError, RecordLinks
from limes.interop.mid.detector import (
    BLOCK_CAPS,
    DetectedLink,
    Detector,
    IdentityIndex,
    IndexedRecord,
    record_keys,
)
from limes.interop.mid.domain import LinkColour, RecordRef, UnknownSystem
from limes.interop.mid.linking import judge
from limes.interop.mid.records import parse_line
from limes.matching.identity import IdentityRecord
from limes.sim.evaluation import candidate_pairs
from limes.sim.identities import evaluation_set

CAPTURE = SyntheticBiometrics(seed=11)


def record(record_id: str, system: str, **identity: str) -> IndexedRecord:
    return IndexedRecord(
        RecordRef(system, record_id), IdentityRecord.from_json(identity, field=record_id)
    )


def detect_all(*records: IndexedRecord, detector: Detector | None = None) -> list[DetectedLink]:
    detector = detector or Detector()
    return [link for r in records for link in detector.detect(r)]


def face(person: str, quality: int = 80) -> BiometricTemplate:
    return CAPTURE.capture(person, Modality.FACE, quality=quality)


def face_json(template: BiometricTemplate) -> dict[str, object]:
    return {
        "vector": base64.b64encode(template.vector).decode(),
        "quality": template.quality,
        "synthetic": True,
    }


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


def test_art_27_28_a_same_system_duplicate_is_not_linked() -> None:
    """2019/817 Art 27-28: two EES files of one person are the EES's to merge, not a link."""
    document = {"doc_number": "P1234567", "doc_country": "GBR"}
    links = detect_all(record("e1", "ees", **SMITH, **document), record("e2", "ees", **SMITH))
    assert links == []


def test_namesake_born_another_day_is_compared_but_not_linked() -> None:
    detector = Detector()
    links = detect_all(
        record("e1", "ees", **SMITH, doc_number="P1111111", doc_country="GBR"),
        # Same name and year of birth, so a candidate, but born another day.
        record("v1", "vis", **{**SMITH, "dob": "1980-09-30"}),
        detector=detector,
    )
    assert links == []
    assert detector.comparisons == 1  # they were compared, and the verdict kept them apart


def test_same_given_name_and_year_alone_is_no_candidate() -> None:
    # Nothing links John Smith and John Kowalczyk born the same year (Art 28(1)), so
    # the blocking keys never bring them together.
    detector = Detector()
    links = detect_all(
        record("e1", "ees", **SMITH),
        record("v1", "vis", surname="Kowalczyk", given_names="John", dob="1980-09-30"),
        detector=detector,
    )
    assert links == []
    assert detector.comparisons == 0


def test_same_document_with_different_names_is_yellow() -> None:
    document = {"doc_number": "P1234567", "doc_country": "GBR"}
    links = detect_all(
        record("e1", "ees", **SMITH, **document),
        record("v1", "vis", surname="Okafor", given_names="Chidi", dob="1975-01-02", **document),
    )
    assert [link.colour for link in links] == [LinkColour.YELLOW]


def test_record_keys_join_two_facts() -> None:
    keys = record_keys(
        IdentityRecord.from_json({**SMITH, "given_names": "John R.", "doc_number": "P 123-4567"})
    )
    assert keys == {
        "doc:P1234567",
        "ny:john r smith|1980",
        "nd:john|1980-04-12",
        "nd:smith|1980-04-12",  # not "r": an initial would join everyone born that day
        "nmd:john r smith|04-12",
    }


def test_swapped_names_share_a_key() -> None:
    a = record_keys(IdentityRecord.from_json(SMITH))
    b = record_keys(IdentityRecord.from_json({**SMITH, "surname": "John", "given_names": "Smith"}))
    assert "ny:john smith|1980" in a & b


def test_record_without_date_of_birth_is_keyed_by_its_document_only() -> None:
    # Identity data cannot agree without a date of birth (2023/333 Art 3), so only a
    # shared document could link the record.
    identity = IdentityRecord.from_json({"surname": "Smith", "doc_number": "P1234567"})
    assert record_keys(identity) == {"doc:P1234567"}
    assert record_keys(IdentityRecord.from_json({"surname": "Smith"})) == frozenset()


def test_place_of_birth_keys_the_full_name() -> None:
    identity = IdentityRecord.from_json({"surname": "Smith", "place_of_birth": "Lagos"})
    assert record_keys(identity) == {"np:smith|lagos"}


def test_placeholder_date_keeps_its_year_but_not_its_day_and_month() -> None:
    keys = record_keys(IdentityRecord.from_json({**SMITH, "dob": "1980-01-01"}))
    assert "ny:john smith|1980" in keys
    assert not any(key.startswith("nmd:") for key in keys)


def test_cyrillic_name_is_keyed_in_its_transliterations() -> None:
    cyrillic = record_keys(
        IdentityRecord.from_json({"surname": "Щербакова", "given_names": "Юлия", "dob": "1990"})
    )
    latin = record_keys(
        IdentityRecord.from_json(
            {"surname": "Shcherbakova", "given_names": "Yuliya", "dob": "1990-03-04"}
        )
    )
    assert cyrillic & latin


def test_block_cap_drops_full_keys() -> None:
    smiths = [
        ("s1", IdentityRecord(surname="Smith", given_names="Aurelio")),
        ("s2", IdentityRecord(surname="Smith", given_names="Bartholomew")),
        ("s3", IdentityRecord(surname="Smith", given_names="Cornelius")),
    ]
    born = IdentityRecord.from_json({"surname": "x", "dob": "1980-04-12"}).dob
    smiths = [(rid, IdentityRecord(i.surname, i.given_names, born)) for rid, i in smiths]
    uncapped, capped = IdentityIndex(), IdentityIndex(caps=dict.fromkeys(BLOCK_CAPS, 2))
    found = [uncapped.add(rid, "ees", identity) for rid, identity in smiths]
    assert found == [[], ["s1"], ["s1", "s2"]]
    assert uncapped.skipped_keys == 0
    found = [capped.add(rid, "ees", identity) for rid, identity in smiths]
    # The third Smith finds nobody: the one key it shares with the others is full.
    assert found == [[], ["s1"], []]
    assert capped.skipped_keys == 1
    assert len(capped) == 3
    assert [r.ref.record_id for r in capped] == ["s1", "s2", "s3"]


def test_index_refuses_duplicates_unknown_systems_and_bad_caps() -> None:
    index = IdentityIndex()
    index.add("r1", "ees", IdentityRecord(surname="Smith"))
    assert "r1" in index
    assert index.get("r1").ref == RecordRef("ees", "r1")
    with pytest.raises(ValueError, match="already indexed"):
        index.add("r1", "vis", IdentityRecord(surname="Smith"))
    with pytest.raises(UnknownSystem):
        index.add("r2", "schengen", IdentityRecord(surname="Smith"))
    with pytest.raises(ValueError, match="at least 1"):
        IdentityIndex(caps={**BLOCK_CAPS, "doc": 0})
    with pytest.raises(ValueError, match="no block cap"):
        IdentityIndex(caps={"doc": 5})
    with pytest.raises(ValueError, match="at least one worker"):
        BatchDetector(workers=0)


def test_blocking_loses_no_true_pair_that_judge_links() -> None:
    people = evaluation_set(people=300, seed=4)
    by_id = {r.record_id: r for r in people.records}
    truth = people.true_pairs()
    index = IdentityIndex()
    found: set[tuple[str, str]] = set()
    for r in people.records:
        for other in index.add(r.record_id, r.system, r.identity()):
            found.add((min(r.record_id, other), max(r.record_id, other)))
    single = candidate_pairs(people.records)

    def linked(a: str, b: str) -> bool:
        ra, rb = by_id[a], by_id[b]
        new = IndexedRecord(RecordRef(ra.system, a), ra.identity())
        return judge(new, IndexedRecord(RecordRef(rb.system, b), rb.identity())) is not None

    # The pairs the single-fact keys found and the conjunctive ones do not are pairs
    # judge would not link anyway (no date of birth on one side, another passport).
    assert [pair for pair in (single & truth) - found if linked(*pair)] == []
    assert len(found & truth) >= 0.99 * len(single & truth)
    assert len(found) < len(single) / 5


# -- faces (Art 27(1)) ----------------------------------------------------------------


def test_same_face_under_another_name_is_a_yellow_link() -> None:
    detector = Detector()
    assert detector.detect(record("e1", "ees", **SMITH), [face("p1")]) == []
    other = record("v1", "vis", surname="Okafor", given_names="Chidi", dob="1975-01-02")
    links = detector.detect(other, [face("p1")])
    assert [link.colour for link in links] == [LinkColour.YELLOW]
    assert any(r.startswith("biometrics: same") for r in links[0].reasons)
    assert "same biometric data but different identity data" in links[0].reasons[-1]
    # A face nobody holds finds no one.
    stranger = record("v2", "vis", surname="Adeyemi", given_names="Tunde", dob="1990-02-03")
    assert detector.detect(stranger, [face("p2")]) == []


def test_same_face_and_identity_is_white_and_another_face_is_yellow() -> None:
    detector = Detector()
    detector.detect(record("e1", "ees", **SMITH), [face("p1")])
    same = detector.detect(record("v1", "vis", **SMITH), [face("p1")])
    assert [link.colour for link in same] == [LinkColour.WHITE]
    assert "Art 33(1)(a)" in same[0].reasons[-1]
    other_face = detector.detect(record("s1", "sis", **SMITH), [face("p2")])
    colours = {(link.a.record_id, link.b.record_id): link.colour for link in other_face}
    assert colours == {("e1", "s1"): LinkColour.YELLOW, ("s1", "v1"): LinkColour.YELLOW}
    assert any(r.startswith("biometrics: different") for r in other_face[0].reasons)


def test_detector_refuses_a_template_on_an_etias_record_or_of_low_quality() -> None:
    detector = Detector()
    with pytest.raises(InvalidRequest, match="ETIAS holds no biometric data"):
        detector.detect(record("t1", "etias", **SMITH), [face("p1")])
    with pytest.raises(InvalidRequest, match="quality"):
        detector.detect(record("e1", "ees", **SMITH), [face("p1", quality=20)])
    assert len(detector.index) == 0  # refused before anything was stored


def _line(record_id: str, system: str, template: object = None, **extra: object) -> bytes:
    payload: dict[str, object] = {"record_id": record_id, "system": system, **SMITH, **extra}
    if template is not None:
        payload["template"] = template
    return json.dumps(payload).encode()


def test_parse_line_reads_a_face_template() -> None:
    parsed = parse_line(_line("e1", "ees", face_json(face("p1"))))
    assert parsed.record.ref == RecordRef("ees", "e1")
    [template] = parsed.templates
    assert (template.modality, template.quality, template.synthetic) == (Modality.FACE, 80, True)
    # An unnormalised vector is normalised: the sBMS matchers take unit vectors.
    raw = np.full(512, 3.0, dtype="<f4").tobytes()
    loose = {"vector": base64.b64encode(raw).decode(), "quality": 70}
    [template] = parse_line(_line("e2", "ees", loose)).templates
    vector = np.frombuffer(template.vector, dtype="<f4")
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    assert parse_line(_line("e3", "ees")).templates == ()


GOOD = face_json(face("p1"))
BAD_TEMPLATES: dict[str, tuple[object, str]] = {
    "not-an-object": ("AAAA", "template: give"),
    "unknown-field": ({**GOOD, "colour": "blue"}, "template: give"),
    "not-base64": ({**GOOD, "vector": "not base64!"}, "template.vector: give base64"),
    "wrong-size": ({**GOOD, "vector": "AAAA"}, "expected 2048 bytes"),
    "zero-vector": (
        {**GOOD, "vector": base64.b64encode(bytes(2048)).decode()},
        "all values are zero",
    ),
    "no-quality": ({"vector": GOOD["vector"]}, "template.quality: give the quality score"),
    "quality-out-of-range": ({**GOOD, "quality": 101}, "outside 0-100"),
    "low-quality": ({**GOOD, "quality": 30}, "below the enrolment minimum of 50"),
    "finger": ({**GOOD, "modality": "right_index"}, "only face templates"),
    "synthetic-not-bool": ({**GOOD, "synthetic": "yes"}, "template.synthetic"),
}


@pytest.mark.parametrize("case", sorted(BAD_TEMPLATES))
def test_bad_template_is_refused_with_its_reason(case: str) -> None:
    template, reason = BAD_TEMPLATES[case]
    with pytest.raises(InvalidRequest) as raised:
        parse_line(_line("e1", "ees", template))
    assert reason in str(raised.value)


def test_template_on_an_etias_record_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="ETIAS holds no biometric data"):
        parse_line(_line("t1", "etias", GOOD))
    assert parse_line(_line("t1", "etias")).templates == ()


# -- the batch path gives what the online detector gives ----------------------------


def _evaluation_lines(people: int, seed: int) -> list[bytes]:
    """An evaluation set as input lines; some records carry faces, one a stolen one."""
    lines: list[bytes] = []
    for n, r in enumerate(evaluation_set(people=people, seed=seed).records):
        payload: dict[str, object] = dict(r.to_json())
        if r.system != "etias" and n % 3 == 0:
            # Every third record shows its person's face; every 17th someone else's.
            owner = "stolen" if n % 17 == 0 else r.person_id
            payload["template"] = face_json(CAPTURE.capture(owner, Modality.FACE, quality=75))
        lines.append(json.dumps(payload).encode())
    return lines


def _one_by_one(lines: Sequence[bytes], detector: Detector) -> list[list[DetectedLink]]:
    out = []
    for line in lines:
        parsed = parse_line(line)
        out.append(detector.detect(parsed.record, parsed.templates))
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_gives_exactly_the_links_of_one_by_one(workers: int) -> None:
    lines = _evaluation_lines(people=120, seed=9)
    # Small caps so that keys are dropped too, at the same record on both paths.
    caps = dict.fromkeys(BLOCK_CAPS, 3)
    online = Detector(IdentityIndex(caps=caps))
    expected = _one_by_one(lines, online)
    batch = BatchDetector(workers=workers, caps=caps)
    broken = [*lines[:5], b"{not json", b"", lines[3], *lines[5:]]
    events = list(batch.run(broken))
    errors = [e for e in events if isinstance(e, LineError)]
    assert [(e.line, "already read" in e.message) for e in errors] == [(6, False), (8, True)]
    results = [e for e in events if isinstance(e, RecordLinks)]
    assert [list(e.links) for e in results] == expected
    assert [e.record for e in results] == [parse_line(line).record.ref for line in lines]
    assert results[5].line == 9  # lines are numbered as read, blank ones included
    assert batch.records == len(lines)
    assert batch.comparisons == online.comparisons
    assert batch.skipped_keys == online.index.skipped_keys > 0
    colours = {link.colour for links in expected for link in links}
    assert colours == {LinkColour.WHITE, LinkColour.YELLOW}
    # The stolen face links records of people who share nothing else.
    assert any(
        any(r.startswith("biometrics: same") for r in link.reasons)
        and "different identity data" in link.reasons[-1]
        for links in expected
        for link in links
    )


def test_batch_of_nothing_gives_nothing() -> None:
    batch = BatchDetector(workers=2)
    assert list(batch.run([b"", b"  \n"])) == []
    assert (batch.records, batch.comparisons) == (0, 0)


def test_the_batch_runs_blas_on_one_thread_and_restores_it() -> None:
    before = _blas_threads()
    if not before:
        pytest.skip("no BLAS loaded in this process")
    line = json.dumps({"record_id": "r1", "system": "ees", "surname": "Kovalenko"}).encode()
    events = BatchDetector(workers=1).run([line, line.replace(b"r1", b"r2")])
    next(events)  # the batch is running
    assert set(_blas_threads()) == {1}
    list(events)
    assert _blas_threads() == before


def _blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
