"""The field reader behind `limes.core.documents.read_mrz` (ICAO Doc 9303 Parts 3-7).

`FieldReader` reads each field of lines already matched to a layout and records a
`FieldError` for each wrong one instead of stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from limes.core.countries import is_known_country
from limes.core.errors import FieldError, InvalidRequest
from limes.core.identity import PartialDate
from limes.core.mrz_format import (
    FILLER,
    LAYOUTS,
    MRZ_CHARACTERS,
    Layout,
    MrzFormat,
    Sex,
    Span,
    birth_year,
    check_digit,
    expiry_year,
)

_BIRTH_DATE = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}|<<)|<<<<)")


class FieldReader:
    """Reads the fields of lines known to be in `layout`, collecting every error."""

    def __init__(self, lines: tuple[str, ...], layout: Layout, today: date) -> None:
        self.lines = lines
        self.layout = layout
        self.today = today
        self.errors: list[FieldError] = []
        self.whole = tuple(len(line) == layout.width for line in lines)
        for i, line in enumerate(lines):
            if not self.whole[i]:
                self.fail(
                    f"lines[{i}]",
                    f"line {i + 1} has {len(line)} characters; a {layout.format} line has "
                    f"{layout.width} ({layout.citation})",
                )

    def fail(self, field: str, reason: str) -> None:
        """Record that `field` is wrong, and why."""
        self.errors.append(FieldError(field, reason))

    def raw(self, span: Span) -> str | None:
        """The characters of `span`, or None if its line has the wrong length."""
        if not self.whole[span.line]:
            return None
        return self.lines[span.line][span.start : span.end]

    def text(self, span: Span, field: str) -> str | None:
        """The characters of `span` if all are MRZ characters; reports those that are not."""
        value = self.raw(span)
        if value is None:
            return None
        bad = [(i, c) for i, c in enumerate(value) if c not in MRZ_CHARACTERS]
        if not bad:
            return value
        shown = ", ".join(f"{c!r} at position {span.start + i + 1}" for i, c in bad[:3])
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        hint = "; write letters in upper case" if any(c.islower() for _, c in bad) else ""
        self.fail(
            field,
            f"line {span.line + 1}: {shown}{more} outside the MRZ characters A-Z, 0-9, <{hint}",
        )
        return None

    def compare(self, field: str, data: str, digit: str, where: str) -> None:
        """Doc 9303 Part 3 section 4.9: `digit` must be the check digit of `data`."""
        if not "0" <= digit <= "9":
            self.fail(field, f"check digit {digit!r} ({where}) is not a digit 0-9")
        elif int(digit) != (expected := check_digit(data)):
            self.fail(
                field, f"check digit {digit} ({where}) does not match {expected}, that of {data!r}"
            )

    def verify(
        self, field: str, spans: Iterable[Span], check: Span, *, may_be_filler: bool = False
    ) -> None:
        """Compare the check digit at `check` with the one of `spans`, if they are readable."""
        parts = [self.raw(span) for span in spans]
        digit = self.raw(check)
        if digit is None or None in parts:
            return
        data = "".join(p for p in parts if p is not None)
        if not MRZ_CHARACTERS.issuperset(data):
            return  # reported with the field that holds the bad character
        if may_be_filler and digit == FILLER and set(data) <= {FILLER}:
            return
        self.compare(field, data, digit, check.where())

    def document_code(self) -> str | None:
        """The document code: P (Part 4), A, C or I (Parts 5, 6) or V (Part 7), then a letter or <."""
        raw = self.text(self.layout.document_code, "document_code")
        if raw is None:
            return None
        if raw[0] in self.layout.document_codes and (raw[1].isalpha() or raw[1] == FILLER):
            return raw.rstrip(FILLER)
        starts = " or ".join(self.layout.document_codes)
        self.fail(
            "document_code",
            f"{raw!r} is not a {self.layout.format} document code: a letter {starts}, "
            f"then a letter or < ({self.layout.citation})",
        )
        return None

    def country(self, span: Span, field: str) -> str | None:
        """An issuing state or nationality, known to Doc 9303 Part 3 section 5."""
        raw = self.text(span, field)
        if raw is None:
            return None
        code = raw.rstrip(FILLER)
        if not re.fullmatch(r"[A-Z]{1,3}", code):
            self.fail(field, f"{raw!r} is not a country code: letters, then fillers")
        elif not is_known_country(code):
            self.fail(field, f"{code!r} is not an ICAO Doc 9303 Part 3 country code")
        else:
            return code
        return None

    def name(self) -> tuple[str | None, str | None]:
        """Doc 9303 Part 3: primary identifier, `<<`, secondary identifiers; `<` is a space."""
        raw = self.text(self.layout.name, "name")
        if raw is None:
            return None, None
        if any(c.isdigit() for c in raw):
            self.fail("name", "holds digits; a name is A-Z with < between its parts")
            return None, None
        primary, _, secondary = raw.rstrip(FILLER).partition(FILLER * 2)
        surname: str | None = primary.replace(FILLER, " ")
        given: str | None = secondary.replace(FILLER, " ")
        if not primary or primary.startswith(FILLER):
            self.fail("surname", "is missing: the name field starts with the primary identifier")
            surname = None
        if secondary.startswith(FILLER) or FILLER * 2 in secondary:
            self.fail("given_names", "hold '<<'; only one '<' may separate given names")
            given = None
        return surname, given

    def document_number(self) -> tuple[str | None, str | None]:
        """The document number and the (rest of the) optional data after it."""
        layout = self.layout
        number = self.text(layout.document_number, "document_number")
        optional = self.text(layout.optional_data, "optional_data")
        digit = self.raw(layout.document_number_check)
        if layout.long_document_number and digit == FILLER:
            return self._long_document_number(number, optional)
        if number is not None and digit is not None:
            self.compare("document_number", number, digit, layout.document_number_check.where())
        rest = optional.rstrip(FILLER) if optional is not None else None
        if number is None:
            return None, rest
        if not number.rstrip(FILLER):
            self.fail("document_number", "is missing")
            return None, rest
        return number.rstrip(FILLER), rest

    def _long_document_number(
        self, head: str | None, optional: str | None
    ) -> tuple[str | None, str | None]:
        """Doc 9303 Parts 5 and 6: a `<` check digit means the number goes on in the optional data."""
        if head is None or optional is None:
            return None, None
        continued, _, rest = optional.partition(FILLER)
        if len(continued) < 2 or FILLER in head:
            where = self.layout.document_number_check.where()
            self.fail(
                "document_number",
                f"the check digit ({where}) is '<', which marks a number of more than 9 "
                "characters, but the number does not fill its field and go on in the "
                "optional data with its check digit",
            )
            return None, optional.rstrip(FILLER)
        span = self.layout.optional_data
        where = f"line {span.line + 1}, position {span.start + len(continued)}"
        self.compare("document_number", head + continued[:-1], continued[-1], where)
        return head + continued[:-1], rest.rstrip(FILLER)

    def birth_date(self) -> PartialDate | None:
        """The date of birth, YYMMDD with unknown parts as fillers, and its check digit."""
        span = self.layout.birth_date
        self.verify("birth_date", [span], self.layout.birth_date_check)
        raw = self.text(span, "birth_date")
        if raw is None or raw == FILLER * 6:
            return None
        if not _BIRTH_DATE.fullmatch(raw):
            self.fail(
                "birth_date",
                f"{raw!r} is not a date YYMMDD; an unknown day, or month and day, is <<",
            )
            return None
        month = int(raw[2:4]) if raw[2] != FILLER else None
        day = int(raw[4:]) if raw[4] != FILLER else None
        try:
            return PartialDate(birth_year(int(raw[:2]), month, day, self.today), month, day)
        except InvalidRequest as error:
            self.fail("birth_date", f"{raw!r} is not a date: {error.errors[0].reason}")
            return None

    def expiry_date(self) -> date | None:
        """The date of expiry, YYMMDD, and its check digit."""
        span = self.layout.expiry_date
        self.verify("expiry_date", [span], self.layout.expiry_date_check)
        raw = self.text(span, "expiry_date")
        if raw is None:
            return None
        if not raw.isdigit():
            self.fail("expiry_date", f"{raw!r} is not a date YYMMDD")
            return None
        year = expiry_year(int(raw[:2]), self.today)
        try:
            return PartialDate(year, int(raw[2:4]), int(raw[4:])).to_date()
        except InvalidRequest as error:
            self.fail("expiry_date", f"{raw!r} is not a date: {error.errors[0].reason}")
            return None

    def sex(self) -> Sex | None:
        """The sex: M, F, X, or < (unspecified, read as None)."""
        raw = self.text(self.layout.sex, "sex")
        if raw is None or raw == FILLER:
            return None
        if raw in {s.value for s in Sex}:
            return Sex(raw)
        self.fail("sex", f"{raw!r} is not a sex: M, F, X or < (unspecified)")
        return None

    def optional_data_2(self) -> str | None:
        """TD1's second optional data field (Doc 9303 Part 5), without trailing fillers."""
        span = self.layout.optional_data_2
        if span is None:
            return None
        raw = self.text(span, "optional_data_2")
        return raw.rstrip(FILLER) if raw is not None else None

    def check_digits(self) -> None:
        """The TD3 personal number check digit (may be `<` if empty) and the composite."""
        layout = self.layout
        if layout.optional_data_check is not None:
            self.verify(
                "optional_data",
                [layout.optional_data],
                layout.optional_data_check,
                may_be_filler=True,
            )
        if layout.composite_check is not None:
            self.verify("composite_check_digit", layout.composite, layout.composite_check)


