"""Normalised names, transliterations, phonetic and blocking keys."""

from __future__ import annotations

from typing import TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from limes.core.identity import PartialDate
from limes.matching.text import (
    Script,
    blocking_keys,
    name_tokens,
    normalise,
    phonetic_keys,
    script_of,
    transliterations,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("José Peña", "jose pena"),
        ("Strauß", "strauss"),
        ("Øyvind Ærø", "oyvind aero"),
        ("Łukasz Dvořák", "lukasz dvorak"),
        ("Đorđević", "dordevic"),
        ("Jean-Pierre O'Brien", "jean pierre o brien"),
        ("O\N{RIGHT SINGLE QUOTATION MARK}Neill, St. John", "o neill st john"),
        ("  ANNA \t  MARIA  ", "anna maria"),
        ("\uff2d\uff41\uff52\uff49\uff45", "marie"),  # full-width letters (NFKC)
        ("", ""),
        # other scripts keep their letters: Й is not И; Greek loses its accents
        ("Йовчев", "йовчев"),
        ("Γεώργιος", "γεωργιοσ"),
        ("مُحَمَّد", "محمد"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_leaves_the_original_unchanged() -> None:
    original = "Müller-Lüdenscheidt"
    assert normalise(original) == "muller ludenscheidt"
    assert original == "Müller-Lüdenscheidt"


@given(st.text())
def test_normalise_is_idempotent_and_tidy(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smith", Script.LATIN),
        ("Щербакова", Script.CYRILLIC),
        ("Παπαδόπουλος", Script.GREEK),
        ("محمد", Script.ARABIC),
        ("山田", Script.OTHER),
        ("1234 -", Script.OTHER),
        ("", Script.OTHER),
        ("Ivan Иванов", Script.MIXED),
    ],
)
def test_script_of(text: str, expected: Script) -> None:
    assert script_of(text) is expected


class TranslitCase(TypedDict):
    id: str
    text: str
    first: str
    includes: list[str]


CASES: list[TranslitCase] = [
    {
        "id": "latin-umlaut-has-mrz-variant",
        "text": "Müller",
        "first": "muller",
        "includes": ["mueller"],
    },
    {
        "id": "cyrillic-icao-first-plus-national-variants",
        "text": "Юлия Щербакова",
        "first": "iuliia shcherbakova",
        "includes": ["yuliya shcherbakova", "julija schtscherbakowa", "julija scerbakova"],
    },
    {
        "id": "cyrillic-german-variant-sch-tsch-j",
        "text": "Чайковский Жуков",
        "first": "chaikovskii zhukov",
        "includes": ["tschajkowskij schukow", "chaykovskiy zhukov"],
    },
    {
        "id": "ukrainian-letters-fall-back-to-icao",
        "text": "Олександр Ґудзь",
        "first": "oleksandr gudz",
        "includes": ["oleksandr guds"],
    },
    {
        "id": "greek-icao-elot",
        "text": "Γεώργιος Παπαδόπουλος",
        "first": "georgios papadopoulos",
        "includes": [],
    },
    {
        "id": "greek-iso-843-differs-from-elot-in-diphthongs",
        "text": "Ευάγγελος",
        "first": "evangelos",
        "includes": ["euaggelos"],
    },
    {
        "id": "arabic-icao-style-then-common-spellings",
        "text": "محمد عبد الله",
        "first": "mhmd abd allh",
        "includes": ["muhammad abd allah", "mohammed abdel allah", "mohamed abdul allah"],
    },
    {
        "id": "arabic-unknown-word-gets-a-vowelled-reading",
        "text": "سعيد زيد",
        "first": "sayd zyd",
        "includes": ["said zid"],
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_transliterations(case: TranslitCase) -> None:
    forms = transliterations(case["text"])
    assert forms[0] == case["first"]
    for variant in case["includes"]:
        assert variant in forms
    assert len(forms) == len(set(forms))


def test_transliterations_are_deterministic_latin_and_lower_case() -> None:
    for case in CASES:
        forms = transliterations(case["text"])
        assert forms == transliterations(case["text"])
        assert all(form.isascii() and form == form.lower() for form in forms)


def test_latin_name_without_mrz_difference_has_one_form() -> None:
    assert transliterations("Smith") == ("smith",)


def test_transliterations_of_nothing_latinisable() -> None:
    assert transliterations("") == ()
    assert transliterations("   ") == ()
    assert transliterations("山田") == ()


def test_a_digit_drops_only_the_icao_form() -> None:
    # mrz_name refuses digits; the other variants still exist.
    forms = transliterations("Иван 2")
    assert forms
    assert all("2" in form for form in forms)


def test_name_tokens_use_the_first_latin_form() -> None:
    assert name_tokens("Jean-Pierre O'Brien") == ("jean", "pierre", "o", "brien")
    assert name_tokens("Юлия Щербакова") == ("iuliia", "shcherbakova")
    assert name_tokens("") == ()


def test_smith_and_smieth_share_phonetic_keys() -> None:
    # The Commission's example of similar names (schengen-it-systems glossary).
    assert set(phonetic_keys("smith")) & set(phonetic_keys("smieth"))


def test_mohammed_spellings_share_a_phonetic_key() -> None:
    keys = [set(phonetic_keys(name)) for name in ("mohammed", "muhammad", "mohamed")]
    assert keys[0] & keys[1] & keys[2]


def test_different_names_do_not_share_phonetic_keys() -> None:
    assert not set(phonetic_keys("smith")) & set(phonetic_keys("johnsson"))


@pytest.mark.parametrize("token", ["", "a", "x", "щербакова", "o2"])
def test_no_phonetic_key_for_short_or_non_latin_tokens(token: str) -> None:
    assert phonetic_keys(token) == ()


def test_phonetic_keys_are_metaphone_then_soundex() -> None:
    assert phonetic_keys("smith") == ("SM0", "S530")


def test_blocking_keys_for_a_full_record() -> None:
    keys = blocking_keys("Smith", "John", PartialDate(1980, 7, 14), "X12345678")
    assert keys == {
        "sn:smith",
        "ph:SM0",
        "ph:S530",
        "gn:john",
        "yob:1980",
        "dob:1980-07-14",
        "doc:X12345678",
    }


def test_blocking_keys_cover_every_transliteration() -> None:
    keys = blocking_keys("Щербакова", "Юлия", None, None)
    assert {"sn:shcherbakova", "sn:scerbakova", "gn:iuliia", "gn:yuliya"} <= keys


def test_no_dob_keys_without_a_date_of_birth() -> None:
    keys = blocking_keys("Smith", "John", None, None)
    assert not any(key.startswith(("yob:", "dob:")) for key in keys)


def test_placeholder_date_keeps_only_its_year() -> None:
    keys = blocking_keys("Smith", "John", PartialDate(1980, 1, 1), None)
    assert "yob:1980" in keys
    assert not any(key.startswith("dob:") for key in keys)


@pytest.mark.parametrize(
    "dob", [PartialDate(1980), PartialDate(1980, 7)], ids=["year", "year-month"]
)
def test_partial_date_gives_year_key_only(dob: PartialDate) -> None:
    keys = blocking_keys("Smith", "", dob, None)
    assert "yob:1980" in keys
    assert not any(key.startswith("dob:") for key in keys)


@pytest.mark.parametrize(
    "number", ["", "   ", "<<<<<<", "000000000", "XXXXXXXX", "unknown", "N/A", "12"]
)
def test_no_key_for_placeholder_document_numbers(number: str) -> None:
    keys = blocking_keys("Smith", "John", None, number)
    assert not any(key.startswith("doc:") for key in keys)


def test_document_number_key_ignores_spaces_and_case() -> None:
    assert "doc:AB123456" in blocking_keys("Smith", "", None, "ab 123-456")


def test_empty_names_give_no_name_keys() -> None:
    assert blocking_keys("", "  ", None, None) == frozenset()


def test_one_letter_initials_give_no_key() -> None:
    keys = blocking_keys("Smith", "J. A.", None, None)
    assert not any(key.startswith("gn:") for key in keys)


@given(
    surname=st.text(max_size=30),
    given=st.text(max_size=30),
    year=st.none() | st.integers(1900, 2030),
    number=st.none() | st.text(max_size=12),
)
def test_blocking_keys_are_never_empty_or_bare(
    surname: str, given: str, year: int | None, number: str | None
) -> None:
    dob = None if year is None else PartialDate(year)
    for key in blocking_keys(surname, given, dob, number):
        kind, _, value = key.partition(":")
        assert kind in {"sn", "gn", "ph", "yob", "dob", "doc"}
        assert value.strip()
        assert value == value.strip()
    if year is None:
        assert not any(k.startswith("yob:") for k in blocking_keys(surname, given, dob, number))
