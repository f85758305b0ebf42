"""Dates of birth compared into same, similar, different or absent.

Delegated Regulation (EU) 2023/333 (supplementing Regulation (EU) 2019/817) and
Delegated Regulation (EU) 2023/332 (supplementing Regulation (EU) 2019/818), both as
amended by Delegated Regulations (EU) 2026/327 and 2026/326 (which add Eurodac
data), say when dates of birth are the same (Art 2, Annex I point 3.2) and when
they are similar (Art 3, Annex II point 3.2). Each case is one rule function
below, named after the fact it asserts; `compare_dates_of_birth` applies them in
order and the first that holds decides. The scores are limes's weights of the
evidence, kept in a versioned `DateRules` so that a change in the law is a new
rule table, not a code edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from limes.core.identity import PartialDate, Precision
from limes.matching.results import Category, CategoryResult, Outcome

# Delegated Regs (EU) 2023/333 and 2023/332, Art 2 and 3 with Annexes I and II point
# 3.2 (date of birth), as amended by 2026/327 and 2026/326; in force in the amended
# form from 4 March 2026 (the consolidated text's date). Only identical full dates
# are "same"; every case of "similar" scores well below it, and the dates that say
# least (placeholders, a bare year, a compatible partial date) score least, so that
# they can never decide a match on their own.
# A near miss scores by how few other days it would also accept: a day-month swap or
# a year off by one points at one or two other days, one digit off at about a dozen
# days of the same year (1980-07-14 also fits 1980-07-10 to -19, -04, -24, 1980-01-14
# ...), so a namesake born the same year fits it far more often: it scores as a bare
# year does. A year and month that fit a full date say as much as two equal years and
# months; a bare year that fits says least of all.
FULL_EQUAL_SCORE = 1.0
DAY_MONTH_SWAPPED_SCORE = 0.7
YEAR_OFF_BY_ONE_SCORE = 0.6
ONE_DIGIT_TYPO_SCORE = 0.3
YEAR_MONTH_EQUAL_SCORE = 0.4
MONTH_COMPATIBLE_SCORE = 0.4
PLACEHOLDER_EQUAL_SCORE = 0.3
YEAR_ONLY_EQUAL_SCORE = 0.3
PARTIAL_COMPATIBLE_SCORE = 0.25
AMENDED_FROM = date(2026, 3, 4)
ACT = (
    "Delegated Regulations (EU) 2023/333 and 2023/332, Art 2 and 3, Annexes I and II "
    "point 3.2, as amended by 2026/327 and 2026/326"
)


@dataclass(frozen=True, slots=True)
class DateRules:
    """The date-of-birth rule table in force from `effective_from` under `act`."""

    act: str
    effective_from: date
    full_equal: float = FULL_EQUAL_SCORE
    day_month_swapped: float = DAY_MONTH_SWAPPED_SCORE
    year_off_by_one: float = YEAR_OFF_BY_ONE_SCORE
    one_digit_typo: float = ONE_DIGIT_TYPO_SCORE
    year_month_equal: float = YEAR_MONTH_EQUAL_SCORE
    placeholder_equal: float = PLACEHOLDER_EQUAL_SCORE
    year_only_equal: float = YEAR_ONLY_EQUAL_SCORE
    partial_compatible: float = PARTIAL_COMPATIBLE_SCORE
    month_compatible: float = MONTH_COMPATIBLE_SCORE


DATE_RULES = DateRules(act=ACT, effective_from=AMENDED_FROM)

DateRule = Callable[[PartialDate, PartialDate, DateRules], CategoryResult | None]


def _result(outcome: Outcome, score: float, rule: str, explanation: str) -> CategoryResult:
    return CategoryResult(Category.DATE_OF_BIRTH, outcome, score, rule, explanation)


def _similar(score: float, rule: str, explanation: str) -> CategoryResult:
    return _result(Outcome.SIMILAR, score, rule, explanation)


def is_informative(value: PartialDate | None) -> bool:
    """A full date of birth that is not a 1 January placeholder: one that tells people apart."""
    return value is not None and value.precision is Precision.FULL and not value.is_low_information


def dob_full_equal(a: PartialDate, b: PartialDate, rules: DateRules) -> CategoryResult | None:
    """Both full dates of birth are the same day (2023/333 and 2023/332 Annex I point 3.2)."""
    if a != b or not is_informative(a):
        return None
    return _result(
        Outcome.SAME, rules.full_equal, "dob.full_equal", f"Both dates of birth are {a}."
    )


def dob_placeholder_equal(
    a: PartialDate, b: PartialDate, rules: DateRules
) -> CategoryResult | None:
    """Both dates are the same 1 January, a usual placeholder (2023/333, 2023/332 Annex II 3.2)."""
    if a != b or not a.is_low_information:
        return None
    return _similar(
        rules.placeholder_equal,
        "dob.placeholder_equal",
        f"Both dates of birth are {a}, but 1 January is often entered when only the year "
        "is known, so this is weak evidence.",
    )


def dob_year_only_equal(a: PartialDate, b: PartialDate, rules: DateRules) -> CategoryResult | None:
    """Both records give only the same year of birth (2023/333, 2023/332 Annex II point 3.2)."""
    if a != b or a.precision is not Precision.YEAR:
        return None
    return _similar(
        rules.year_only_equal,
        "dob.year_only_equal",
        f"Both records give only the year of birth {a}, which many people share.",
    )


def dob_year_month_equal(a: PartialDate, b: PartialDate, rules: DateRules) -> CategoryResult | None:
    """Both records give only the same year and month (2023/333, 2023/332 Annex II 3.2)."""
    if a != b or a.precision is not Precision.YEAR_MONTH:
        return None
    return _similar(
        rules.year_month_equal,
        "dob.year_month_equal",
        f"Both records give only the year and month of birth {a}.",
    )


def dob_placeholder_same_year(
    a: PartialDate, b: PartialDate, rules: DateRules
) -> CategoryResult | None:
    """A 1 January placeholder shares its year with the other date (Annex II point 3.2)."""
    if a.year != b.year or not (a.is_low_information or b.is_low_information):
        return None
    placeholder, other = (a, b) if a.is_low_information else (b, a)
    return _similar(
        rules.partial_compatible,
        "dob.placeholder_same_year",
        f"The date of birth {placeholder} looks like a placeholder for an unknown day and "
        f"month and shares its year with {other}.",
    )


def dob_day_month_swapped(
    a: PartialDate, b: PartialDate, rules: DateRules
) -> CategoryResult | None:
    """The full dates agree with day and month swapped (2023/333, 2023/332 Annex II 3.2)."""
    if not (is_informative(a) and is_informative(b)):
        return None
    if a == b or a.year != b.year or (a.day, a.month) != (b.month, b.day):
        return None
    return _similar(
        rules.day_month_swapped,
        "dob.day_month_swapped",
        f"The dates of birth {a} and {b} agree with day and month swapped, a common entry error.",
    )


def dob_year_off_by_one(a: PartialDate, b: PartialDate, rules: DateRules) -> CategoryResult | None:
    """The full dates share day and month, years one apart (2023/333, 2023/332 Annex II 3.2)."""
    if not (is_informative(a) and is_informative(b)):
        return None
    if abs(a.year - b.year) != 1 or (a.month, a.day) != (b.month, b.day):
        return None
    return _similar(
        rules.year_off_by_one,
        "dob.year_off_by_one",
        f"The dates of birth {a} and {b} agree in day and month and are one year apart.",
    )


def dob_one_digit_typo(a: PartialDate, b: PartialDate, rules: DateRules) -> CategoryResult | None:
    """The full dates differ in exactly one digit (2023/333, 2023/332 Annex II point 3.2)."""
    if not (is_informative(a) and is_informative(b)):
        return None
    digits_a, digits_b = a.isoformat(), b.isoformat()
    if sum(x != y for x, y in zip(digits_a, digits_b, strict=True)) != 1:
        return None
    return _similar(
        rules.one_digit_typo,
        "dob.one_digit_typo",
        f"The dates of birth {a} and {b} differ in one digit, a common typing error, but "
        "one that about a dozen other days of the year would also show.",
    )


def dob_partial_compatible(
    a: PartialDate, b: PartialDate, rules: DateRules
) -> CategoryResult | None:
    """A less precise date does not contradict the other (2023/333, 2023/332 Annex II 3.2)."""
    if a.precision is b.precision or not a.could_be_same(b):
        return None
    vague, precise = (a, b) if len(a.isoformat()) < len(b.isoformat()) else (b, a)
    month = vague.precision is Precision.YEAR_MONTH
    return _similar(
        rules.month_compatible if month else rules.partial_compatible,
        "dob.partial_compatible",
        f"The date of birth {vague} is less precise than {precise} and does not contradict it.",
    )


# In order: the first rule that holds decides. Equality comes first; the rules for
# near misses exclude placeholder dates, whose day and month carry no evidence.
DATE_OF_BIRTH_RULES: tuple[DateRule, ...] = (
    dob_full_equal,
    dob_placeholder_equal,
    dob_year_only_equal,
    dob_year_month_equal,
    dob_day_month_swapped,
    dob_year_off_by_one,
    dob_one_digit_typo,
    dob_placeholder_same_year,
    dob_partial_compatible,
)


def compare_dates_of_birth(
    a: PartialDate | None, b: PartialDate | None, *, rules: DateRules = DATE_RULES
) -> CategoryResult:
    """Compare two dates of birth under 2023/333 and 2023/332 Art 2-3, Annexes I-II point 3.2.

    Args:
        a: the date of birth of one record, in its precision, or None.
        b: the date of birth of the other record, or None.
        rules: the rule table to apply; the one in force by default.

    Returns:
        Same for identical full dates; similar for the named near misses and
        low-information agreements; absent if either date is missing (never
        agreement); different otherwise.
    """
    if a is None or b is None:
        if a is None and b is None:
            missing = "neither record has one"
        else:
            missing = f"the {'first' if a is None else 'second'} record has none"
        return _result(
            Outcome.ABSENT, 0.0, "dob.absent", f"No dates of birth to compare: {missing}."
        )
    if rules is DATE_RULES:
        return _compare_in_force(a, b)
    return _compare_under(a, b, rules)


@lru_cache(maxsize=1 << 16)
def _compare_in_force(a: PartialDate, b: PartialDate) -> CategoryResult:
    # People are born on some 40,000 days: pairs of dates recur far more than pairs
    # of records, so the table in force keeps its answers.
    return _compare_under(a, b, DATE_RULES)


def _compare_under(a: PartialDate, b: PartialDate, rules: DateRules) -> CategoryResult:
    for rule in DATE_OF_BIRTH_RULES:
        result = rule(a, b, rules)
        if result is not None:
            return result
    return _result(
        Outcome.DIFFERENT,
        0.0,
        "dob.different",
        f"The dates of birth {a} and {b} are different.",
    )