def split_lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of `text`, each without surrounding blanks or carriage returns."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def layout_of(lines: tuple[str, ...], errors: list[FieldError]) -> Layout | None:
    """The layout the lines are in, by their count, length and first letter."""
    if len(lines) == 3:
        width = 30
    elif len(lines) == 2:
        width = min((44, 36), key=lambda w: sum(abs(len(line) - w) for line in lines))
    else:
        errors.append(
            FieldError(
                "lines",
                f"{len(lines)} lines given; an MRZ has 3 lines of 30 characters (TD1) or 2 "
                "lines of 36 (TD2, MRV-B) or 44 (TD3, MRV-A), joined by newlines",
            )
        )
        return None
    if all(len(line) != width for line in lines):
        lengths = ", ".join(str(len(line)) for line in lines)
        errors.append(
            FieldError(
                "lines",
                f"lines of {lengths} characters match no format: 3 x 30 (TD1), "
                "2 x 36 (TD2, MRV-B) or 2 x 44 (TD3, MRV-A)",
            )
        )
        return None
    if width == 30:
        return LAYOUTS[MrzFormat.TD1]
    visa = lines[0][:1].upper() == "V"
    if width == 44:
        return LAYOUTS[MrzFormat.MRV_A if visa else MrzFormat.TD3]
    return LAYOUTS[MrzFormat.MRV_B if visa else MrzFormat.TD2]
