"""Sex, nationality, place of birth and travel document compared between two records.

Delegated Regulations (EU) 2023/333 and 2023/332 (Art 2 and 3, Annexes I and II
point 3), as amended in 2026: sex and nationality are the same when the codes are
equal; a place of birth is similar when its normalised text is close. A travel
document is the same when number and issuing country agree (Regulation (EU) 2019/817
Art 33(b)). A missing value on either side is "absent", never agreement.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from limes.matching.identity import IdentityRecord, Sex
from limes.matching.results import Category, CategoryResult, Outcome
from limes.matching.text import normalise

# Two spellings of one town ("Sankt Petersburg", "St Petersburg" aside) are similar
# from this Jaro-Winkler similarity of their normalised forms.
PLACE_SIMILAR_FROM = 0.9
_DOCUMENT_NOISE = re.compile(r"[\s<\-./]+")


def _absent(category: Category, what: str) -> CategoryResult:
    return CategoryResult(
        category, Outcome.ABSENT, 0.0, f"{category}.absent", f"{what} is missing on one side"
    )


def compare_sex(a: Sex | None, b: Sex | None) -> CategoryResult:
    """Sex: same when equal; X (unspecified) is never agreement (2023/333 Annex I 3.3)."""
    return _compare_sex(a, b)


# Sexes, nationalities and places of birth take few values, and every comparison
# asks for them: each answer is made once.
@lru_cache(maxsize=64)
def _compare_sex(a: Sex | None, b: Sex | None) -> CategoryResult:
    if a is None or b is None or Sex.X in (a, b):
        return _absent(Category.SEX, "a specified sex")
    if a is b:
        return CategoryResult(Category.SEX, Outcome.SAME, 1.0, "sex.equal", f"sex {a} = {b}")
    return CategoryResult(Category.SEX, Outcome.DIFFERENT, 0.0, "sex.differs", f"sex {a} ≠ {b}")


def compare_nationality(a: str | None, b: str | None) -> CategoryResult:
    """Nationality: same when the alpha-3 codes are equal (2023/333 Annex I point 3.4)."""
    return _compare_nationality(a, b)


@lru_cache(maxsize=1 << 16)
def _compare_nationality(a: str | None, b: str | None) -> CategoryResult:
    if not a or not b:
        return _absent(Category.NATIONALITY, "the nationality")
    if a == b:
        return CategoryResult(
            Category.NATIONALITY, Outcome.SAME, 1.0, "nationality.equal", f"nationality {a} = {b}"
        )
    return CategoryResult(
        Category.NATIONALITY,
        Outcome.DIFFERENT,
        0.0,
        "nationality.differs",
        f"nationality {a} ≠ {b} (a person may hold both)",
    )


def compare_place_of_birth(a: str | None, b: str | None) -> CategoryResult:
    """Place of birth: same when equal once normalised, similar when close (Annex II 3.4)."""
    return _compare_place_of_birth(a, b)


@lru_cache(maxsize=1 << 16)
def _compare_place_of_birth(a: str | None, b: str | None) -> CategoryResult:
    left, right = normalise(a or ""), normalise(b or "")
    if not left or not right:
        return _absent(Category.PLACE_OF_BIRTH, "the place of birth")
    if left == right:
        return CategoryResult(
            Category.PLACE_OF_BIRTH, Outcome.SAME, 1.0, "place.equal", f"'{a}' = '{b}'"
        )
    similarity = JaroWinkler.normalized_similarity(left, right)
    if similarity >= PLACE_SIMILAR_FROM:
        return CategoryResult(
            Category.PLACE_OF_BIRTH,
            Outcome.SIMILAR,
            round(similarity, 3),
            "place.close",
            f"'{a}' ~ '{b}' (Jaro-Winkler {similarity:.2f})",
        )
    return CategoryResult(
        Category.PLACE_OF_BIRTH, Outcome.DIFFERENT, 0.0, "place.differs", f"'{a}' ≠ '{b}'"
    )


def document_number(number: str | None) -> str:
    """A document number as compared: upper case, without spaces, dashes or fillers."""
    return _DOCUMENT_NOISE.sub("", number or "").upper()


def compare_travel_document(a: IdentityRecord, b: IdentityRecord) -> CategoryResult:
    """Travel document: same number from the same issuing country (2019/817 Art 33(b))."""
    left, right = document_number(a.doc_number), document_number(b.doc_number)
    if not left or not right:
        return _absent(Category.TRAVEL_DOCUMENT, "the travel document number")
    countries_known = a.doc_country is not None and b.doc_country is not None
    if left == right and (not countries_known or a.doc_country == b.doc_country):
        issued = f" issued by {a.doc_country}" if a.doc_country else ""
        # Without both issuing countries, an equal number is strong but not certain.
        outcome, score = (Outcome.SAME, 1.0) if countries_known else (Outcome.SIMILAR, 0.8)
        return CategoryResult(
            Category.TRAVEL_DOCUMENT,
            outcome,
            score,
            "document.equal" if countries_known else "document.number_equal",
            f"document {left}{issued} on both records",
        )
    return CategoryResult(
        Category.TRAVEL_DOCUMENT,
        Outcome.DIFFERENT,
        0.0,
        "document.differs",
        f"document {left} ({a.doc_country or '?'}) ≠ {right} ({b.doc_country or '?'})",
    )
