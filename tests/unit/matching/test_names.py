"""Names compared under Delegated Regulations (EU) 2023/333 and 2023/332."""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from limes.matching.names import NAME_RULES, NameRules, compare_names
from limes.matching.results import Category, Outcome


class NameCase(TypedDict):
    id: str
    a: tuple[str, str]
    b: tuple[str, str]
    outcome: Outcome
    rule: str
    # normalised values the explanation must name
    names: tuple[str, ...]


CASES: list[NameCase] = [
    {"id": "equal", "a": ("Smith", "John"), "b": ("SMITH", "john"), "outcome": Outcome.SAME, "rule": "names.equal", "names": ("smith", "john")},
    {"id": "umlaut-vs-ue", "a": ("Müller", "Hans"), "b": ("Mueller", "Hans"), "outcome": Outcome.SAME, "rule": "names.equal", "names": ("mueller", "hans")},
    {"id": "cyrillic-vs-icao", "a": ("Щербакова", "Юлия"), "b": ("Shcherbakova", "Iuliia"), "outcome": Outcome.SAME, "rule": "names.equal", "names": ("shcherbakova", "iuliia")},
    {"id": "cyrillic-vs-common-latin", "a": ("Щербакова", "Юлия"), "b": ("Shcherbakova", "Yulia"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("shcherbakova", "yulia")},
    {"id": "fields-swapped", "a": ("Smith", "John"), "b": ("John", "Smith"), "outcome": Outcome.SIMILAR, "rule": "names.swapped", "names": ("smith", "john")},
    {"id": "tokens-reordered", "a": ("Garcia Lopez", "Ana Maria"), "b": ("Lopez Garcia", "Maria Ana"), "outcome": Outcome.SIMILAR, "rule": "names.swapped", "names": ("garcia lopez", "lopez garcia")},
    {"id": "initial-with-dot", "a": ("Smith", "J."), "b": ("Smith", "John"), "outcome": Outcome.SIMILAR, "rule": "names.initials", "names": ("'j'", "john")},
    {"id": "initials-two-names", "a": ("Smith", "John P"), "b": ("Smith", "John Paul"), "outcome": Outcome.SIMILAR, "rule": "names.initials", "names": ("john p", "john paul")},
    {"id": "no-given-names-both", "a": ("Smith", ""), "b": ("Smith", " "), "outcome": Outcome.SIMILAR, "rule": "names.given_missing", "names": ("smith", "both records")},
    {"id": "no-given-names-one", "a": ("Smith", "John"), "b": ("Smieth", ""), "outcome": Outcome.SIMILAR, "rule": "names.given_missing", "names": ("smith", "smieth", "one record")},
    {"id": "smith-smieth", "a": ("Smieth", "John"), "b": ("Smith", "John"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("smieth", "smith", "john")},
    {"id": "mohammed-muhammad-given", "a": ("Ali", "Mohammed"), "b": ("Ali", "Muhammad"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("mohammed", "muhammad")},
    {"id": "mohamed-muhammad-given", "a": ("Ali", "Mohamed"), "b": ("Ali", "Muhammad"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("mohamed", "muhammad", "known spellings")},
    {"id": "mohammed-mohamed-surname", "a": ("Mohammed", "Ali"), "b": ("Mohamed", "Ali"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("mohammed", "mohamed")},
    {"id": "mohamed-muhammad-surname", "a": ("Mohamed", "Omar"), "b": ("Muhammad", "Omar"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("mohamed", "muhammad")},
    # Typing errors by edit distance, one per four letters: Jaro-Winkler alone forgives
    # slips at the start of a name too little (Price/Irice 0.87).
    {"id": "typo-at-the-start", "a": ("Price", "Wendy"), "b": ("Irice", "Wendy"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("'price' ~ 'irice'", "1 typing error")},
    {"id": "w-spelt-v", "a": ("Woods", "Alice"), "b": ("Voods", "Alice"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("woods", "voods", "1 typing error")},
    {"id": "two-edits-in-eight-letters", "a": ("Phillips", "Cody"), "b": ("Fillips", "Cody"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("phillips", "fillips", "2 typing errors")},
    {"id": "john-jane", "a": ("Smith", "John"), "b": ("Smith", "Jane"), "outcome": Outcome.DIFFERENT, "rule": "names.different", "names": ("john", "jane")},
    # Known spellings of one name (limes.matching.variants): Korean romanisations.
    {"id": "kim-gim", "a": ("Kim", "Seonghun"), "b": ("Gim", "Seonghun"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("kim", "gim", "known spellings")},
    {"id": "lee-i", "a": ("Lee", "Miyeong"), "b": ("I", "Miyeong"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("lee", "'i'", "known spellings")},
    {"id": "park-bak", "a": ("Park", "Jinho"), "b": ("Bak", "Jinho"), "outcome": Outcome.SIMILAR, "rule": "names.fuzzy", "names": ("park", "bak")},
    # Two departures at once, part by part across fields and order.
    {"id": "swapped-and-initials", "a": ("John", "Smith"), "b": ("Smith", "J."), "outcome": Outcome.SIMILAR, "rule": "names.parts", "names": ("'smith' = 'smith'", "'john' ~ (initial) 'j'")},
    {"id": "swapped-and-typo", "a": ("John", "Smith"), "b": ("Smieth", "John"), "outcome": Outcome.SIMILAR, "rule": "names.parts", "names": ("'john' = 'john'", "'smith' ~ 'smieth'")},
    {"id": "initials-and-typo", "a": ("Smith", "J."), "b": ("Smieth", "John"), "outcome": Outcome.SIMILAR, "rule": "names.parts", "names": ("'smith' ~ 'smieth'", "'j' ~ (initial) 'john'")},
    {"id": "arabic-initial", "a": ("بومعزة", "ش."), "b": ("بومعزة", "شريف"), "outcome": Outcome.SIMILAR, "rule": "names.parts", "names": ("'sh' ~ (initial) 'shryf'",)},
    {"id": "surname-is-no-initial", "a": ("S.", "John"), "b": ("Smith", "John"), "outcome": Outcome.DIFFERENT, "rule": "names.different", "names": ("'s'", "smith")},
    # Short names a letter off, and longer ones two letters off: weakly similar.
    {"id": "short-name-one-letter-off", "a": ("Le", "Jake"), "b": ("Ee", "Jake"), "outcome": Outcome.SIMILAR, "rule": "names.near", "names": ("'le' ~ (1 letter off) 'ee'", "'jake' = 'jake'")},
    {"id": "both-records-misspelt", "a": ("Caarter", "David"), "b": ("Caeter", "David"), "outcome": Outcome.SIMILAR, "rule": "names.near", "names": ("2 letters off",)},
    {"id": "near-needs-an-equal-part", "a": ("Luo", "T."), "b": ("Ouo", "Tao"), "outcome": Outcome.DIFFERENT, "rule": "names.different", "names": ("luo", "ouo")},
    {"id": "different", "a": ("Smith", "John"), "b": ("Jones", "Mary"), "outcome": Outcome.DIFFERENT, "rule": "names.different", "names": ("smith", "jones", "john", "mary")},
    {"id": "same-surname-other-given", "a": ("Smith", "John"), "b": ("Smith", "Peter"), "outcome": Outcome.DIFFERENT, "rule": "names.different", "names": ("smith", "john", "peter")},
    {"id": "initial-of-other-name", "a": ("Smith", "J"), "b": ("Smith", "Peter"), "outcome": Outcome.DIFFERENT, "rule": "names.different", "names": ("'j'", "peter")},
    {"id": "absent-blank", "a": ("", ""), "b": ("Smith", "John"), "outcome": Outcome.ABSENT, "rule": "names.absent", "names": ("first",)},
    {"id": "absent-punctuation", "a": ("Smith", "John"), "b": (" - ", "."), "outcome": Outcome.ABSENT, "rule": "names.absent", "names": ("second",)},
]  # fmt: skip


def _compare(a: tuple[str, str], b: tuple[str, str]) -> tuple[Outcome, str, float, str]:
    result = compare_names(a[0], a[1], b[0], b[1])
    assert result.category is Category.NAMES
    return result.outcome, result.rule, result.score, result.explanation


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_compare_names(case: NameCase) -> None:
    outcome, rule, _, explanation = _compare(case["a"], case["b"])
    assert (outcome, rule) == (case["outcome"], case["rule"])
    for name in case["names"]:
        assert name in explanation


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_comparison_is_symmetric(case: NameCase) -> None:
    forward, backward = _compare(case["a"], case["b"]), _compare(case["b"], case["a"])
    assert forward[:3] == backward[:3]


def test_scores_rank_the_evidence() -> None:
    same = _compare(("Smith", "John"), ("Smith", "John"))[2]
    swapped = _compare(("Smith", "John"), ("John", "Smith"))[2]
    fuzzy = _compare(("Smieth", "John"), ("Smith", "John"))[2]
    initials = _compare(("Smith", "J"), ("Smith", "John"))[2]
    no_given = _compare(("Smith", ""), ("Smith", ""))[2]
    different = _compare(("Smith", "John"), ("Smith", "Peter"))[2]
    assert same == 1.0
    assert same > swapped > fuzzy > initials > no_given > different
    assert 0.8 < fuzzy < 0.9


def test_explanation_gives_the_similarity() -> None:
    explanation = _compare(("Smieth", "John"), ("Smith", "John"))[3]
    assert "'smieth' ~ 'smith' (Jaro-Winkler 0.96)" in explanation
    assert "'john' = 'john'" in explanation


def test_empty_given_names_are_no_agreement() -> None:
    outcome, rule, score, _ = _compare(("Smith", ""), ("Smith", ""))
    assert (outcome, rule) == (Outcome.SIMILAR, "names.given_missing")
    assert score < NAME_RULES.equal


def test_rules_table_drives_the_decision() -> None:
    strict = replace(NAME_RULES, surname_threshold=0.99, swapped=0.8, max_edits=0)
    assert isinstance(strict, NameRules)
    # Smyth/Smith: below a strict threshold, but the same phonetic keys.
    result = compare_names("Smyth", "John", "Smith", "John", rules=strict)
    assert (result.outcome, result.rule) == (Outcome.SIMILAR, "names.fuzzy")
    assert "same phonetic key" in result.explanation
    assert compare_names("Smith", "John", "John", "Smith", rules=strict).score == 0.8
    # Smitt/Smith: Jaro-Winkler 0.92, other Metaphone keys, one typing error: the
    # threshold and the typing errors allowed decide.
    assert compare_names("Smitt", "John", "Smith", "John").outcome is Outcome.SIMILAR
    result = compare_names("Smitt", "John", "Smith", "John", rules=strict)
    assert (result.outcome, result.rule) == (Outcome.DIFFERENT, "names.different")
    assert "'smitt' ~ 'smith' (Jaro-Winkler 0.92)" in result.explanation
    assert result.score == strict.different_cap


def test_rule_table_cites_the_act() -> None:
    assert "2023/333" in NAME_RULES.act
    assert "point 3.1" in NAME_RULES.act
    assert "2026/327" in NAME_RULES.act


latin_names = st.text(alphabet=st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=12)  # fmt: skip


@given(latin_names, latin_names)
def test_a_name_is_the_same_as_itself(surname: str, given_name: str) -> None:
    result = compare_names(surname.title(), given_name, surname.upper(), given_name.title())
    assert (result.outcome, result.rule, result.score) == (Outcome.SAME, "names.equal", 1.0)


def test_weak_rules_score_below_every_strong_one() -> None:
    initials = _compare(("Smith", "J"), ("Smith", "John"))[2]
    parts = _compare(("John", "Smith"), ("Smith", "J."))[2]
    one_off = _compare(("Le", "Jake"), ("Ee", "Jake"))[2]
    two_off = _compare(("Caarter", "David"), ("Caeter", "David"))[2]
    different = _compare(("Smith", "John"), ("Smith", "Peter"))[2]
    assert initials > parts > one_off > two_off > different
    assert one_off == NAME_RULES.near
    assert two_off == NAME_RULES.near / 2


def test_near_allows_one_initial_at_half_the_score() -> None:
    result = compare_names("Le", "Jake P.", "Ee", "Jake Paul")
    assert (result.outcome, result.rule) == (Outcome.SIMILAR, "names.near")
    assert result.score == round(NAME_RULES.near / 2, 3)
    assert "'p' ~ (initial) 'paul'" in result.explanation
    # Two initials beside the slip: too little is written out.
    result = compare_names("Le Wu", "J. P.", "Ee Wu", "Jake Paul")
    assert result.outcome is Outcome.DIFFERENT


def test_two_one_letter_words_are_not_near() -> None:
    result = compare_names("I", "Jimin", "O", "Jimin")
    assert result.outcome is Outcome.DIFFERENT


def test_a_shared_sound_does_not_join_names_that_look_unalike() -> None:
    # John and Jane share their Soundex code; Jaro-Winkler 0.67 is below the floor.
    result = compare_names("Smyth", "John", "Smith", "Jane")
    assert result.outcome is Outcome.DIFFERENT
    assert "jane" in result.explanation
