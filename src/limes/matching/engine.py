"""Two identity records compared category by category into one verdict, explained.

The verdict is what the multiple-identity detector needs (Regulations (EU) 2019/817
and 2019/818, Art 27-33). Identity data are "same" when names and date of birth are
the same and the sex does not contradict them. Otherwise each category adds its
weight of evidence for or against one person (`VerdictRules`), and the records are
"similar" when the names are at least similar and the evidence reaches
`similar_from`: similar names need an agreeing date of birth or the same travel
document, and a date of birth that says little (a placeholder, a bare year) counts
for little, so it cannot outweigh two different travel documents on its own. An
absent category adds nothing either way; a clearly different full date of birth
counts strongly against. The explanation lists every weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from limes.core.errors import FieldError, InvalidRequest
from limes.matching.attributes import (
    compare_nationality,
    compare_place_of_birth,
    compare_sex,
    compare_travel_document,
)
from limes.matching.dates import compare_dates_of_birth, is_informative
from limes.matching.identity import IdentityRecord
from limes.matching.names import compare_names
from limes.matching.results import Category, CategoryResult, Outcome

_AGREE = frozenset({Outcome.SAME, Outcome.SIMILAR})

# The delegated acts (2023/333 and 2023/332, Art 2-3 and Annexes I-II) say per
# category which data are same or similar; how the categories together make two
# records similar is limes's reading, weighed here roughly as log-odds of one person
# against two. Names and date of birth count by their category score (same = 1), so
# the same names (4) with a bare year of birth (0.25-0.3 x 4 = 1-1.2) just reach 5:
# enough when nothing disagrees, not against two different travel documents (-0.5),
# as namesakes born the same year are then as likely as one person with a new
# passport.
# A year and month, or a near-miss full date (swap, year off by one), carry the same
# names past a different document; one digit off does not (a dozen other days of
# the year would fit it). The same document counts most, as in Art 33(1)(b), but
# never without at least similar names (an impostor on someone else's passport). A
# different document counts little against: passports are renewed and people hold
# several. Sex and nationality agree for most namesakes too, so only their
# disagreement counts, the sex strongly (it is rarely mistyped), the nationality
# weakly (dual nationals).
SIMILAR_FROM = 5.0
NAMES_WEIGHT = 4.0
DOB_WEIGHT = 4.0
DOB_CLEARLY_DIFFERENT = -4.0
DOB_LOOSELY_DIFFERENT = -2.0
DOCUMENT_WEIGHT = 5.0
DOCUMENT_DIFFERENT = -0.5
SEX_DIFFERENT = -4.0
NATIONALITY_DIFFERENT = -1.0
PLACE_OF_BIRTH_WEIGHT = 1.0
PLACE_OF_BIRTH_DIFFERENT = -1.0
AMENDED_FROM = date(2026, 3, 4)
ACT = (
    "Regulations (EU) 2019/817 and 2019/818, Art 27-33, with Delegated Regulations (EU) "
    "2023/333 and 2023/332, Art 2 and 3, as amended by 2026/327 and 2026/326"
)


@dataclass(frozen=True, slots=True)
class VerdictRules:
    """The weights that combine categories into a verdict, in force from `effective_from`."""

    act: str
    effective_from: date
    similar_from: float = SIMILAR_FROM
    names: float = NAMES_WEIGHT
    dob: float = DOB_WEIGHT
    dob_clearly_different: float = DOB_CLEARLY_DIFFERENT
    dob_loosely_different: float = DOB_LOOSELY_DIFFERENT
    document: float = DOCUMENT_WEIGHT
    document_different: float = DOCUMENT_DIFFERENT
    sex_different: float = SEX_DIFFERENT
    nationality_different: float = NATIONALITY_DIFFERENT
    place_of_birth: float = PLACE_OF_BIRTH_WEIGHT
    place_of_birth_different: float = PLACE_OF_BIRTH_DIFFERENT


VERDICT_RULES = VerdictRules(act=ACT, effective_from=AMENDED_FROM)


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The verdict on two records with every category's result and the reason."""

    verdict: Outcome
    categories: tuple[CategoryResult, ...]
    explanation: str

    def result(self, category: Category) -> CategoryResult:
        """The result of one category."""
        return next(r for r in self.categories if r.category is category)


def match_identities(
    a: IdentityRecord, b: IdentityRecord, *, rules: VerdictRules = VERDICT_RULES
) -> MatchResult:
    """Compare two identities (2023/333 and 2023/332, Art 2 and 3) and explain the verdict."""
    names = compare_names(a.surname, a.given_names, b.surname, b.given_names)
    dob = compare_dates_of_birth(a.dob, b.dob)
    categories = (
        names,
        dob,
        compare_sex(a.sex, b.sex),
        compare_nationality(a.nationality, b.nationality),
        compare_place_of_birth(a.place_of_birth, b.place_of_birth),
        compare_travel_document(a, b),
    )
    # Two full, informative dates that are no near miss are strong evidence of two
    # people; a difference involving a bare year or a placeholder is weaker.
    informative = is_informative(a.dob) and is_informative(b.dob)
    verdict, reason = _verdict(categories, rules, informative_dates=informative)
    return MatchResult(verdict, categories, reason)


def evidence(
    result: CategoryResult, rules: VerdictRules = VERDICT_RULES, *, informative_dates: bool
) -> float:
    """The weight one category's result adds for one person (+) or two (-); absent adds 0.

    Args:
        result: one category's result.
        rules: the weights to apply; the table in force by default.
        informative_dates: both dates of birth are full and no placeholder, so that a
            difference between them is a clear one.
    """
    category, outcome = result.category, result.outcome
    if outcome is Outcome.ABSENT:
        return 0.0
    agree = outcome in _AGREE
    if category is Category.NAMES:
        return rules.names * result.score if agree else 0.0
    if category is Category.DATE_OF_BIRTH:
        if agree:
            return rules.dob * result.score
        return rules.dob_clearly_different if informative_dates else rules.dob_loosely_different
    if category is Category.TRAVEL_DOCUMENT:
        return rules.document * result.score if agree else rules.document_different
    if category is Category.PLACE_OF_BIRTH:
        return rules.place_of_birth * result.score if agree else rules.place_of_birth_different
    if agree:
        return 0.0
    return rules.sex_different if category is Category.SEX else rules.nationality_different


def _verdict(
    categories: tuple[CategoryResult, ...], rules: VerdictRules, *, informative_dates: bool
) -> tuple[Outcome, str]:
    names, dob, sex = categories[0], categories[1], categories[2]
    contradicted = sex.outcome is Outcome.DIFFERENT
    if names.outcome is Outcome.SAME and dob.outcome is Outcome.SAME and not contradicted:
        return Outcome.SAME, "same: names and date of birth are the same"
    if names.outcome not in _AGREE:
        return Outcome.DIFFERENT, f"different: names {names.outcome} ({names.rule})"
    weights = [(r, evidence(r, rules, informative_dates=informative_dates)) for r in categories]
    total = sum(w for _, w in weights)
    listed = ", ".join(
        f"{r.category.value.replace('_', ' ')} {r.outcome} ({r.rule}) {w:+.1f}"
        for r, w in weights
        if w
    )
    if total >= rules.similar_from:
        return (
            Outcome.SIMILAR,
            f"similar: {listed}; evidence {total:.1f} >= {rules.similar_from:.1f}",
        )
    return Outcome.DIFFERENT, (
        f"different: too little agrees: {listed}; evidence {total:.1f} < {rules.similar_from:.1f}"
    )


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
