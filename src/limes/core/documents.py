"""Reading and validating the machine-readable zones of travel documents (ICAO Doc 9303).

`read_mrz` reads the five layouts of Doc 9303: TD1 (3 lines of 30, Part 5), TD2
(2 x 36, Part 6), TD3 passports (2 x 44, Part 4) and the visas MRV-A (2 x 44) and
MRV-B (2 x 36, Part 7). It never raises for what the zone holds: it returns an
`MrzReading` with every field it could read and one `FieldError` for every field
that is wrong, so a border guard sees all problems at once.

What is checked:

* lines: 3 of 30 or 2 of 36 or 44 characters, each of A-Z, 0-9 and `<` (lower
  case is an error); surrounding blanks, `\\r` and blank lines are ignored;
* check digits (Doc 9303 Part 3 section 4.9) of the document number, birth date,
  expiry date, the TD3 personal number (which may be `<` when empty) and the
  composite check digit of TD1, TD2 and TD3 (visas have none);
* document numbers longer than 9 characters in TD1 and TD2 (Parts 5 and 6): a `<`
  in the check digit position, the rest of the number and its check digit at the
  start of the optional data, then a `<`;
* the document code (P for TD3; A, C or I for TD1 and TD2; V for visas), sex (M,
  F, X, or `<` for unspecified, read as None), issuing state and nationality
  (known to `limes.core.countries`), and real calendar dates;
* a birth date may have unknown parts as fillers (`7408<<`, `74<<<<`, `<<<<<<`):
  they are read as a `PartialDate` of that precision, never as 01.

Two-digit years get their century from the rules of `limes.core.mrz_format`.
A document is `expired` when its expiry date is before `today`; that is not a
reading error, so an expired document's MRZ is still `valid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from limes.core.errors import FieldError, InvalidRequest
from limes.core.identity import PartialDate
from limes.core.limits import MAX_EXCERPT_CHARS, MAX_MRZ_CHARS, cut
from limes.core.mrz_build import build_mrz
from limes.core.mrz_format import MrzFields, MrzFormat, Sex, check_digit
from limes.core.mrz_read import FieldReader, layout_of, split_lines

__all__ = [
    "MrzFields",
    "MrzFormat",
    "MrzReading",
    "Sex",
    "build_mrz",
    "check_digit",
    "read_mrz",
    "read_mrz_json",
]


@dataclass(frozen=True, slots=True)
class MrzReading:
    """What a machine-readable zone says, and every way in which it is wrong.

    A field is None when it cannot be read; `sex` is also None for the filler `<`
    (unspecified). `optional_data_2` is TD1's second optional field.
    """

    format: MrzFormat | None
    lines: tuple[str, ...]
    errors: tuple[FieldError, ...]
    document_code: str | None = None
    issuing_state: str | None = None
    surname: str | None = None
    given_names: str | None = None
    document_number: str | None = None
    nationality: str | None = None
    birth_date: PartialDate | None = None
    sex: Sex | None = None
    expiry_date: date | None = None
    optional_data: str | None = None
    optional_data_2: str | None = None
    expired: bool | None = None

    @property
    def valid(self) -> bool:
        """Whether the zone has a known format and no field is wrong."""
        return self.format is not None and not self.errors

    def to_json(self) -> dict[str, Any]:
        """The reading as JSON, with dates in ISO 8601 and TD1's optional fields joined.

        `birth_date` keeps the precision the MRZ gives: `YYYY-MM-DD`, or `YYYY-MM` or
        `YYYY` when the day or month are fillers; null when unknown or unreadable.
        TD1's two optional data fields are joined by a space (line 1's first).
        """
        optional = None
        if self.optional_data is not None or self.optional_data_2 is not None:
            optional = " ".join(p for p in (self.optional_data, self.optional_data_2) if p)
        return {
            "valid": self.valid,
            "format": self.format.value if self.format is not None else None,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "surname": self.surname,
            "given_names": self.given_names,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex.value if self.sex is not None else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "optional_data": optional,
            "expired": self.expired,
            "errors": [e.as_dict() for e in self.errors],
            "lines": list(self.lines),
        }


def read_mrz(text: str, today: date) -> MrzReading:
    """Read and validate an ICAO Doc 9303 machine-readable zone, reporting every error.

    Args:
        text: the MRZ lines joined by newlines.
        today: the reference day for the century of two-digit years and for `expired`.

    Returns:
        The reading; `valid` is False and `errors` lists each wrong field if the zone is
        not sound. Content problems never raise.
    """
    lines = split_lines(text)
    errors: list[FieldError] = []
    layout = layout_of(lines, errors)
    if layout is None:
        return MrzReading(format=None, lines=lines, errors=tuple(errors))
    reader = FieldReader(lines, layout, today)
    document_code = reader.document_code()
    issuing_state = reader.country(layout.issuing_state, "issuing_state")
    surname, given_names = reader.name()
    document_number, optional_data = reader.document_number()
    nationality = reader.country(layout.nationality, "nationality")
    birth_date = reader.birth_date()
    sex = reader.sex()
    expiry_date = reader.expiry_date()
    optional_data_2 = reader.optional_data_2()
    reader.check_digits()
    return MrzReading(
        format=layout.format,
        lines=lines,
        errors=tuple(reader.errors),
        document_code=document_code,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data,
        optional_data_2=optional_data_2,
        expired=expiry_date < today if expiry_date is not None else None,
    )


def read_mrz_json(payload: dict[str, Any], today: date) -> dict[str, Any]:
    """The `limes mrz` handler: read `{"mrz": "LINE1\\nLINE2"}` and return the reading as JSON.

    Raises:
        InvalidRequest: `mrz` is missing, not a string or longer than `MAX_MRZ_CHARS`,
            or another field is given.
    """
    usage = 'give the machine-readable zone as {"mrz": "LINE1\\nLINE2"}, lines joined by \\n'
    problems = [
        FieldError(cut(name, MAX_EXCERPT_CHARS), 'unknown field; give only "mrz"')
        for name in payload
        if name != "mrz"
    ]
    text = payload.get("mrz")
    if not isinstance(text, str):
        reason = "is missing" if "mrz" not in payload else "must be a string"
        problems.append(FieldError("mrz", reason))
    if problems or not isinstance(text, str):
        raise InvalidRequest(usage, problems)
    if len(text) > MAX_MRZ_CHARS:
        raise InvalidRequest(
            f"The MRZ is {len(text):,} characters; the longest zone (TD1) is 92.",
            [FieldError("mrz", f"at most {MAX_MRZ_CHARS} characters")],
        )
    return read_mrz(text, today).to_json()
