"""The layouts, check digits and date rules of ICAO Doc 9303 machine-readable zones.

Shared by the reader (`limes.core.documents`) and the writer (`limes.core.mrz_build`).
Field positions are written as in the Doc 9303 tables: line and character
positions counted from 1, both ends included.

Two-digit years: an MRZ date has no century, so limes chooses one against a
reference day `today`:

* date of birth: the latest century that does not put the date after `today`
  (with unknown parts, its first possible day). Nobody is born in the future,
  and nobody older than 100 years can be told from a baby: a known limit of the
  MRZ, as documents of centenarians are rare.
* date of expiry: the year that lies from 50 years before to 49 years after
  `today`'s year. Documents are valid for at most about 10 years, so expired
  documents read decades later and those valid for long keep the right century.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from limes.core.errors import FieldError, InvalidDocument
from limes.core.identity import PartialDate

FILLER = "<"
MRZ_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

# Doc 9303 Part 3 section 4.9: the value of each character and the repeating weights.
_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {FILLER: 0}
_WEIGHTS = (7, 3, 1)

# The window of expiry years around the reference year (see the module docstring).
EXPIRY_YEARS_BACK = 50
EXPIRY_YEARS_AHEAD = 49


class MrzFormat(StrEnum):
    """The machine-readable zone layouts of Doc 9303 Parts 4 to 7."""

    TD1 = "td1"
    TD2 = "td2"
    TD3 = "td3"
    MRV_A = "mrv_a"
    MRV_B = "mrv_b"


class Sex(StrEnum):
    """The sex field of Doc 9303 Parts 4-7 (the values are the MRZ letters).

    The filler `<` (unspecified) has no member: it is read and written as None.
    """

    FEMALE = "F"
    MALE = "M"
    X = "X"


@dataclass(frozen=True, slots=True)
class Span:
    """Characters `start` to `end` (0-based, end excluded) of MRZ line `line` (0-based)."""

    line: int
    start: int
    end: int

    @property
    def width(self) -> int:
        """How many characters the span holds."""
        return self.end - self.start

    def where(self) -> str:
        """The span in Doc 9303 terms, e.g. 'line 2, positions 1-9'."""
        if self.width == 1:
            return f"line {self.line + 1}, position {self.start + 1}"
        return f"line {self.line + 1}, positions {self.start + 1}-{self.end}"


def _at(line: int, first: int, last: int) -> Span:
    """A span given as in the Doc 9303 tables: 1-based line and positions, `last` included."""
    return Span(line - 1, first - 1, last)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each field of one MRZ format sits."""

    format: MrzFormat
    citation: str
    lines: int
    width: int
    document_codes: str
    document_code: Span
    issuing_state: Span
    name: Span
    document_number: Span
    document_number_check: Span
    nationality: Span
    birth_date: Span
    birth_date_check: Span
    sex: Span
    expiry_date: Span
    expiry_date_check: Span
    optional_data: Span
    optional_data_check: Span | None = None
    optional_data_2: Span | None = None
    composite_check: Span | None = None
    composite: tuple[Span, ...] = ()
    long_document_number: bool = False


def _two_line(fmt: MrzFormat, citation: str, width: int, codes: str) -> Layout:
    """The layout shared by TD2, TD3, MRV-A and MRV-B: name on line 1, data on line 2."""
    td3 = fmt is MrzFormat.TD3
    visa = fmt in (MrzFormat.MRV_A, MrzFormat.MRV_B)
    optional_end = width if visa else width - (2 if td3 else 1)
    return Layout(
        format=fmt,
        citation=citation,
        lines=2,
        width=width,
        document_codes=codes,
        document_code=_at(1, 1, 2),
        issuing_state=_at(1, 3, 5),
        name=_at(1, 6, width),
        document_number=_at(2, 1, 9),
        document_number_check=_at(2, 10, 10),
        nationality=_at(2, 11, 13),
        birth_date=_at(2, 14, 19),
        birth_date_check=_at(2, 20, 20),
        sex=_at(2, 21, 21),
        expiry_date=_at(2, 22, 27),
        expiry_date_check=_at(2, 28, 28),
        optional_data=_at(2, 29, optional_end),
        optional_data_check=_at(2, width - 1, width - 1) if td3 else None,
        composite_check=None if visa else _at(2, width, width),
        composite=() if visa else (_at(2, 1, 10), _at(2, 14, 20), _at(2, 22, width - 1)),
        long_document_number=fmt is MrzFormat.TD2,
    )


