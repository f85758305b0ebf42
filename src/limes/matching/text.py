"""Name text for matching: normalised forms, transliterations, phonetic and blocking keys.

The name as entered is never changed; every function here returns a new form. The
ICAO Doc 9303 (Part 3, section 6) form is `limes.core.identity.mrz_name`, driven by
the tables of `limes.core.transliteration`; this module adds the national and ISO
variants under which the same person may have been registered elsewhere, as SIS
does when it stores several transliterated versions of a Cyrillic name (SIRENE
Manual, appendix 1). Candidate retrieval for the multiple-identity detector
(Regulation (EU) 2019/817 and 2019/818, Art 27) uses `blocking_keys`.
"""

# The tables hold letters of other scripts that look like Latin ones, on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

import jellyfish

from limes.core.errors import InvalidRequest
from limes.core.identity import PartialDate, mrz_name
from limes.core.transliteration import CYRILLIC, LATIN_FOLD
from limes.matching import variants


class Script(StrEnum):
    """The writing system of a name."""

    LATIN = "latin"
    CYRILLIC = "cyrillic"
    GREEK = "greek"
    ARABIC = "arabic"
    OTHER = "other"
    MIXED = "mixed"


_SCRIPTS: Mapping[str, Script] = MappingProxyType(
    {
        "LATIN": Script.LATIN,
        "CYRILLIC": Script.CYRILLIC,
        "GREEK": Script.GREEK,
        "ARABIC": Script.ARABIC,
    }
)


def normalise(text: str) -> str:
    """A name for comparison: NFKC, case-folded, Latin diacritics folded, single spaces.

    Letters with no decomposition are folded as `limes.core.identity.normalise_name`
    folds them (ø -> o, ł -> l, ß -> ss); hyphens, apostrophes and other punctuation
    become spaces. Cyrillic letters are kept whole (й is not и); Greek loses its
    accents; Arabic loses its vowel marks.

    Args:
        text: the name as entered, in any script.

    Returns:
        A new string, e.g. "jean pierre o brien" for "Jean-Pierre O'Brien".
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        fold = LATIN_FOLD.get(char) or LATIN_FOLD.get(char.upper())
        category = unicodedata.category(char)
        if fold is not None:
            out.append(fold.lower())
        elif category[0] in "LN":
            out.append(char if _is_cyrillic(char) else _without_marks(char))
        elif category[0] != "M":
            # A stray combining mark (an Arabic haraka) is dropped; anything else
            # between letters separates name parts.
            out.append(" ")
    return " ".join("".join(out).split())


def _is_cyrillic(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CYRILLIC")


def _without_marks(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not _is_mark(c))


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def script_of(text: str) -> Script:
    """The script a name is written in; MIXED if it uses more than one, OTHER if none of ours."""
    # The Unicode name of a letter starts with its script ("CYRILLIC SMALL LETTER YU").
    scripts = {
        unicodedata.name(char, "UNKNOWN").split(" ", 1)[0] for char in text if char.isalpha()
    }
    if len(scripts) > 1:
        return Script.MIXED
    if not scripts:
        # Digits or punctuation only: no script to transliterate from.
        return Script.OTHER
    return _SCRIPTS.get(scripts.pop(), Script.OTHER)


def transliterations(text: str) -> tuple[str, ...]:
    """The normalised Latin forms of a name, ICAO 9303 first, without duplicates.

    Latin: the normalised form, then the MRZ form of ICAO Doc 9303 Part 3 section 6
    (Müller -> "muller", "mueller"). Cyrillic: ICAO 9303, BGN/PCGN, German and
    ISO 9-like forms. Greek: ICAO 9303 (ELOT 743) and ISO 843. Arabic: the ICAO-style
    letter form, a vowelled reading and the common spellings of frequent name words.
    A character with no ICAO form (a digit) drops only the ICAO form.

    Args:
        text: the name as entered.

    Returns:
        Lower-case Latin forms, e.g. ("iuliia shcherbakova", "yuliya shcherbakova",
        ...) for "Юлия Щербакова"; () for a blank name or a script we cannot latinise.
    """
    script = script_of(text)
    icao = _icao(text)
    forms: list[str | None]
    if script is Script.LATIN:
        forms = [normalise(text), icao]
    elif script is Script.CYRILLIC:
        tables = (variants.CYRILLIC_BGN, variants.CYRILLIC_GERMAN, variants.CYRILLIC_ISO)
        forms = [icao, *(_cyrillic(text, table) for table in tables)]
    elif script is Script.GREEK:
        forms = [icao, _greek_iso_843(text)]
    elif script is Script.ARABIC:
        forms = [icao, *_arabic(text)]
    else:
        # Mixed or other scripts: what ICAO 9303 can write, and what Unicode
        # decomposition alone makes Latin.
        forms = [icao, _generic(text)]
    return tuple(dict.fromkeys(form for form in forms if form))


def _icao(text: str) -> str | None:
    try:
        return normalise(mrz_name(text).replace("<", " "))
    except InvalidRequest:
        return None


def _generic(text: str) -> str | None:
    # Whatever Unicode decomposition alone makes Latin (accented letters of other
    # scripts' Latin look-alikes); scripts without such forms give nothing here.
    decomposed = unicodedata.normalize("NFKD", text)
    latin = normalise("".join(c for c in decomposed if c.isascii()))
    return latin or None


def _cyrillic(text: str, table: Mapping[str, str]) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text).lower():
        if char in table:
            out.append(table[char])
        else:
            out.append(CYRILLIC.get(char.upper(), char).lower())
    return normalise("".join(out))


def _greek_iso_843(text: str) -> str:
    letters: list[tuple[str, bool]] = []
    for char in unicodedata.normalize("NFC", text).lower():
        decomposed = unicodedata.normalize("NFD", char)
        letters.append((decomposed[0], variants.DIALYTIKA in decomposed))
    out: list[str] = []
    previous = ""
    for base, dialytika in letters:
        if base == "υ" and previous in variants.GREEK_DIPHTHONG_FIRST and not dialytika:
            out.append("u")
        else:
            out.append(variants.GREEK_ISO_843.get(base, base))
        previous = base
    return normalise("".join(out))


def _arabic(text: str) -> list[str]:
    words = [variants.ARABIC_ALEF.sub("ا", word) for word in normalise(text).split()]
    vowelled = " ".join(_vowelled(word) for word in words)
    known = [variants.ARABIC_SPELLINGS[word] for word in words if word in variants.ARABIC_SPELLINGS]
    readings = [vowelled]
    # The k-th reading takes each known word's k-th spelling (or its last), so the
    # number of readings grows with the most varied word, not with their product.
    for k in range(max((len(spellings) for spellings in known), default=0)):
        parts = [
            variants.ARABIC_SPELLINGS[word][min(k, len(variants.ARABIC_SPELLINGS[word]) - 1)]
            if word in variants.ARABIC_SPELLINGS
            else _vowelled(word)
            for word in words
        ]
        readings.append(" ".join(parts))
    return [normalise(reading) for reading in readings]


def _vowelled(word: str) -> str:
    out: list[str] = []
    for i, char in enumerate(word):
        # A first waw or yaa is a consonant (w, y); later ones are read as long vowels.
        if i > 0 and char in variants.ARABIC_LONG_VOWELS:
            out.append(variants.ARABIC_LONG_VOWELS[char])
        else:
            out.append(_icao(char) or "")
    return "".join(out)


def name_tokens(text: str) -> tuple[str, ...]:
    """The normalised tokens of a name's first Latin form, in order (() if it has none)."""
    forms = transliterations(text)
    return tuple(forms[0].split()) if forms else ()


