"""Names and dates of birth as travel documents and registrations hold them.

A name is kept three ways: as entered (in its original script), in the form of an
ICAO Doc 9303 machine-readable zone (Part 3, names and section 6: A-Z with `<` for
spaces) and normalised for matching (upper case, no diacritics, single spaces, the
script kept). A date of birth keeps its precision: a year, a year and month, or a
full date; the missing parts are never invented.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from limes.core.errors import FieldError, InvalidRequest
from limes.core.transliteration import (
    ARABIC,
    CYRILLIC,
    GREEK,
    GREEK_U_DIGRAPH,
    GREEK_VOICELESS,
    LATIN,
    LATIN_FOLD,
    OMITTED,
    SEPARATORS,
)

_DIALYTIKA = "\N{COMBINING DIAERESIS}"
_GAMMA = "\N{GREEK CAPITAL LETTER GAMMA}"
_OMICRON = "\N{GREEK CAPITAL LETTER OMICRON}"
_UPSILON = "\N{GREEK CAPITAL LETTER UPSILON}"
_MRZ_NAME = re.compile(r"[A-Z]+(<[A-Z]+)*")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _is_separator(char: str) -> bool:
    return char in SEPARATORS or unicodedata.category(char).startswith("Z")


def _bare(char: str) -> str:
    """The character's compatibility decomposition without its combining marks."""
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not _is_mark(c)).upper()


def _mrz_letter(char: str) -> str | None:
    """The MRZ form of one character of an upper-cased name, or None if it has none."""
    for table in (LATIN, CYRILLIC, ARABIC):
        if char in table:
            return table[char]
    if _is_separator(char):
        return "<"
    if char in OMITTED or _is_mark(char):
        return ""
    bare = _bare(char)
    if bare and all("A" <= c <= "Z" for c in bare):
        return bare
    return CYRILLIC.get(bare, GREEK.get(bare))


def _greek_digraph(chars: str, i: int) -> str | None:
    """Greek digraphs (ICAO 9303 Part 3 section 6, ELOT 743): gamma-gamma, omicron-upsilon, ...

    Returns the MRZ form of the pair at `i` (NG, OU; AV, EV, IV or AF, EF, IF for
    alpha, epsilon or eta with upsilon), or None if the pair is no digraph.
    """
    if i + 1 >= len(chars):
        return None
    first, second = _bare(chars[i]), chars[i + 1]
    if first == second == _GAMMA:
        return "NG"
    if _bare(second) != _UPSILON or _DIALYTIKA in unicodedata.normalize("NFD", second):
        return None
    if first == _OMICRON:
        return "OU"
    if first not in GREEK_U_DIGRAPH:
        return None
    after = _bare(chars[i + 2]) if i + 2 < len(chars) else ""
    voiceless = after in GREEK_VOICELESS or after not in GREEK
    return GREEK_U_DIGRAPH[first] + ("F" if voiceless else "V")


def mrz_name(text: str, *, field: str = "name") -> str:
    """A name in ICAO Doc 9303 MRZ form (Part 3, section 6): A-Z with `<` between parts.

    Spaces, hyphens and commas become one filler `<`; apostrophes and full stops are
    left out; letters are transliterated with the tables of
    `limes.core.transliteration`.

    Args:
        text: the name as entered, in Latin, Cyrillic, Greek or Arabic script.
        field: the field named in the error, if the name cannot be written.

    Returns:
        The MRZ form, e.g. "MUELLER<LUEDENSCHEIDT"; "" for a blank name.

    Raises:
        InvalidRequest: a character (a digit, another script) has no MRZ form.
    """
    chars = unicodedata.normalize("NFC", text).upper()
    parts: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(chars):
        digraph = _greek_digraph(chars, i)
        if digraph is not None:
            parts.append(digraph)
            i += 2
            continue
        letter = _mrz_letter(chars[i])
        if letter is None:
            unknown.append(chars[i])
        else:
            parts.append(letter)
        i += 1
    if unknown:
        shown = ", ".join(f"'{c}'" for c in dict.fromkeys(unknown))
        raise InvalidRequest(
            "the name cannot be written in a machine-readable zone",
            [FieldError(field, f"no ICAO 9303 transliteration for {shown}; give the Latin form")],
        )
    return re.sub("<+", "<", "".join(parts)).strip("<")


