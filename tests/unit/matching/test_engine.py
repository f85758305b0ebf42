"""Two identities into one verdict: same, similar or different, with the reason."""

from __future__ import annotations

import json

import pytest

from limes.core.errors import InvalidRequest
from limes.core.identity import PartialDate
from limes.matching.engine import match_identities, match_json
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
]


@pytest.mark.parametrize(("a", "b", "verdict"), CASES)
def test_verdict(a: IdentityRecord, b: IdentityRecord, verdict: str) -> None:
    result = match_identities(a, b)
    assert result.verdict == verdict, result.explanation
    assert match_identities(b, a).verdict == verdict
    assert result.explanation.startswith(verdict)
    assert {r.category for r in result.categories} == set(Category)


def test_a_cyrillic_record_and_its_latin_transcription_are_the_same_person() -> None:
    a = _person("Щербакова", "Юлия", "1990-04-12", nationality="RUS")
    b = _person("Shcherbakova", "Iuliia", "1990-04-12", nationality="RUS")
    result = match_identities(a, b)
    assert result.verdict in (Outcome.SAME, Outcome.SIMILAR)
    assert result.result(Category.NATIONALITY).outcome is Outcome.SAME


def test_match_json_reports_every_category() -> None:
    answer = match_json(
        {"a": {"surname": "Smith", "dob": "1980"}, "b": {"surname": "Smieth", "dob": "1980"}}
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