def phonetic_keys(token: str) -> tuple[str, ...]:
    """The Metaphone and Soundex codes of one normalised Latin token.

    Args:
        token: one token of `name_tokens`, e.g. "smith".

    Returns:
        The distinct codes, e.g. ("SM0", "S530"); () for a token of fewer than two
        letters or one that is not plain Latin, since such codes would match almost
        anything.
    """
    if len(token) < 2 or not (token.isascii() and token.isalpha()):
        return ()
    codes = (jellyfish.metaphone(token), jellyfish.soundex(token))
    return tuple(dict.fromkeys(code for code in codes if code))


# Document numbers entered when the real one was unknown or unreadable.
_PLACEHOLDER_DOCUMENT_NUMBERS = frozenset(
    {"UNKNOWN", "NONE", "NULL", "NA", "NIL", "NOTKNOWN", "XXX", "123456789"}
)
_DOCUMENT_NOISE = re.compile(r"[\s<\-./]+")


def _document_key(number: str | None) -> str | None:
    if number is None:
        return None
    key = _DOCUMENT_NOISE.sub("", number).upper()
    # Too short to tell people apart, a placeholder word, or one character repeated
    # ("000000", "XXXXXXXX"): any of these would link unrelated people.
    if len(key) < 3 or key in _PLACEHOLDER_DOCUMENT_NUMBERS or len(set(key)) == 1:
        return None
    return key


def blocking_keys(
    surname: str,
    given_names: str,
    dob: PartialDate | None,
    doc_number: str | None,
) -> frozenset[str]:
    """Keys under which a record is found as a candidate for comparison (2019/817 Art 27).

    Kinds: "sn:" surname token, "gn:" given-name token (of every transliteration),
    "ph:" phonetic code of a surname token, "yob:" year of birth, "dob:" full date of
    birth, "doc:" document number. Empty values, one-letter tokens and placeholder
    document numbers give no key: shared empty or dummy values must not bring
    unrelated records together.

    Args:
        surname: the surname as entered.
        given_names: the given names as entered.
        dob: the date of birth, in its precision, or None.
        doc_number: the travel document number, or None.

    Returns:
        The keys, e.g. {"sn:smith", "ph:SM0", "ph:S530", "gn:john", "yob:1980", ...}.
    """
    keys: set[str] = set()
    surname_tokens = _tokens(transliterations(surname))
    keys.update(f"sn:{token}" for token in surname_tokens)
    # Phonetic keys on surnames only: a phonetic key on a frequent given name
    # ("Mohammed") would put a large part of the population in one block.
    keys.update(f"ph:{code}" for token in surname_tokens for code in phonetic_keys(token))
    keys.update(f"gn:{token}" for token in _tokens(transliterations(given_names)))
    if dob is not None:
        # A 1 January placeholder usually means the year was known and the day and
        # month were not, so the year still narrows the search; only the full date,
        # which would claim a precision the record does not have, is left out.
        keys.add(f"yob:{dob.year:04d}")
        if dob.to_date() is not None and not dob.is_low_information:
            keys.add(f"dob:{dob.isoformat()}")
    document = _document_key(doc_number)
    if document is not None:
        keys.add(f"doc:{document}")
    return frozenset(keys)


def _tokens(forms: Iterable[str]) -> set[str]:
    return {token for form in forms for token in form.split() if len(token) > 1}