def normalise_name(text: str) -> str:
    """A name for matching: upper case, no diacritics or punctuation, single spaces.

    The script is kept (Cyrillic stays Cyrillic); letters without a decomposition
    are folded (Ø -> O, Ł -> L, ß -> SS, Æ -> AE). Unlike the MRZ form of ICAO 9303
    Part 3 section 6, Ä becomes A, not AE.

    Args:
        text: the name as entered.

    Returns:
        The normalised name, e.g. "MULLER LUDENSCHEIDT".
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text).upper():
        if char in LATIN_FOLD:
            out.append(LATIN_FOLD[char])
        elif _is_separator(char):
            out.append(" ")
        elif char not in OMITTED:
            out.extend(c if unicodedata.category(c)[0] in "LN" else " " for c in _bare(char))
    return " ".join("".join(out).split())


@dataclass(frozen=True, slots=True)
class Name:
    """A name as entered, with its ICAO 9303 MRZ form and its normalised form."""

    original: str
    mrz: str
    normalised: str

    def __post_init__(self) -> None:
        if not self.original.strip():
            raise InvalidRequest("a name cannot be blank", [FieldError("name", "is blank")])
        if not _MRZ_NAME.fullmatch(self.mrz):
            raise InvalidRequest(
                "the MRZ form of a name holds A-Z with single '<' between parts",
                [FieldError("name.mrz", f"'{self.mrz}' is not an MRZ name")],
            )

    @classmethod
    def of(cls, text: str, *, mrz: str | None = None) -> Name:
        """A name from its entered form; `mrz` gives the MRZ form for unsupported scripts."""
        return cls(text, mrz if mrz is not None else mrz_name(text), normalise_name(text))

    @property
    def latin(self) -> str:
        """The transliterated name with spaces: the MRZ form, `<` read as a space."""
        return self.mrz.replace("<", " ")


class Precision(StrEnum):
    """How much of a date is known."""

    YEAR = "year"
    YEAR_MONTH = "year_month"
    FULL = "full"


_ISO_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date of which the day, or the day and month, may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        problem = _date_problem(self.year, self.month, self.day)
        if problem:
            raise InvalidRequest(f"not a date: {problem}", [FieldError("date", problem)])

    @classmethod
    def parse(cls, text: str, *, field: str = "date") -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, keeping the precision given.

        Raises:
            InvalidRequest: the text is not one of the three forms, or not a real date.
        """
        found = _ISO_PARTIAL.fullmatch(text.strip())
        if found is None:
            reason = f"'{text}' is not a date; give YYYY, YYYY-MM or YYYY-MM-DD"
            raise InvalidRequest(f"{field}: {reason}", [FieldError(field, reason)])
        year = int(found.group(1))
        month = int(found.group(2)) if found.group(2) else None
        day = int(found.group(3)) if found.group(3) else None
        problem = _date_problem(year, month, day)
        if problem:
            reason = f"'{text}' is not a date: {problem}"
            raise InvalidRequest(f"{field}: {reason}", [FieldError(field, reason)])
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        """A full-precision partial date."""
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        """Which parts of the date are known."""
        if self.month is None:
            return Precision.YEAR
        return Precision.YEAR_MONTH if self.day is None else Precision.FULL

    def isoformat(self) -> str:
        """The date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, in its own precision."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.isoformat()

    def earliest(self) -> date:
        """The first day the date may stand for."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day the date may stand for."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def to_date(self) -> date | None:
        """The date, if it is known to the day; never a guess."""
        return self.earliest() if self.precision is Precision.FULL else None

    def contains(self, value: date) -> bool:
        """Whether the calendar day `value` agrees with every known part."""
        return self.earliest() <= value <= self.latest()

    def could_be_same(self, other: PartialDate) -> bool:
        """Whether both dates could stand for the same day (the parts known in both agree)."""
        return self.earliest() <= other.latest() and other.earliest() <= self.latest()

    @property
    def is_low_information(self) -> bool:
        """A full date of 1 January, often entered when only the year was known."""
        return self.precision is Precision.FULL and self.month == 1 and self.day == 1


def _date_problem(year: int, month: int | None, day: int | None) -> str | None:
    if not 1 <= year <= 9999:
        return f"year {year} is not 1-9999"
    if month is None:
        return "a day needs a month" if day is not None else None
    if not 1 <= month <= 12:
        return f"month {month} is not 1-12"
    if day is None:
        return None
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"day {day} is not 1-{last} in {year:04d}-{month:02d}"
    return None