TD1 = Layout(
    format=MrzFormat.TD1,
    citation="ICAO Doc 9303 Part 5",
    lines=3,
    width=30,
    document_codes="ACI",
    document_code=_at(1, 1, 2),
    issuing_state=_at(1, 3, 5),
    document_number=_at(1, 6, 14),
    document_number_check=_at(1, 15, 15),
    optional_data=_at(1, 16, 30),
    birth_date=_at(2, 1, 6),
    birth_date_check=_at(2, 7, 7),
    sex=_at(2, 8, 8),
    expiry_date=_at(2, 9, 14),
    expiry_date_check=_at(2, 15, 15),
    nationality=_at(2, 16, 18),
    optional_data_2=_at(2, 19, 29),
    composite_check=_at(2, 30, 30),
    composite=(_at(1, 6, 30), _at(2, 1, 7), _at(2, 9, 15), _at(2, 19, 29)),
    name=_at(3, 1, 30),
    long_document_number=True,
)

LAYOUTS = MappingProxyType(
    {
        MrzFormat.TD1: TD1,
        MrzFormat.TD2: _two_line(MrzFormat.TD2, "ICAO Doc 9303 Part 6", 36, "ACI"),
        MrzFormat.TD3: _two_line(MrzFormat.TD3, "ICAO Doc 9303 Part 4", 44, "P"),
        MrzFormat.MRV_A: _two_line(MrzFormat.MRV_A, "ICAO Doc 9303 Part 7", 44, "V"),
        MrzFormat.MRV_B: _two_line(MrzFormat.MRV_B, "ICAO Doc 9303 Part 7", 36, "V"),
    }
)


def check_digit(text: str) -> int:
    """The ICAO Doc 9303 Part 3 section 4.9 check digit of `text`.

    Each character takes a value (0-9 as themselves, A-Z as 10-35, the filler `<`
    as 0), is multiplied by the weights 7, 3, 1 repeated, and the sum is taken
    modulo 10.

    Args:
        text: MRZ characters (A-Z, 0-9, `<`).

    Returns:
        The check digit, 0-9.

    Raises:
        InvalidDocument: `text` holds a character outside the MRZ set.
    """
    bad = sorted({c for c in text if c not in _VALUES})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise InvalidDocument(
            "a check digit is computed over A-Z, 0-9 and < only",
            [FieldError("text", f"holds {shown}")],
        )
    return sum(_VALUES[c] * _WEIGHTS[i % 3] for i, c in enumerate(text)) % 10


def birth_year(yy: int, month: int | None, day: int | None, today: date) -> int:
    """The full year of a two-digit birth year: the latest century not after `today`."""
    year = today.year - today.year % 100 + yy
    if (year, month or 1, day or 1) > (today.year, today.month, today.day):
        year -= 100
    return year


def expiry_year(yy: int, today: date) -> int:
    """The full year of a two-digit expiry year: within 50 years before to 49 after `today`."""
    year = today.year - today.year % 100 + yy
    if year > today.year + EXPIRY_YEARS_AHEAD:
        year -= 100
    elif year < today.year - EXPIRY_YEARS_BACK:
        year += 100
    return year


@dataclass(frozen=True, slots=True)
class MrzFields:
    """What an MRZ says, as given to `build_mrz` (names in any supported script).

    `optional_data_2` is the second optional data field, which only TD1 has (line 2,
    positions 19-29). A birth date of None, or with unknown parts, is written with
    fillers; a sex of None is written as the filler `<` (unspecified).
    """

    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: PartialDate | date | None
    sex: Sex | None
    expiry_date: date
    optional_data: str = ""
    optional_data_2: str = ""
