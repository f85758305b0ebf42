"""Names compared into same, similar, different or absent.

Delegated Regulation (EU) 2023/333 (supplementing Regulation (EU) 2019/817) and
Delegated Regulation (EU) 2023/332 (supplementing Regulation (EU) 2019/818), both as
amended by Delegated Regulations (EU) 2026/327 and 2026/326 (which add Eurodac
data), say when names are the same (Art 2, Annex I point 3.1) and when they are
similar (Art 3, Annex II point 3.1; the Commission's example is "Smith" and
"Smieth"). A name is compared in every transliteration `limes.matching.text`
gives it, so a Cyrillic name and its ICAO Latin form are the same name, and in the
known spellings of `limes.matching.variants` (Kim and Gim, Mohammed and Muhammad).
Each case is one rule function below, named after the fact it asserts;
`compare_names` applies them in order and the first that holds decides. The scores
are limes's weights of the evidence, kept in a versioned `NameRules` so that a
change in the law is a new rule table, not a code edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from itertools import product

from limes.matching.results import Category, CategoryResult, Outcome
from limes.matching.spelling import (
    FieldPair,
    Link,
    Part,
    PartLink,
    Tokens,
    Tolerance,
    align,
    closest,
)
from limes.matching.text import normalise, transliterations

# Delegated Regs (EU) 2023/333 and 2023/332, Art 2 and 3 with Annexes I and II point
# 3.1 (names), as amended by 2026/327 and 2026/326; in force in the amended form from
# 4 March 2026 (the consolidated text's date). Only identical surname and given names
# are "same"; a swap loses only the order, initials and spelling variants lose more,
# and a surname without given names says least. A fuzzy match scores its similarity
# scaled by FUZZY_SCALE, so it never outranks a swap; a "different" result keeps the
# closest similarity found, capped so that it never outranks any "similar" (the
# weakest, two letters off beside an initial, scores 0.11).
EQUAL_SCORE = 1.0
SWAPPED_SCORE = 0.9
INITIALS_SCORE = 0.75
GIVEN_MISSING_SCALE = 0.6
FUZZY_SCALE = 0.9
# Name parts matched across fields and order, each equal, an initial or spelt alike:
# two departures at once (swapped and abbreviated), so below either alone.
PARTS_SCALE = 0.8
# Every part equal but one, and that one a letter or two further off than a typing
# error is allowed ("Le" and "Ee"; "Caarter" and "Caeter", each record misspelt): a
# likely slip, but short names a letter apart are often other names ("Li", "Lu"), so
# this is the weakest "similar", NEAR_SCORE for one letter off and half of it for two,
# and the verdict needs the date of birth or the document to agree as well. At most
# one letter per NEAR_SPAN letters (and one however short), never more than MAX_EDITS.
NEAR_SCORE = 0.45
NEAR_SPAN = 3
DIFFERENT_CAP = 0.1
# Jaro-Winkler thresholds: the GTAS QuickMatch uses 0.95 on full names; per field we
# accept a little less, and given names (short, often abbreviated) less still.
SURNAME_THRESHOLD = 0.9
GIVEN_THRESHOLD = 0.85
# A shared sound alone is not enough for names that look unalike: "John" and "Jane"
# share their Soundex code. Below this Jaro-Winkler similarity sound does not count.
PHONETIC_FLOOR = 0.75
# Typing errors: Jaro-Winkler forgives slips at the end of a name far more than at
# its start ("Price" and "Irice" score 0.87). So a name is also spelt alike when it is
# at most one edit (a letter inserted, left out or replaced, or two neighbours
# swapped) per EDIT_SPAN letters of the longer spelling away, and never more than
# MAX_EDITS: Smith/Smieth and Woods/Voods, but not John/Jane (three edits).
EDIT_SPAN = 4
MAX_EDITS = 2
# Two spellings of one name in the tables of `limes.matching.variants` are as good as
# a close spelling; an initial says only the first letter.
KNOWN_SPELLING_SIMILARITY = 0.9
INITIAL_SIMILARITY = 0.5
AMENDED_FROM = date(2026, 3, 4)
ACT = (
    "Delegated Regulations (EU) 2023/333 and 2023/332, Art 2 and 3, Annexes I and II "
    "point 3.1, as amended by 2026/327 and 2026/326"
)
# Enough for the distinct names a detector sees between repeats; about 1.4 kB each.
_PREPARED_NAMES = 1 << 16


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
    parts_scale: float = PARTS_SCALE
    near: float = NEAR_SCORE
    different_cap: float = DIFFERENT_CAP
    surname_threshold: float = SURNAME_THRESHOLD
    given_threshold: float = GIVEN_THRESHOLD
    phonetic_floor: float = PHONETIC_FLOOR
    edit_span: int = EDIT_SPAN
    near_span: int = NEAR_SPAN
    max_edits: int = MAX_EDITS
    known_spelling: float = KNOWN_SPELLING_SIMILARITY
    initial: float = INITIAL_SIMILARITY
    # The spelling fields above, as `limes.matching.spelling` takes them.
    tolerance: Tolerance = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tolerance = Tolerance(
            surname_threshold=self.surname_threshold,
            given_threshold=self.given_threshold,
            phonetic_floor=self.phonetic_floor,
            edit_span=self.edit_span,
            near_span=self.near_span,
            max_edits=self.max_edits,
            known_spelling=self.known_spelling,
            initial=self.initial,
        )
        object.__setattr__(self, "tolerance", tolerance)


NAME_RULES = NameRules(act=ACT, effective_from=AMENDED_FROM)


@dataclass(frozen=True, slots=True)
class _Name:
    """One record's name: every transliteration of each field, and its parts."""

    surnames: tuple[Tokens, ...]
    given: tuple[Tokens, ...]
    parts: tuple[Part, ...]
    # Every variant's name parts, sorted: equal bags are the same names in another order.
    bags: frozenset[Tokens]
    # Every form of every word, in either field.
    words: frozenset[str]

    @classmethod
    def of(cls, surname: str, given: str) -> _Name:
        return _prepared(surname, given)


