"""Names compared into same, similar, different or absent.

Delegated Regulation (EU) 2023/333 (supplementing Regulation (EU) 2019/817) and
Delegated Regulation (EU) 2023/332 (supplementing Regulation (EU) 2019/818), both as
amended by Delegated Regulations (EU) 2026/327 and 2026/326 (which add Eurodac
data), say when names are the same (Art 2, Annex I point 3.1) and when they are
similar (Art 3, Annex II point 3.1; the Commission's example is "Smith" and
"Smieth"). A name is compared in every transliteration `limes.matching.text`
gives it, so a Cyrillic name and its ICAO Latin form are the same name. Each case
is one rule function below, named after the fact it asserts; `compare_names`
applies them in order and the first that holds decides. The scores are limes's
weights of the evidence, kept in a versioned `NameRules` so that a change in the
law is a new rule table, not a code edit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import product

from rapidfuzz.distance import JaroWinkler

from limes.matching.results import Category, CategoryResult, Outcome
from limes.matching.text import phonetic_keys, transliterations

# Delegated Regs (EU) 2023/333 and 2023/332, Art 2 and 3 with Annexes I and II point
# 3.1 (names), as amended by 2026/327 and 2026/326; in force in the amended form from
# 4 March 2026 (the consolidated text's date). Only identical surname and given names
# are "same"; a swap loses only the order, initials and spelling variants lose more,
# and a surname without given names says least. A fuzzy match scores its similarity
# scaled by FUZZY_SCALE, so it never outranks a swap; a "different" result keeps the
# closest similarity found, capped so that it never outranks any "similar".
EQUAL_SCORE = 1.0
SWAPPED_SCORE = 0.9
INITIALS_SCORE = 0.75
GIVEN_MISSING_SCALE = 0.6
FUZZY_SCALE = 0.9
DIFFERENT_CAP = 0.5
# Jaro-Winkler thresholds: the GTAS QuickMatch uses 0.95 on full names; per field we
# accept a little less, and given names (short, often abbreviated) less still.
SURNAME_THRESHOLD = 0.9
GIVEN_THRESHOLD = 0.85
# A shared sound alone is not enough for names that look unalike: "John" and "Jane"
# share their Soundex code. Below this Jaro-Winkler similarity sound does not count.
PHONETIC_FLOOR = 0.75
AMENDED_FROM = date(2026, 3, 4)
ACT = (
    "Delegated Regulations (EU) 2023/333 and 2023/332, Art 2 and 3, Annexes I and II "
    "point 3.1, as amended by 2026/327 and 2026/326"
)


@dataclass(frozen=True, slots=True)
class NameRules:
    """The names rule table in force from `effective_from` under `act`."""

    act: str
    effective_from: date
    equal: float = EQUAL_SCORE
    swapped: float = SWAPPED_SCORE
    initials: float = INITIALS_SCORE
    given_missing_scale: float = GIVEN_MISSING_SCALE
    fuzzy_scale: float = FUZZY_SCALE
    different_cap: float = DIFFERENT_CAP
    surname_threshold: float = SURNAME_THRESHOLD
    given_threshold: float = GIVEN_THRESHOLD
    phonetic_floor: float = PHONETIC_FLOOR


NAME_RULES = NameRules(act=ACT, effective_from=AMENDED_FROM)

Tokens = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Name:
    """One record's name: the token sequences of every transliteration of each field."""

    surnames: tuple[Tokens, ...]
    given: tuple[Tokens, ...]

    @classmethod
    def of(cls, surname: str, given: str) -> _Name:
        return cls(_variants(surname), _variants(given))


def _variants(field: str) -> tuple[Tokens, ...]:
    return tuple(dict.fromkeys(tuple(form.split()) for form in transliterations(field)))


NameRule = Callable[[_Name, _Name, NameRules], CategoryResult | None]


