"""Two identities into one verdict: same, similar or different, with the reason."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from limes.core.errors import InvalidRequest
from limes.core.identity import PartialDate
from limes.matching.engine import VERDICT_RULES, evidence, match_identities, match_json
from limes.matching.identity import IdentityRecord, Sex
from limes.matching.results import Category, Outcome
from tests.conftest import run_limes


def _person(surname: str, given: str, dob: str | None = None, **more: object) -> IdentityRecord:
    return IdentityRecord(
        surname,
        given,
        PartialDate.parse(dob) if dob else None,
        **more,  # type: ignore[arg-type]
    )


CASES = [
    (_person("Smith", "John", "1980-03-05"), _person("Smith", "John", "1980-03-05"), "same"),
    (_person("Smith", "John", "1980-03-05"), _person("Smieth", "John", "1980-03-05"), "similar"),
    (_person("Smith", "John", "1980-03-05"), _person("John", "Smith", "1980-03-05"), "similar"),
    (_person("Smith", "John", "1980-03-05"), _person("Smith", "John", "1980-05-03"), "similar"),
    # A placeholder date of birth never makes two records the same.
    (_person("Smith", "John", "1980-01-01"), _person("Smith", "John", "1980-01-01"), "similar"),
    (_person("Smith", "John", "1980-03-05"), _person("Novak", "Petra", "1980-03-05"), "different"),
    # Without a date of birth, names alone are not enough...
    (_person("Smith", "John"), _person("Smith", "John"), "different"),
    # ...but with the same travel document they are.
    (
        _person("Smith", "John", doc_number="X1234567", doc_country="GBR"),
        _person("Smieth", "John", doc_number="X1234567", doc_country="GBR"),
        "similar",
    ),
    (
        _person("Smith", "John", "1980-03-05", sex=Sex.M),
        _person("Smith", "John", "1980-03-05", sex=Sex.F),
        "different",
    ),
    # John and Jane share a sound, not a name.
    (_person("Smith", "John", "1980-03-05"), _person("Smith", "Jane", "1980-03-05"), "different"),
    # Transcriptions of one Arabic name, and initials.
    (_person("Ali", "Mohammed", "1975-06-01"), _person("Ali", "Muhammad", "1975-06-01"), "similar"),
    (_person("Ali", "Mohamed", "1975-06-01"), _person("Ali", "Muhammad", "1975-06-01"), "similar"),
    (_person("Smith", "J.", "1980-03-05"), _person("Smith", "John", "1980-03-05"), "similar"),
    # Low-information dates of birth: similar at best, never the same.
    (_person("Smith", "John", "1980"), _person("Smith", "John", "1980-03-05"), "similar"),
    (_person("Smith", "John", "1980-01-01"), _person("Smith", "John", "1980-03-05"), "similar"),
    (_person("Smith", "John", "1980"), _person("Smith", "John", "1980"), "similar"),
    # A short name a letter off: only with a date of birth that agrees.
    (_person("Le", "Jake", "1977-07-11"), _person("Ee", "Jake", "1977-07-11"), "similar"),
    (_person("Le", "Jake", "1977"), _person("Ee", "Jake", "1977"), "different"),
]

PASSPORT = {"doc_number": "X1234567", "doc_country": "GBR"}
OTHER_PASSPORT = {"doc_number": "Y7654321", "doc_country": "GBR"}

# Namesakes: the same names and year of birth, different travel documents.
NAMESAKES = [
    # Two full dates clearly apart: strong evidence of two people.
    ("1980-03-05", "1980-09-22", "different", "dob.different"),
    # A bare year or a 1 January placeholder says too little to outweigh the documents.
    ("1980", "1980-09-22", "different", "dob.partial_compatible"),
    ("1980-01-01", "1980-09-22", "different", "dob.placeholder_same_year"),
    # One digit off fits a dozen other days of the year: no more than a bare year.
    ("1980-09-12", "1980-09-22", "different", "dob.one_digit_typo"),
    # A year and month that fit, or a day-month swap, point at a few days at most.
    ("1980-09", "1980-09-22", "similar", "dob.partial_compatible"),
    ("1980-03-05", "1980-05-03", "similar", "dob.day_month_swapped"),
]


@pytest.mark.parametrize(("a", "b", "verdict"), CASES)
def test_verdict(a: IdentityRecord, b: IdentityRecord, verdict: str) -> None:
    result = match_identities(a, b)
    assert result.verdict == verdict, result.explanation
    assert match_identities(b, a).verdict == verdict
    assert result.explanation.startswith(verdict)
    assert {r.category for r in result.categories} == set(Category)


@pytest.mark.parametrize(("a", "b", "verdict", "rule"), NAMESAKES)
def test_namesakes_with_other_documents(a: str, b: str, verdict: str, rule: str) -> None:
    first = _person("Smith", "John", a, sex=Sex.M, **OTHER_PASSPORT)
    second = _person("Smith", "John", b, sex=Sex.M, **PASSPORT)
    result = match_identities(first, second)
    assert (result.verdict, result.result(Category.DATE_OF_BIRTH).rule) == (verdict, rule)
    assert "travel document different (document.differs) -0.5" in result.explanation


def test_the_same_document_carries_low_information_dates() -> None:
    for dob in ("1980", "1980-01-01", "1980-09-12"):
        a = _person("Smith", "John", dob, **PASSPORT)
        b = _person("Smith", "John", "1980-09-22", **PASSPORT)
        assert match_identities(a, b).verdict is Outcome.SIMILAR


def test_two_letters_off_needs_the_document() -> None:
    a, b = _person("Caarter", "David", "1973-09-07"), _person("Caeter", "David", "1973-09-07")
    assert match_identities(a, b).verdict is Outcome.DIFFERENT
    a, b = replace(a, **PASSPORT), replace(b, **PASSPORT)  # type: ignore[arg-type]
    assert match_identities(a, b).verdict is Outcome.SIMILAR


def test_an_empty_attribute_never_counts_as_agreement() -> None:
    # Blank or unspecified values on both sides: absent, adding no evidence.
    a = _person("Smith", "John", sex=Sex.X, doc_number="", nationality="", place_of_birth=" ")
    b = _person("Smith", "John", sex=Sex.X, doc_number="", nationality="", place_of_birth=" ")
    result = match_identities(a, b)
    assert result.verdict is Outcome.DIFFERENT
    for category in (Category.DATE_OF_BIRTH, Category.SEX, Category.NATIONALITY):
        assert result.result(category).outcome is Outcome.ABSENT
    assert result.result(Category.TRAVEL_DOCUMENT).outcome is Outcome.ABSENT
    assert result.result(Category.PLACE_OF_BIRTH).outcome is Outcome.ABSENT
    assert all(
        evidence(r, informative_dates=False) == 0.0
        for r in result.categories
        if r.outcome is Outcome.ABSENT
    )


def test_names_alone_never_make_a_link() -> None:
    # Different names with everything else the same: an impostor on the passport.
    a = _person("Smith", "John", "1980-03-05", **PASSPORT)
    b = _person("Okafor", "Chidi", "1980-03-05", **PASSPORT)
    result = match_identities(a, b)
    assert result.verdict is Outcome.DIFFERENT
    assert result.explanation == "different: names different (names.different)"


def test_the_explanation_lists_every_weight() -> None:
    a = _person("Smith", "John", "1980", nationality="GBR", **OTHER_PASSPORT)
    b = _person("Smith", "John", "1980-09-22", nationality="FRA", **PASSPORT)
    result = match_identities(a, b)
    assert result.explanation == (
        "different: too little agrees: names same (names.equal) +4.0, date of birth similar "
        "(dob.partial_compatible) +1.0, nationality different (nationality.differs) -1.0, "
        "travel document different (document.differs) -0.5; evidence 3.5 < 5.0"
    )


def test_verdict_rules_are_versioned_and_replaceable() -> None:
    assert "2019/817" in VERDICT_RULES.act
    assert "2023/333" in VERDICT_RULES.act
    a = _person("Smith", "John", "1980", **OTHER_PASSPORT)
    b = _person("Smith", "John", "1980-09-22", **PASSPORT)
    assert match_identities(a, b).verdict is Outcome.DIFFERENT
    lenient = replace(VERDICT_RULES, document_different=0.0, similar_from=4.5)
    assert match_identities(a, b, rules=lenient).verdict is Outcome.SIMILAR


def test_a_cyrillic_record_and_its_latin_transcription_are_the_same_person() -> None:
    a = _person("Щербакова", "Юлия", "1990-04-12", nationality="RUS")
    b = _person("Shcherbakova", "Iuliia", "1990-04-12", nationality="RUS")
    result = match_identities(a, b)
    assert result.verdict in (Outcome.SAME, Outcome.SIMILAR)
    assert result.result(Category.NATIONALITY).outcome is Outcome.SAME


def test_match_json_reports_every_category() -> None:
    answer = match_json(
        {
            "a": {"surname": "Smith", "given_names": "John", "dob": "1980-03-05"},
            "b": {"surname": "Smieth", "given_names": "John", "dob": "1980-03-05"},
        }
    )
    assert answer["verdict"] == "similar"
    assert [c["category"] for c in answer["categories"]] == [c.value for c in Category]
    assert all(c["explanation"] for c in answer["categories"])


def test_match_json_refuses_a_missing_side() -> None:
    with pytest.raises(InvalidRequest) as refused:
        match_json({"a": {"surname": "Smith"}})
    assert [e.field for e in refused.value.errors] == ["b"]


def test_limes_match_on_the_command_line() -> None:
    done = run_limes(
        "match",
        stdin=json.dumps(
            {
                "a": {"surname": "Mohammed", "given_names": "Ali", "dob": "1975-06-01"},
                "b": {"surname": "Muhammad", "given_names": "Ali", "dob": "1975-06-01"},
            }
        ),
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["verdict"] == "similar"


def test_limes_match_batch_goes_on_after_a_bad_line() -> None:
    lines = [
        json.dumps(
            {
                "a": {"surname": "Smith", "dob": "1980-03-05"},
                "b": {"surname": "Smith", "dob": "1980-03-05"},
            }
        ),
        json.dumps({"a": {"surname": ""}, "b": {"surname": "Smith"}}),
        "not json",
    ]
    done = run_limes("match", "--batch", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 3
    assert "verdict" in out[0]
    assert "error" in out[1]
    assert "error" in out[2]


def test_limes_match_bad_input_is_one_line_and_exit_2() -> None:
    done = run_limes("match", stdin=json.dumps({"a": {"surname": "Smith", "sex": "?"}}))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "b" in done.stderr  # the missing side is named


def test_limes_match_refuses_a_million_character_name_at_once() -> None:
    huge = {"a": {"surname": "A" * 1_000_000}, "b": {"surname": "Smith"}}
    started = time.perf_counter()
    done = run_limes("match", stdin=json.dumps(huge))
    assert time.perf_counter() - started < 10  # a process start; the match took 27 s
    assert done.returncode == 2
    assert done.stderr.strip() == "error: a: a.surname: at most 200 characters"


def test_identity_fields_are_bounded_before_any_work() -> None:
    with pytest.raises(InvalidRequest) as caught:
        IdentityRecord.from_json(
            {"surname": "Ng", "given_names": "x" * 201, "doc_number": "1" * 33, "zz" * 99: 1}
        )
    reasons = {e.field: e.reason for e in caught.value.errors}
    assert reasons["identity.given_names"] == "at most 200 characters"
    assert reasons["identity.doc_number"] == "at most 32 characters"
    assert "identity.surname" not in reasons  # the name given is usable
    assert all(len(field) < 100 for field in reasons)  # a long key is not repeated back
