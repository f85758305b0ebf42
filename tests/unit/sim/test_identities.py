"""The SYNTHETIC evaluation set: deterministic, every variation, truthful ground truth."""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from limes.matching.text import Script, script_of
from limes.sim.identities import (
    SYSTEMS,
    EvaluationRecord,
    EvaluationSet,
    Variation,
    evaluation_set,
)

MID_DETECT_FIELDS = {
    "record_id",
    "system",
    "surname",
    "given_names",
    "dob",
    "sex",
    "nationality",
    "doc_number",
    "doc_country",
}


@pytest.fixture(scope="module")
def sample() -> EvaluationSet:
    return evaluation_set(300, 11)


def by_person(records: tuple[EvaluationRecord, ...]) -> dict[str, list[EvaluationRecord]]:
    people: dict[str, list[EvaluationRecord]] = defaultdict(list)
    for record in records:
        people[record.person_id].append(record)
    return people


def test_the_same_seed_gives_the_same_set() -> None:
    assert evaluation_set(60, 5) == evaluation_set(60, 5)
    assert evaluation_set(60, 5) != evaluation_set(60, 6)


def test_every_variation_is_present(sample: EvaluationSet) -> None:
    counts = Counter(r.variation for r in sample.records)
    assert set(counts) == set(Variation)


def test_every_record_is_an_identity_the_matcher_reads(sample: EvaluationSet) -> None:
    for record in sample.records:
        identity = record.identity()
        assert identity.surname == record.surname
        assert identity.doc_country == record.doc_country


def test_record_ids_are_unique(sample: EvaluationSet) -> None:
    ids = [r.record_id for r in sample.records]
    assert len(set(ids)) == len(ids)


def test_a_person_has_one_to_four_records_in_different_systems(sample: EvaluationSet) -> None:
    for records in by_person(sample.records).values():
        systems = [r.system for r in records]
        assert 1 <= len(systems) <= 4
        assert len(set(systems)) == len(systems)
        assert set(systems) <= set(SYSTEMS)


def test_true_pairs_are_exactly_the_pairs_of_one_person(sample: EvaluationSet) -> None:
    person = {r.record_id: r.person_id for r in sample.records}
    expected = {
        tuple(sorted((a.record_id, b.record_id)))
        for records in by_person(sample.records).values()
        for a, b in itertools.combinations(records, 2)
    }
    pairs = sample.true_pairs()
    assert pairs == expected
    assert all(a < b and person[a] == person[b] for a, b in pairs)


def test_each_person_has_one_exact_record(sample: EvaluationSet) -> None:
    for person_id, records in by_person(sample.records).items():
        exact = [r for r in records if r.variation is Variation.EXACT]
        if records[0].variation in (Variation.SHARED_PASSPORT, Variation.HARD_NEGATIVE):
            assert len(records) == 1, person_id
        else:
            assert exact, person_id


def test_shared_passport_records_share_the_document_not_the_person(
    sample: EvaluationSet,
) -> None:
    shared = [r for r in sample.records if r.variation is Variation.SHARED_PASSPORT]
    assert shared
    for record in shared:
        holders = [
            r
            for r in sample.records
            if (r.doc_number, r.doc_country) == (record.doc_number, record.doc_country)
            and r.variation is Variation.EXACT
        ]
        assert len({r.person_id for r in holders}) == 1
        assert holders[0].person_id != record.person_id
        assert (holders[0].surname, holders[0].dob) != (record.surname, record.dob)


def test_hard_negatives_are_namesakes_born_the_same_year(sample: EvaluationSet) -> None:
    namesakes = [r for r in sample.records if r.variation is Variation.HARD_NEGATIVE]
    assert namesakes
    for record in namesakes:
        twins = [
            r
            for r in sample.records
            if r.variation is Variation.EXACT
            and (r.surname, r.given_names) == (record.surname, record.given_names)
            and r.person_id != record.person_id
        ]
        assert twins
        assert any(r.dob and record.dob and r.dob[:4] == record.dob[:4] for r in twins)
        assert all(r.dob != record.dob and r.doc_number != record.doc_number for r in twins)


def test_each_variation_changes_what_it_says(sample: EvaluationSet) -> None:
    people = by_person(sample.records)
    for record in sample.records:
        truths = [r for r in people[record.person_id] if r.variation is Variation.EXACT]
        if not truths or record.variation is Variation.EXACT:
            continue
        truth = truths[0]
        names = (record.surname, record.given_names)
        same_names = names == (truth.surname, truth.given_names)
        same_rest = (record.dob, record.doc_number) == (truth.dob, truth.doc_number)
        match record.variation:
            case Variation.SWAPPED:
                assert names == (truth.given_names, truth.surname)
                assert same_rest
            case Variation.TRANSLITERATION | Variation.TYPO | Variation.INITIALS:
                assert not same_names
                assert same_rest
            case Variation.DOB_PARTIAL:
                assert record.dob is not None
                assert truth.dob is not None
                assert len(record.dob) in (4, 7)
                assert truth.dob.startswith(record.dob)
            case Variation.DOB_PLACEHOLDER:
                assert record.dob == f"{(truth.dob or '')[:4]}-01-01" != truth.dob
            case Variation.DOB_SWAPPED:
                assert record.dob is not None
                assert truth.dob is not None
                year, month, day = truth.dob.split("-")
                assert record.dob == f"{year}-{day}-{month}" != truth.dob
            case Variation.DOB_MISSING:
                assert record.dob is None
                assert truth.dob is not None
                assert same_names
            case Variation.DOB_YEAR_OFF:
                assert record.dob is not None
                assert truth.dob is not None
                assert abs(int(record.dob[:4]) - int(truth.dob[:4])) == 1
                assert record.dob[4:] == truth.dob[4:]
                assert record.doc_number == truth.doc_number
            case Variation.RENEWED_PASSPORT:
                assert same_names
                assert record.dob == truth.dob
                assert record.doc_number != truth.doc_number
                assert record.doc_country == truth.doc_country


def test_initials_keep_only_first_letters(sample: EvaluationSet) -> None:
    initials = [r for r in sample.records if r.variation is Variation.INITIALS]
    assert all(
        all(len(part) == 2 and part.endswith(".") for part in r.given_names.split())
        for r in initials
    )


@pytest.mark.parametrize("script", [Script.CYRILLIC, Script.ARABIC])
def test_original_script_records_exist(sample: EvaluationSet, script: Script) -> None:
    originals = [r for r in sample.records if script_of(r.surname) is script]
    assert originals
    # And the same people are recorded in ICAO Latin elsewhere.
    latin = {
        r.person_id
        for r in sample.records
        if r.variation is Variation.TRANSLITERATION and script_of(r.surname) is Script.LATIN
    }
    assert latin & {r.person_id for r in originals}


def test_json_lines_round_trip(sample: EvaluationSet, tmp_path: Path) -> None:
    text = sample.to_jsonl()
    lines = text.splitlines()
    assert len(lines) == len(sample.records)
    first = json.loads(lines[0])
    assert set(first) == MID_DETECT_FIELDS | {"person_id", "variation"}
    assert EvaluationSet.from_jsonl(text) == sample
    path = tmp_path / "set.jsonl"
    sample.write(path)
    assert EvaluationSet.read(path) == sample
