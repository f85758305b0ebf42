"""Category results carry a valid score, a rule and an explanation."""

from __future__ import annotations

import pytest

from limes.matching.results import Category, CategoryResult, Outcome


def test_outcome_and_category_values() -> None:
    assert [o.value for o in Outcome] == ["same", "similar", "different", "absent"]
    assert {c.value for c in Category} == {
        "names",
        "date_of_birth",
        "sex",
        "nationality",
        "place_of_birth",
        "travel_document",
    }


def test_result_is_frozen() -> None:
    result = CategoryResult(Category.SEX, Outcome.SAME, 1.0, "sex.equal", "Both are F.")
    with pytest.raises(AttributeError):
        result.score = 0.5  # type: ignore[misc]


@pytest.mark.parametrize("score", [-0.1, 1.01, float("nan"), float("inf")])
def test_score_out_of_range_is_refused(score: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        CategoryResult(Category.SEX, Outcome.SAME, score, "sex.equal", "Both are F.")


@pytest.mark.parametrize(("rule", "explanation"), [("", "Both are F."), ("sex.equal", " ")])
def test_rule_and_explanation_are_required(rule: str, explanation: str) -> None:
    with pytest.raises(ValueError, match="rule and an explanation"):
        CategoryResult(Category.SEX, Outcome.SAME, 1.0, rule, explanation)
