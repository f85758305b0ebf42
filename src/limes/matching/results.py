"""Outcomes of comparing one category of identity data between two records.

Delegated Regulations (EU) 2023/333 and 2023/332 (Art 2 and 3, Annexes I and II)
sort identity data per category into "same" and "similar"; what is neither is
"different". limes adds "absent" for a category one side does not hold, so that a
missing value is never mistaken for agreement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """How the values of one category compare (2023/333 and 2023/332, Art 2 and 3)."""

    SAME = "same"
    SIMILAR = "similar"
    DIFFERENT = "different"
    # One side has no usable value: never counts as agreement.
    ABSENT = "absent"


class Category(StrEnum):
    """The identity data categories of Annexes I and II, point 3, plus the travel document."""

    NAMES = "names"
    DATE_OF_BIRTH = "date_of_birth"
    SEX = "sex"
    NATIONALITY = "nationality"
    PLACE_OF_BIRTH = "place_of_birth"
    TRAVEL_DOCUMENT = "travel_document"


@dataclass(frozen=True, slots=True)
class CategoryResult:
    """The outcome for one category, with the rule that decided it and why.

    Attributes:
        category: the data category compared.
        outcome: same, similar, different or absent.
        score: the strength of the evidence, 0 (none) to 1 (same).
        rule: the identifier of the deciding rule, e.g. "dob.day_month_swapped".
        explanation: one sentence for a border guard, naming the values compared.
    """

    category: Category
    outcome: Outcome
    score: float
    rule: str
    explanation: str

    def __post_init__(self) -> None:
        # A result out of range or without its reason is a programming error, not a
        # comparison outcome, so it fails loudly.
        if not (math.isfinite(self.score) and 0.0 <= self.score <= 1.0):
            raise ValueError(f"score {self.score} is not between 0 and 1")
        if not self.rule.strip() or not self.explanation.strip():
            raise ValueError("a category result needs a rule and an explanation")
