"""How alike two spellings of a name are: typing errors, known spellings, sounds, initials.

The building blocks of `limes.matching.names`, which decides under Delegated
Regulations (EU) 2023/333 and 2023/332 (Annex II point 3.1) when names are similar.
One field (surname or given names) is compared with `closest`, over every
transliteration of both; one name's words are matched to the other's, in any field
or order, with `align`. How far spellings may drift is a `Tolerance`, which the
names rule table holds. Results are cached: frequent names meet again and again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from itertools import permutations, product
from types import MappingProxyType

from rapidfuzz.distance import OSA, JaroWinkler

from limes.matching import variants
from limes.matching.text import phonetic_keys

__all__ = [
    "Alike",
    "FieldPair",
    "Link",
    "Part",
    "PartLink",
    "Tokens",
    "Tolerance",
    "align",
    "closest",
    "known_spellings",
]

Tokens = tuple[str, ...]
# Enough for the distinct words and name pairs a detector meets between repeats.
_CACHED = 1 << 16
# Longer names are rare and their parts are aligned in order only.
_MAX_PERMUTED_PARTS = 5


# eq=False: a tolerance is hashed by identity, so that caches keyed on it stay cheap.
@dataclass(frozen=True, slots=True, eq=False)
class Tolerance:
    """How far two spellings of one name may drift and still count as alike.

    Attributes:
        surname_threshold: Jaro-Winkler similarity from which surnames are alike.
        given_threshold: the same for given names.
        phonetic_floor: below this similarity a shared phonetic key does not count.
        edit_span: one typing error is allowed per this many letters of the longer spelling.
        near_span: one letter off per this many letters makes a part "near".
        max_edits: never more typing errors, or letters off, than this.
        known_spelling: the similarity two known spellings of one name count as.
        initial: the similarity an initial counts as.
    """

    surname_threshold: float
    given_threshold: float
    phonetic_floor: float
    edit_span: int
    near_span: int
    max_edits: int
    known_spelling: float
    initial: float

    def edits_allowed(self, length: int) -> int:
        """How many typing errors a spelling of `length` letters may hold and stay alike."""
        return min(self.max_edits, length // self.edit_span) if self.edit_span > 0 else 0

    def near_edits_allowed(self, length: int) -> int:
        """How many letters off a part of `length` letters may be and still be near."""
        return min(self.max_edits, max(1, length // self.near_span)) if self.near_span > 0 else 0

    def threshold(self, *, surname: bool) -> float:
        """The Jaro-Winkler threshold for a surname or for given names."""
        return self.surname_threshold if surname else self.given_threshold


def _spelling_groups(tables: Iterable[Iterable[str]]) -> Mapping[str, frozenset[int]]:
    """Each one-word spelling to the groups (one per name) it belongs to."""
    groups: dict[str, set[int]] = {}
    for number, spellings in enumerate(tables):
        for spelling in spellings:
            if " " not in spelling:
                groups.setdefault(spelling, set()).add(number)
    return MappingProxyType({k: frozenset(v) for k, v in groups.items()})


# A spelling may stand for two names (Yu for 류 and 유): groups, not one key.
_KNOWN_SPELLINGS = _spelling_groups(
    [*variants.KOREAN_SURNAMES.values(), *variants.ARABIC_SPELLINGS.values()]
)


def known_spellings(a: str, b: str) -> bool:
    """Two different normalised words are spellings of one name in `limes.matching.variants`."""
    if a == b:
        return False
    groups = _KNOWN_SPELLINGS.get(a)
    return groups is not None and not groups.isdisjoint(_KNOWN_SPELLINGS.get(b, ()))


def _known_throughout(a: Tokens, b: Tokens) -> bool:
    # Word by word, each equal or a known spelling of the other (and one at least known).
    if len(a) == 1 == len(b):
        return known_spellings(a[0], b[0])
    if len(a) != len(b) or _KNOWN_SPELLINGS.keys().isdisjoint(a):
        return False
    return all(u == v or known_spellings(u, v) for u, v in zip(a, b, strict=True))


@lru_cache(maxsize=_CACHED)
def _keys(token: str) -> tuple[str, ...]:
    return phonetic_keys(token)


def _phonetic(a: Tokens, b: Tokens, *, all_keys: bool) -> bool:
    # Token by token: all keys equal (surnames) or at least one shared (given names).
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        keys_x, keys_y = _keys(x), _keys(y)
        if not keys_x or (keys_x != keys_y if all_keys else not set(keys_x) & set(keys_y)):
            return False
    return True


class Alike(IntEnum):
    """Why two spellings of one field are alike, weakest first (the order ranks them)."""

    NOT = 0
    PHONETIC = 1
    EDITS = 2
    JARO_WINKLER = 3
    KNOWN = 4
    EQUAL = 5


@dataclass(frozen=True, slots=True)
class FieldPair:
    """Two spellings of one field, how similar, how many edits apart, and why alike."""

    a: Tokens
    b: Tokens
    similarity: float
    edits: int
    alike: Alike

    @property
    def holds(self) -> bool:
        """Whether the spellings count as alike."""
        return self.alike is not Alike.NOT

    def describe(self) -> str:
        """The two spellings and why they are alike, for an explanation."""
        a, b = " ".join(self.a), " ".join(self.b)
        if self.alike is Alike.EQUAL:
            return f"'{a}' = '{b}'"
        detail = f"Jaro-Winkler {self.similarity:.2f}"
        if self.alike is Alike.KNOWN:
            detail = "known spellings of one name"
        elif self.alike is Alike.PHONETIC:
            detail = f"same phonetic key, {detail}"
        elif self.alike is Alike.EDITS:
            detail = f"{self.edits} typing error{'s' * (self.edits > 1)}, {detail}"
        return f"'{a}' ~ '{b}' ({detail})"


@lru_cache(maxsize=_CACHED)
def _spelt_alike(a: Tokens, b: Tokens, surname: bool, tolerance: Tolerance) -> FieldPair:
    """How alike two spellings of one field are, and whether that counts (Annex II 3.1)."""
    x, y = " ".join(a), " ".join(b)
    if x == y:
        return FieldPair(a, b, 1.0, 0, Alike.EQUAL)
    similarity = float(JaroWinkler.normalized_similarity(x, y))
    allowed = tolerance.edits_allowed(max(len(x), len(y)))
    edits = int(OSA.distance(x, y, score_cutoff=allowed + 1))
    alike = Alike.NOT
    if _known_throughout(a, b):
        alike, similarity = Alike.KNOWN, max(similarity, tolerance.known_spelling)
    elif similarity >= tolerance.threshold(surname=surname):
        alike = Alike.JARO_WINKLER
    elif edits <= allowed:
        alike = Alike.EDITS
    elif similarity >= tolerance.phonetic_floor and _phonetic(a, b, all_keys=surname):
        alike = Alike.PHONETIC
    return FieldPair(a, b, similarity, edits, alike)


def closest(
    a: Sequence[Tokens], b: Sequence[Tokens], *, surname: bool, tolerance: Tolerance
) -> FieldPair | None:
    """The variant pair of one field that holds with the highest similarity, else the closest.

    Args:
        a: every transliteration of one record's field, as words.
        b: the other record's.
        surname: whether the field is the surname (all phonetic keys must then agree).
        tolerance: how far spellings may drift.

    Returns:
        The best pair, or None when a side has no spelling.
    """
    best: FieldPair | None = None
    for x, y in product(a, b):
        pair = _spelt_alike(x, y, surname, tolerance)
        if best is None or (pair.holds, pair.similarity) > (best.holds, best.similarity):
            best = pair
    return best


@dataclass(frozen=True, slots=True)
class Part:
    """One word of a name in all its transliterations: a surname? an initial?"""

    surname: bool
    forms: Tokens
    # A single letter as entered, in its own script: "ش." is an initial, though its
    # Latin form "sh" has two letters.
    initial: bool


class Link(IntEnum):
    """How one name part answers another, weakest first."""

    NONE = 0
    NEAR = 1  # a letter or two off, however short the words
    INITIAL = 2
    ALIKE = 3
    EQUAL = 4


@dataclass(frozen=True, slots=True)
class PartLink:
    """The closest forms of two name parts and how they answer each other."""

    a: str
    b: str
    link: Link
    similarity: float
    edits: int

    def describe(self) -> str:
        """The two forms and how they answer each other, for an explanation."""
        if self.link is Link.NEAR:
            sign = f"~ ({self.edits} letter{'s' * (self.edits > 1)} off)"
        else:
            sign = {Link.EQUAL: "=", Link.INITIAL: "~ (initial)"}.get(self.link, "~")
        return f"'{self.a}' {sign} '{self.b}'"


@lru_cache(maxsize=_CACHED)
def _link_words(x: str, y: str, surname: bool, tolerance: Tolerance) -> tuple[Link, float, int]:
    """How two words answer each other: equal, alike, a letter or two off, or not."""
    if x == y:
        return Link.EQUAL, 1.0, 0
    pair = _spelt_alike((x,), (y,), surname, tolerance)
    if pair.holds:
        return Link.ALIKE, pair.similarity, pair.edits
    longer = max(len(x), len(y))
    # Two one-letter words a letter apart ("I", "O") share nothing at all.
    if longer > 1 and pair.edits <= tolerance.near_edits_allowed(longer):
        return Link.NEAR, pair.similarity, pair.edits
    return Link.NONE, 0.0, 0


def _link_parts(p: Part, q: Part, tolerance: Tolerance) -> PartLink:
    """The best link between any forms of two parts; an initial only for a given name."""
    surname = p.surname or q.surname
    best = PartLink("", "", Link.NONE, 0.0, 0)
    for x, y in product(p.forms, q.forms):
        if p.initial != q.initial:
            # A surname is not written as an initial: the initial must be a given name.
            initial, letter, word = (p, x, y) if p.initial else (q, y, x)
            if not initial.surname and word.startswith(letter) and len(word) > len(letter):
                link, similarity, edits = Link.INITIAL, tolerance.initial, 0
            else:
                link, similarity, edits = Link.NONE, 0.0, 0
        else:
            link, similarity, edits = _link_words(x, y, surname, tolerance)
        if (link, similarity) > (best.link, best.similarity):
            best = PartLink(x, y, link, similarity, edits)
    return best


def align(
    a: Sequence[Part], b: Sequence[Part], tolerance: Tolerance
) -> tuple[PartLink, ...] | None:
    """Each part of one name answered by a distinct part of the other, in any field or order.

    Args:
        a: one name's parts, surname first.
        b: the other name's parts.
        tolerance: how far spellings may drift.

    Returns:
        The pairing whose weakest link is strongest (then the most similar), or None
        when the names have different numbers of parts.
    """
    if len(a) != len(b) or not a:
        return None
    links = [[_link_parts(p, q, tolerance) for q in b] for p in a]
    orders: Iterable[tuple[int, ...]] = (
        permutations(range(len(b))) if len(b) <= _MAX_PERMUTED_PARTS else [tuple(range(len(b)))]
    )
    best: tuple[PartLink, ...] | None = None
    best_key = (-1, -1.0)
    for order in orders:
        chosen = tuple(links[i][j] for i, j in enumerate(order))
        key = (min(c.link for c in chosen), sum(c.similarity for c in chosen))
        if key > best_key:
            best, best_key = chosen, key
    return best
