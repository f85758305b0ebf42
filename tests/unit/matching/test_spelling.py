"""Spellings of one name: typing errors, known spellings, initials, alignment of parts."""

from __future__ import annotations

import pytest

from limes.matching.names import NAME_RULES
from limes.matching.spelling import Alike, Link, Part, align, closest, known_spellings

TOLERANCE = NAME_RULES.tolerance


@pytest.mark.parametrize(
    ("length", "typing_errors", "near"),
    [(2, 0, 1), (3, 0, 1), (4, 1, 1), (6, 1, 2), (8, 2, 2), (16, 2, 2)],
)
def test_typing_errors_allowed_grow_with_length(length: int, typing_errors: int, near: int) -> None:
    assert TOLERANCE.edits_allowed(length) == typing_errors
    assert TOLERANCE.near_edits_allowed(length) == near


def test_known_spellings_are_groups_of_one_name() -> None:
    assert known_spellings("kim", "gim")
    assert known_spellings("mohammed", "muhammad")
    # Yu is a spelling of two family names, and joins each to it.
    assert known_spellings("yu", "ryu")
    assert known_spellings("yu", "yoo")
    assert not known_spellings("kim", "kim")
    assert not known_spellings("kim", "park")
    assert not known_spellings("smith", "smyth")


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("smith", "smith", Alike.EQUAL),
        ("kim", "gim", Alike.KNOWN),
        ("smith", "smieth", Alike.JARO_WINKLER),
        # An edit at the start: Jaro-Winkler 0.87, one typing error in five letters.
        ("price", "irice", Alike.EDITS),
        ("smith", "smyth", Alike.EDITS),
        # Two edits in six letters, Jaro-Winkler 0.86, but the same Metaphone and Soundex.
        ("smythe", "smith", Alike.PHONETIC),
        ("john", "jane", Alike.NOT),
        ("le", "ee", Alike.NOT),
    ],
)
def test_closest_says_why_two_spellings_are_alike(a: str, b: str, alike: Alike) -> None:
    pair = closest([(a,)], [(b,)], surname=True, tolerance=TOLERANCE)
    assert pair is not None
    assert pair.alike is alike
    assert pair.holds is (alike is not Alike.NOT)
    assert closest([(b,)], [(a,)], surname=True, tolerance=TOLERANCE) is not None


def test_closest_prefers_a_pair_that_holds() -> None:
    pair = closest([("muller",), ("mueller",)], [("mueller",)], surname=True, tolerance=TOLERANCE)
    assert pair is not None
    assert pair.alike is Alike.EQUAL
    assert closest([], [("smith",)], surname=True, tolerance=TOLERANCE) is None


def _part(word: str, *, surname: bool = False, initial: bool = False) -> Part:
    return Part(surname, (word,), initial)


def test_align_pairs_parts_across_fields() -> None:
    john_smith = [_part("john", surname=True), _part("smith")]
    smith_j = [_part("smith", surname=True), _part("j", initial=True)]
    aligned = align(john_smith, smith_j, TOLERANCE)
    assert aligned is not None
    assert sorted(link.link for link in aligned) == [Link.INITIAL, Link.EQUAL]
    assert align(john_smith, smith_j[:1], TOLERANCE) is None


def test_an_initial_stands_only_for_a_given_name() -> None:
    s_john = [_part("s", surname=True, initial=True), _part("john")]
    smith_john = [_part("smith", surname=True), _part("john")]
    aligned = align(s_john, smith_john, TOLERANCE)
    assert aligned is not None
    assert min(link.link for link in aligned) is Link.NONE


def test_near_parts_are_a_letter_or_two_off() -> None:
    aligned = align([_part("le", surname=True)], [_part("ee", surname=True)], TOLERANCE)
    assert aligned is not None
    assert (aligned[0].link, aligned[0].edits) == (Link.NEAR, 1)
    assert "(1 letter off)" in aligned[0].describe()
    # Two one-letter words a letter apart share nothing.
    aligned = align([_part("i", surname=True)], [_part("o", surname=True)], TOLERANCE)
    assert aligned is not None
    assert aligned[0].link is Link.NONE