@dataclass(frozen=True, slots=True)
class _Pair:
    """The closest variants of one field, how similar, and whether that counts as similar."""

    a: Tokens
    b: Tokens
    similarity: float
    phonetic: bool
    holds: bool

    def describe(self) -> str:
        a, b = " ".join(self.a), " ".join(self.b)
        if self.a == self.b:
            return f"'{a}' = '{b}'"
        how = "same phonetic key, " if self.phonetic else ""
        return f"'{a}' ~ '{b}' ({how}Jaro-Winkler {self.similarity:.2f})"


def _result(outcome: Outcome, score: float, rule: str, explanation: str) -> CategoryResult:
    return CategoryResult(Category.NAMES, outcome, round(score, 3), rule, explanation)


def _similar(score: float, rule: str, explanation: str) -> CategoryResult:
    return _result(Outcome.SIMILAR, score, rule, explanation)


def _similarity(a: Tokens, b: Tokens) -> float:
    return float(JaroWinkler.normalized_similarity(" ".join(a), " ".join(b)))


def _phonetic(a: Tokens, b: Tokens, *, all_keys: bool) -> bool:
    # Token by token: all keys equal (surnames) or at least one shared (given names).
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        keys_x, keys_y = phonetic_keys(x), phonetic_keys(y)
        if not keys_x or (keys_x != keys_y if all_keys else not set(keys_x) & set(keys_y)):
            return False
    return True


def _closest(
    a: tuple[Tokens, ...],
    b: tuple[Tokens, ...],
    threshold: float,
    *,
    surname: bool,
    floor: float = PHONETIC_FLOOR,
) -> _Pair | None:
    """The variant pair that holds with the highest similarity, else the most similar one."""
    pairs = []
    for x, y in product(a, b):
        similarity = _similarity(x, y)
        phonetic = similarity >= floor and _phonetic(x, y, all_keys=surname)
        holds = similarity >= threshold or phonetic
        pairs.append(_Pair(x, y, similarity, phonetic and similarity < threshold, holds))
    return max(pairs, key=lambda p: (p.holds, p.similarity), default=None)


def names_equal(a: _Name, b: _Name, rules: NameRules) -> CategoryResult | None:
    """Some transliteration of both names is identical (2023/333, 2023/332 Annex I 3.1)."""
    for (sa, sb), (ga, gb) in product(product(a.surnames, b.surnames), product(a.given, b.given)):
        if sa == sb and ga == gb:
            return _result(
                Outcome.SAME,
                rules.equal,
                "names.equal",
                f"Surname '{' '.join(sa)}' = '{' '.join(sb)}', given names "
                f"'{' '.join(ga)}' = '{' '.join(gb)}': same.",
            )
    return None


def names_swapped(a: _Name, b: _Name, rules: NameRules) -> CategoryResult | None:
    """The same name parts, but in other fields or order (Annex II point 3.1)."""
    for sa, ga in product(a.surnames or ((),), a.given or ((),)):
        for sb, gb in product(b.surnames or ((),), b.given or ((),)):
            if len(sa + ga) < 2 or Counter(sa + ga) != Counter(sb + gb):
                continue
            return _similar(
                rules.swapped,
                "names.swapped",
                f"Surname and given names '{' '.join(sa)}' / '{' '.join(ga)}' and "
                f"'{' '.join(sb)}' / '{' '.join(gb)}' hold the same names in another "
                f"order: similar (score {rules.swapped:.2f}).",
            )
    return None


def _initials_of(a: Tokens, b: Tokens) -> bool:
    if len(a) != len(b) or a == b:
        return False
    return all(
        x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
        for x, y in zip(a, b, strict=True)
    )


def names_initials(a: _Name, b: _Name, rules: NameRules) -> CategoryResult | None:
    """Equal surnames, given names as initials on one side (Annex II point 3.1)."""
    for sa, sb in product(a.surnames, b.surnames):
        if sa != sb:
            continue
        for ga, gb in product(a.given, b.given):
            if _initials_of(ga, gb):
                return _similar(
                    rules.initials,
                    "names.initials",
                    f"Surname '{' '.join(sa)}' = '{' '.join(sb)}', given names "
                    f"'{' '.join(ga)}' ~ '{' '.join(gb)}' (initials): similar "
                    f"(score {rules.initials:.2f}).",
                )
    return None