@lru_cache(maxsize=_PREPARED_NAMES)
def _prepared(surname: str, given: str) -> _Name:
    # Transliterating is most of the cost of a comparison, and a detector compares
    # each record many times: each name is prepared once.
    surnames, givens = _variants(surname), _variants(given)
    parts = (
        *_parts(surnames, normalise(surname).split(), surname=True),
        *_parts(givens, normalise(given).split(), surname=False),
    )
    bags = frozenset(
        tuple(sorted(s + g))
        for s, g in product(surnames or ((),), givens or ((),))
        if len(s + g) >= 2
    )
    words = frozenset(w for form in (*surnames, *givens) for w in form)
    return _Name(surnames, givens, parts, bags, words)


def _variants(text: str) -> tuple[Tokens, ...]:
    return tuple(dict.fromkeys(tuple(form.split()) for form in transliterations(text)))


def _parts(forms: tuple[Tokens, ...], entered: list[str], *, surname: bool) -> tuple[Part, ...]:
    # Transliterations keep word boundaries, so the k-th word of every form with as
    # many words as the first is the same part of the name, and of the name entered.
    if not forms:
        return ()
    count = len(forms[0])
    parts = []
    for k in range(count):
        words = tuple(dict.fromkeys(f[k] for f in forms if len(f) == count))
        initial = len(entered[k]) == 1 if len(entered) == count else len(words[0]) == 1
        parts.append(Part(surname, words, initial))
    return tuple(parts)


class _Comparison:
    """Two prepared names under one rule table; what several rules need is computed once."""

    def __init__(self, a: _Name, b: _Name, rules: NameRules) -> None:
        self.a, self.b, self.rules = a, b, rules

    @cached_property
    def surname(self) -> FieldPair | None:
        return closest(
            self.a.surnames, self.b.surnames, surname=True, tolerance=self.rules.tolerance
        )

    @cached_property
    def given(self) -> FieldPair | None:
        return closest(self.a.given, self.b.given, surname=False, tolerance=self.rules.tolerance)

    @cached_property
    def alignment(self) -> tuple[PartLink, ...] | None:
        """Each part of one name answered by a distinct part of the other, best first."""
        # Every rule that aligns parts needs one part written alike on both sides (an
        # equal word, or a field spelt alike): without one, no alignment can hold, and
        # most pairs of different people stop here.
        if self.a.words.isdisjoint(self.b.words) and not (
            (self.surname is not None and self.surname.holds)
            or (self.given is not None and self.given.holds)
        ):
            return None
        return align(self.a.parts, self.b.parts, self.rules.tolerance)


NameRule = Callable[[_Comparison], CategoryResult | None]


def _result(outcome: Outcome, score: float, rule: str, explanation: str) -> CategoryResult:
    return CategoryResult(Category.NAMES, outcome, round(score, 3), rule, explanation)


def _similar(score: float, rule: str, explanation: str) -> CategoryResult:
    return _result(Outcome.SIMILAR, score, rule, explanation)


def names_equal(c: _Comparison) -> CategoryResult | None:
    """Some transliteration of both names is identical (2023/333, 2023/332 Annex I 3.1)."""
    a, b = c.a, c.b
    for (sa, sb), (ga, gb) in product(product(a.surnames, b.surnames), product(a.given, b.given)):
        if sa == sb and ga == gb:
            return _result(
                Outcome.SAME,
                c.rules.equal,
                "names.equal",
                f"Surname '{' '.join(sa)}' = '{' '.join(sb)}', given names "
                f"'{' '.join(ga)}' = '{' '.join(gb)}': same.",
            )
    return None


def names_swapped(c: _Comparison) -> CategoryResult | None:
    """The same name parts, but in other fields or order (Annex II point 3.1)."""
    a, b = c.a, c.b
    if a.bags.isdisjoint(b.bags):
        return None
    for sa, ga in product(a.surnames or ((),), a.given or ((),)):
        if tuple(sorted(sa + ga)) not in b.bags:
            continue
        sb, gb = next(
            (s, g)
            for s, g in product(b.surnames or ((),), b.given or ((),))
            if sorted(s + g) == sorted(sa + ga)
        )
        return _similar(
            c.rules.swapped,
            "names.swapped",
            f"Surname and given names '{' '.join(sa)}' / '{' '.join(ga)}' and "
            f"'{' '.join(sb)}' / '{' '.join(gb)}' hold the same names in another "
            f"order: similar (score {c.rules.swapped:.2f}).",
        )
    return None  # pragma: no cover - the bags said some variant pair is a swap


