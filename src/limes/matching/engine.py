"""Two identity records compared category by category into one verdict, explained.

The verdict is what the multiple-identity detector needs (Regulations (EU) 2019/817
and 2019/818, Art 27-33): identity data are "same" when names and date of birth are
the same and nothing else contradicts them; "similar" when names and date of birth
are at least similar, or the names are at least similar and both records hold the
same travel document; "different" otherwise. An absent category never counts as
agreement, and a date of birth that says little (a placeholder, a bare year) can make
a record similar, never the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from limes.core.errors import FieldError, InvalidRequest
from limes.matching.attributes import (
    compare_nationality,
    compare_place_of_birth,
    compare_sex,
    compare_travel_document,
)
from limes.matching.dates import compare_dates_of_birth
from limes.matching.identity import IdentityRecord
from limes.matching.names import compare_names
from limes.matching.results import Category, CategoryResult, Outcome

_AGREE = frozenset({Outcome.SAME, Outcome.SIMILAR})


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The verdict on two records with every category's result and the reason."""

    verdict: Outcome
    categories: tuple[CategoryResult, ...]
    explanation: str

    def result(self, category: Category) -> CategoryResult:
        """The result of one category."""
        return next(r for r in self.categories if r.category is category)


def match_identities(a: IdentityRecord, b: IdentityRecord) -> MatchResult:
    """Compare two identities (2023/333 and 2023/332, Art 2 and 3) and explain the verdict."""
    names = compare_names(a.surname, a.given_names, b.surname, b.given_names)
    dob = compare_dates_of_birth(a.dob, b.dob)
    sex = compare_sex(a.sex, b.sex)
    document = compare_travel_document(a, b)
    categories = (
        names,
        dob,
        sex,
        compare_nationality(a.nationality, b.nationality),
        compare_place_of_birth(a.place_of_birth, b.place_of_birth),
        document,
    )
    verdict, reason = _verdict(names, dob, sex, document)
    return MatchResult(verdict, categories, reason)


def _verdict(
    names: CategoryResult, dob: CategoryResult, sex: CategoryResult, document: CategoryResult
) -> tuple[Outcome, str]:
    contradicted = sex.outcome is Outcome.DIFFERENT
    if names.outcome is Outcome.SAME and dob.outcome is Outcome.SAME and not contradicted:
        return Outcome.SAME, "same: names and date of birth are the same"
    if names.outcome in _AGREE and dob.outcome in _AGREE and not contradicted:
        return Outcome.SIMILAR, (
            f"similar: names {names.outcome} ({names.rule}) and date of birth "
            f"{dob.outcome} ({dob.rule})"
        )
    if names.outcome in _AGREE and document.outcome is Outcome.SAME:
        return Outcome.SIMILAR, (
            f"similar: names {names.outcome} ({names.rule}) and the same travel document"
        )
    missing = [r.category.value for r in (names, dob) if r.outcome is Outcome.ABSENT]
    why = (
        f"{', '.join(missing)} missing"
        if missing
        else "; ".join(
            f"{r.category} {r.outcome}" for r in (names, dob, sex) if r.outcome is Outcome.DIFFERENT
        )
    )
    return Outcome.DIFFERENT, f"different: {why or 'too little agrees'}"


def match_json(payload: dict[str, Any]) -> dict[str, Any]:
    """The `limes match` handler: `{"a": identity, "b": identity}` to the verdict as JSON.

    Raises:
        InvalidRequest: `a` or `b` is missing or not a valid identity.
    """
    problems: list[FieldError] = [
        FieldError(side, "is missing: give an identity object")
        for side in "ab"
        if side not in payload
    ]
    if problems:
        raise InvalidRequest('give {"a": identity, "b": identity}', problems)
    a = IdentityRecord.from_json(payload["a"], field="a")
    b = IdentityRecord.from_json(payload["b"], field="b")
    result = match_identities(a, b)
    return {
        "verdict": result.verdict.value,
        "explanation": result.explanation,
        "categories": [
            {
                "category": r.category.value,
                "outcome": r.outcome.value,
                "score": r.score,
                "rule": r.rule,
                "explanation": r.explanation,
            }
            for r in result.categories
        ],
    }