def names_given_missing(a: _Name, b: _Name, rules: NameRules) -> CategoryResult | None:
    """Similar surnames, but given names missing on a side (Annex II point 3.1).

    A missing given name is no agreement, so even equal surnames are only similar.
    """
    if a.given and b.given:
        return None
    surname = _closest(
        a.surnames, b.surnames, rules.surname_threshold, surname=True, floor=rules.phonetic_floor
    )
    if surname is None or not surname.holds:
        return None
    where = "both records" if not (a.given or b.given) else "one record"
    score = surname.similarity * rules.given_missing_scale
    return _similar(
        score,
        "names.given_missing",
        f"Surname {surname.describe()}, given names missing on {where}: similar "
        f"(score {score:.2f}).",
    )


def names_fuzzy(a: _Name, b: _Name, rules: NameRules) -> CategoryResult | None:
    """Surnames and given names spelt alike or sounding alike (Annex II point 3.1)."""
    surname = _closest(
        a.surnames, b.surnames, rules.surname_threshold, surname=True, floor=rules.phonetic_floor
    )
    given = _closest(
        a.given, b.given, rules.given_threshold, surname=False, floor=rules.phonetic_floor
    )
    if surname is None or given is None or not (surname.holds and given.holds):
        return None
    score = (surname.similarity + given.similarity) / 2 * rules.fuzzy_scale
    return _similar(
        score,
        "names.fuzzy",
        f"Surname {surname.describe()}, given names {given.describe()}: similar "
        f"(score {score:.2f}).",
    )


# In order: the first rule that holds decides.
NAMES_RULES: tuple[NameRule, ...] = (
    names_equal,
    names_swapped,
    names_initials,
    names_given_missing,
    names_fuzzy,
)


def compare_names(
    a_surname: str,
    a_given: str,
    b_surname: str,
    b_given: str,
    *,
    rules: NameRules = NAME_RULES,
) -> CategoryResult:
    """Compare two names under 2023/333 and 2023/332 Art 2-3, Annexes I-II point 3.1.

    Args:
        a_surname: the surname of one record, as entered, in any script.
        a_given: its given names, as entered (may be blank).
        b_surname: the surname of the other record.
        b_given: its given names.
        rules: the rule table to apply; the one in force by default.

    Returns:
        Same if some transliterations are identical; similar for swapped names,
        initials, missing given names and close spellings or sounds; absent if
        either record has no usable name (never agreement); different otherwise,
        scored by the closest pair found.
    """
    a, b = _Name.of(a_surname, a_given), _Name.of(b_surname, b_given)
    a_blank, b_blank = not (a.surnames or a.given), not (b.surnames or b.given)
    if a_blank or b_blank:
        missing = (
            "neither record has one"
            if a_blank and b_blank
            else (f"the {'first' if a_blank else 'second'} record has none")
        )
        return _result(Outcome.ABSENT, 0.0, "names.absent", f"No names to compare: {missing}.")
    for rule in NAMES_RULES:
        result = rule(a, b, rules)
        if result is not None:
            return result
    surname = _closest(
        a.surnames, b.surnames, rules.surname_threshold, surname=True, floor=rules.phonetic_floor
    )
    given = _closest(
        a.given, b.given, rules.given_threshold, surname=False, floor=rules.phonetic_floor
    )
    found = [pair for pair in (surname, given) if pair is not None]
    closest = ", ".join(
        f"{'surname' if pair is surname else 'given names'} {pair.describe()}" for pair in found
    )
    score = min(rules.different_cap, max((p.similarity for p in found), default=0.0))
    return _result(
        Outcome.DIFFERENT,
        score,
        "names.different",
        f"The names are different; closest were {closest or 'none'} (score {score:.2f}).",
    )