def _initials_of(a: Tokens, b: Tokens) -> bool:
    if len(a) != len(b) or a == b:
        return False
    return all(
        x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
        for x, y in zip(a, b, strict=True)
    )


def names_initials(c: _Comparison) -> CategoryResult | None:
    """Equal surnames, given names as initials on one side (Annex II point 3.1)."""
    for sa, sb in product(c.a.surnames, c.b.surnames):
        if sa != sb:
            continue
        for ga, gb in product(c.a.given, c.b.given):
            if _initials_of(ga, gb):
                return _similar(
                    c.rules.initials,
                    "names.initials",
                    f"Surname '{' '.join(sa)}' = '{' '.join(sb)}', given names "
                    f"'{' '.join(ga)}' ~ '{' '.join(gb)}' (initials): similar "
                    f"(score {c.rules.initials:.2f}).",
                )
    return None


def names_given_missing(c: _Comparison) -> CategoryResult | None:
    """Similar surnames, but given names missing on a side (Annex II point 3.1).

    A missing given name is no agreement, so even equal surnames are only similar.
    """
    if c.a.given and c.b.given:
        return None
    surname = c.surname
    if surname is None or not surname.holds:
        return None
    where = "both records" if not (c.a.given or c.b.given) else "one record"
    score = surname.similarity * c.rules.given_missing_scale
    return _similar(
        score,
        "names.given_missing",
        f"Surname {surname.describe()}, given names missing on {where}: similar "
        f"(score {score:.2f}).",
    )


def names_fuzzy(c: _Comparison) -> CategoryResult | None:
    """Surnames and given names spelt alike, with typing errors or sounding alike (Annex II 3.1)."""
    surname, given = c.surname, c.given
    if surname is None or given is None or not (surname.holds and given.holds):
        return None
    score = (surname.similarity + given.similarity) / 2 * c.rules.fuzzy_scale
    return _similar(
        score,
        "names.fuzzy",
        f"Surname {surname.describe()}, given names {given.describe()}: similar "
        f"(score {score:.2f}).",
    )


def names_parts(c: _Comparison) -> CategoryResult | None:
    """Each name part answered by one of the other name, in any field or order (Annex II 3.1).

    Covers two departures at once: swapped and abbreviated ("John Smith" and "Smith
    J."), swapped and misspelt, abbreviated and misspelt. Each part is equal, spelt
    alike or an initial of a given name, and at least one is more than an initial.
    """
    aligned = c.alignment
    if aligned is None or min(p.link for p in aligned) < Link.INITIAL:
        return None
    if all(p.link is Link.INITIAL for p in aligned):
        return None
    score = sum(p.similarity for p in aligned) / len(aligned) * c.rules.parts_scale
    return _similar(
        score,
        "names.parts",
        f"Name parts {', '.join(p.describe() for p in aligned)}, across fields or "
        f"order: similar (score {score:.2f}).",
    )


def names_near(c: _Comparison) -> CategoryResult | None:
    """Every name part equal but one, a letter or two off however short (Annex II 3.1).

    The weakest similarity: "Le" and "Ee" may be a slip, "Li" and "Lu" two families,
    so the verdict asks the date of birth or the document to agree as well. One
    other part may be the initial of a given name ("Luo Tao T." and "Ouo Tao Tian"),
    which halves the score; one at least must be equal.
    """
    aligned = c.alignment
    if aligned is None or len(aligned) < 2:
        return None
    links = [p.link for p in aligned]
    if links.count(Link.NEAR) != 1 or Link.EQUAL not in links:
        return None
    if any(link not in (Link.NEAR, Link.EQUAL, Link.INITIAL) for link in links):
        return None
    if links.count(Link.INITIAL) > 1:
        return None
    near = next(p for p in aligned if p.link is Link.NEAR)
    score = c.rules.near / near.edits / 2 ** links.count(Link.INITIAL)
    return _similar(
        score,
        "names.near",
        f"Name parts {', '.join(p.describe() for p in aligned)}: one part a letter or two "
        f"off, the rest equal: weakly similar (score {score:.2f}).",
    )


# In order: the first rule that holds decides.
NAMES_RULES: tuple[NameRule, ...] = (
    names_equal,
    names_swapped,
    names_initials,
    names_given_missing,
    names_fuzzy,
    names_parts,
    names_near,
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
        initials, missing given names, close spellings (typing errors, known
        spellings, sounds) and combinations of these; absent if either record has
        no usable name (never agreement); different otherwise, scored by the
        closest pair found.
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
    comparison = _Comparison(a, b, rules)
    for rule in NAMES_RULES:
        result = rule(comparison)
        if result is not None:
            return result
    surname, given = comparison.surname, comparison.given
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
