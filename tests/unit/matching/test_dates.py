"""Dates of birth compared under Delegated Regulations (EU) 2023/333 and 2023/332."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from limes.core.identity import PartialDate
from limes.matching.dates import DATE_RULES, DateRules, compare_dates_of_birth
from limes.matching.results import Category, Outcome


class DateCase(TypedDict):
    id: str
    a: str
    b: str
    outcome: Outcome
    rule: str


CASES: list[DateCase] = [
    {"id": "full-equal", "a": "1980-07-14", "b": "1980-07-14", "outcome": Outcome.SAME, "rule": "dob.full_equal"},
    {"id": "placeholder-equal", "a": "1980-01-01", "b": "1980-01-01", "outcome": Outcome.SIMILAR, "rule": "dob.placeholder_equal"},
    {"id": "year-only-equal", "a": "1980", "b": "1980", "outcome": Outcome.SIMILAR, "rule": "dob.year_only_equal"},
    {"id": "year-month-equal", "a": "1980-07", "b": "1980-07", "outcome": Outcome.SIMILAR, "rule": "dob.year_month_equal"},
    {"id": "day-month-swapped", "a": "1980-03-05", "b": "1980-05-03", "outcome": Outcome.SIMILAR, "rule": "dob.day_month_swapped"},
    {"id": "year-off-by-one", "a": "1979-07-14", "b": "1980-07-14", "outcome": Outcome.SIMILAR, "rule": "dob.year_off_by_one"},
    {"id": "one-digit-typo-day", "a": "1980-07-14", "b": "1980-07-16", "outcome": Outcome.SIMILAR, "rule": "dob.one_digit_typo"},
    {"id": "one-digit-typo-year", "a": "1980-07-14", "b": "1930-07-14", "outcome": Outcome.SIMILAR, "rule": "dob.one_digit_typo"},
    {"id": "year-vs-full", "a": "1980", "b": "1980-07-14", "outcome": Outcome.SIMILAR, "rule": "dob.partial_compatible"},
    {"id": "year-month-vs-full", "a": "1980-07-14", "b": "1980-07", "outcome": Outcome.SIMILAR, "rule": "dob.partial_compatible"},
    {"id": "year-vs-year-month", "a": "1980", "b": "1980-07", "outcome": Outcome.SIMILAR, "rule": "dob.partial_compatible"},
    {"id": "placeholder-vs-full-same-year", "a": "1980-01-01", "b": "1980-07-14", "outcome": Outcome.SIMILAR, "rule": "dob.placeholder_same_year"},
    {"id": "different", "a": "1980-07-14", "b": "1975-02-03", "outcome": Outcome.DIFFERENT, "rule": "dob.different"},
    {"id": "two-digits-off", "a": "1980-07-14", "b": "1980-08-15", "outcome": Outcome.DIFFERENT, "rule": "dob.different"},
    {"id": "year-vs-other-full", "a": "1980", "b": "1981-07-14", "outcome": Outcome.DIFFERENT, "rule": "dob.different"},
    {"id": "year-month-mismatch", "a": "1980-07", "b": "1980-08-14", "outcome": Outcome.DIFFERENT, "rule": "dob.different"},
    {"id": "placeholders-a-year-apart", "a": "1980-01-01", "b": "1981-01-01", "outcome": Outcome.DIFFERENT, "rule": "dob.different"},
    {"id": "years-two-apart", "a": "1978-07-14", "b": "1980-07-14", "outcome": Outcome.DIFFERENT, "rule": "dob.different"},
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_compare_dates_of_birth(case: DateCase) -> None:
    a, b = PartialDate.parse(case["a"]), PartialDate.parse(case["b"])
    result = compare_dates_of_birth(a, b)
    assert result.category is Category.DATE_OF_BIRTH
    assert (result.outcome, result.rule) == (case["outcome"], case["rule"])
    # the explanation names the values compared
    assert case["a"] in result.explanation
    assert case["b"] in result.explanation


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_comparison_is_symmetric(case: DateCase) -> None:
    a, b = PartialDate.parse(case["a"]), PartialDate.parse(case["b"])
    forward, backward = compare_dates_of_birth(a, b), compare_dates_of_birth(b, a)
    assert (forward.outcome, forward.rule, forward.score) == (
        backward.outcome,
        backward.rule,
        backward.score,
    )


def _score(a: str, b: str) -> float:
    return compare_dates_of_birth(PartialDate.parse(a), PartialDate.parse(b)).score


def test_only_an_informative_full_date_is_strong_evidence() -> None:
    full = _score("1980-07-14", "1980-07-14")
    assert full == 1.0
    assert _score("1980-01-01", "1980-01-01") <= full / 2
    assert _score("1980", "1980") <= full / 2
    assert _score("1980-07", "1980-07") <= full / 2


def test_a_compatible_partial_date_scores_lowest_of_the_similar() -> None:
    partial = _score("1980", "1980-07-14")
    assert 0 < partial < _score("1980", "1980")
    assert partial < _score("1980-03-05", "1980-05-03")
    assert _score("1980-03-05", "1980-05-03") < _score("1980-03-05", "1980-03-05")


def test_a_near_miss_scores_by_how_few_other_days_it_accepts() -> None:
    swapped = _score("1980-03-05", "1980-05-03")
    year_off = _score("1979-07-14", "1980-07-14")
    one_digit = _score("1980-07-14", "1980-07-16")
    # A dozen days of the same year are one digit away: no more than a bare year.
    assert swapped > year_off > one_digit
    assert one_digit <= _score("1980", "1980")


def test_a_year_and_month_that_fit_say_more_than_a_year() -> None:
    month = _score("1980-07", "1980-07-14")
    assert month == _score("1980-07", "1980-07")
    assert month > _score("1980", "1980-07-14")
    assert month > _score("1980-01-01", "1980-07-14")


@pytest.mark.parametrize(
    ("a", "b", "says"),
    [
        (None, PartialDate(1980, 7, 14), "first record"),
        (PartialDate(1980, 7, 14), None, "second record"),
        (None, None, "neither record"),
    ],
)
def test_missing_date_is_absent_not_agreement(
    a: PartialDate | None, b: PartialDate | None, says: str
) -> None:
    result = compare_dates_of_birth(a, b)
    assert result.outcome is Outcome.ABSENT
    assert result.score == 0.0
    assert says in result.explanation


def test_rules_are_versioned_and_replaceable() -> None:
    assert "2023/333" in DATE_RULES.act
    assert "2026/327" in DATE_RULES.act
    assert DATE_RULES.effective_from == date(2026, 3, 4)
    stricter: DateRules = replace(DATE_RULES, day_month_swapped=0.5)
    swapped = (PartialDate(1980, 3, 5), PartialDate(1980, 5, 3))
    assert compare_dates_of_birth(*swapped, rules=stricter).score == 0.5
    assert compare_dates_of_birth(*swapped).score == DATE_RULES.day_month_swapped


partial_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)).flatmap(
    lambda d: st.sampled_from(
        [PartialDate(d.year), PartialDate(d.year, d.month), PartialDate.from_date(d)]
    )
)


@given(partial_dates, partial_dates)
def test_outcomes_are_consistent(a: PartialDate, b: PartialDate) -> None:
    result = compare_dates_of_birth(a, b)
    assert 0.0 <= result.score <= 1.0
    assert result.outcome is not Outcome.ABSENT
    # only the same informative full day is "same"
    same = a == b and a.to_date() is not None and not a.is_low_information
    assert (result.outcome is Outcome.SAME) == same
    if result.outcome is Outcome.DIFFERENT:
        assert result.score == 0.0
    elif result.outcome is Outcome.SIMILAR:
        assert 0.0 < result.score < 1.0
    # dates that could be the same day are never "different"
    if a.could_be_same(b):
        assert result.outcome is not Outcome.DIFFERENT
    assert compare_dates_of_birth(b, a).outcome is result.outcome
