"""Writing ICAO Doc 9303 machine-readable zones from their fields.

Used to issue test documents and synthetic populations; `read_mrz` reads every
zone written here back to the same fields (names in their MRZ form).
"""

from __future__ import annotations

import re
from datetime import date

from limes.core.countries import COUNTRIES
from limes.core.errors import FieldError, InvalidDocument, InvalidRequest
from limes.core.identity import PartialDate, mrz_name
from limes.core.mrz_format import FILLER, LAYOUTS, Layout, MrzFields, MrzFormat, Span, check_digit

_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]+")
_OPTIONAL = re.compile(r"[A-Z0-9<]*")


class _Zone:
    """The characters of an MRZ being written, filled with `<` to start with."""

    def __init__(self, layout: Layout) -> None:
        self.rows = [[FILLER] * layout.width for _ in range(layout.lines)]

    def put(self, span: Span, text: str) -> None:
        self.rows[span.line][span.start : span.end] = text.ljust(span.width, FILLER)

    def get(self, span: Span) -> str:
        return "".join(self.rows[span.line][span.start : span.end])

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.rows)


def fit_name(primary: str, secondary: str, width: int) -> str:
    """The name field: `primary<<secondary`, truncated at the end to `width` (Doc 9303 Part 3).

    When the name is too long, characters are cut from the end, so the secondary
    identifiers go first and a primary identifier longer than the field loses the
    secondary ones entirely. A cut that lands on a `<` leaves the field ending in
    fillers, which read as no more name.
    """
    full = primary + (FILLER * 2 + secondary if secondary else "")
    return full[:width]


def _name(fields: MrzFields, width: int, errors: list[FieldError]) -> str:
    try:
        primary = mrz_name(fields.surname, field="surname")
    except InvalidRequest as error:
        errors.extend(error.errors)
        primary = ""
    else:
        if not primary:
            errors.append(FieldError("surname", "is blank; a name needs a primary identifier"))
    try:
        secondary = mrz_name(fields.given_names, field="given_names")
    except InvalidRequest as error:
        errors.extend(error.errors)
        secondary = ""
    return fit_name(primary, secondary, width)


def _country(code: str, field: str, errors: list[FieldError]) -> str:
    found = COUNTRIES.get(code)
    if found is None:
        errors.append(FieldError(field, f"'{code}' is not an ICAO Doc 9303 Part 3 country code"))
        return ""
    return found.code


def _document_code(code: str, layout: Layout, errors: list[FieldError]) -> str:
    if re.fullmatch(r"[A-Z][A-Z<]?", code) and code[0] in layout.document_codes:
        return code
    starts = " or ".join(layout.document_codes)
    errors.append(
        FieldError(
            "document_code",
            f"'{code}' is not a {layout.format} document code: 1-2 letters starting with {starts}",
        )
    )
    return ""


def _birth_date(value: PartialDate | date | None) -> str:
    if value is None:
        return FILLER * 6
    known = PartialDate.from_date(value) if isinstance(value, date) else value
    month = f"{known.month:02d}" if known.month is not None else FILLER * 2
    day = f"{known.day:02d}" if known.day is not None else FILLER * 2
    return f"{known.year % 100:02d}{month}{day}"


def _optional(text: str, field: str, width: int, errors: list[FieldError]) -> str:
    if not _OPTIONAL.fullmatch(text):
        errors.append(FieldError(field, f"'{text}' holds characters other than A-Z, 0-9 and <"))
    elif len(text) > width:
        errors.append(FieldError(field, f"has {len(text)} characters; {width} fit"))
    return text


def _document_number(
    fields: MrzFields, layout: Layout, zone: _Zone, errors: list[FieldError]
) -> None:
    """Doc 9303 Parts 5 and 6: numbers over 9 characters continue in the optional data."""
    number, span = fields.document_number, layout.document_number
    optional_width = layout.optional_data.width
    if not _DOCUMENT_NUMBER.fullmatch(number):
        errors.append(FieldError("document_number", f"'{number}' must be 1 or more of A-Z, 0-9"))
        _optional(fields.optional_data, "optional_data", optional_width, errors)
        return
    if len(number) <= span.width:
        zone.put(span, number)
        zone.put(layout.document_number_check, str(check_digit(zone.get(span))))
        zone.put(
            layout.optional_data,
            _optional(fields.optional_data, "optional_data", optional_width, errors),
        )
        return
    longest = span.width + optional_width - 1
    if not layout.long_document_number or len(number) > longest:
        limit = longest if layout.long_document_number else span.width
        errors.append(
            FieldError(
                "document_number", f"has {len(number)} characters; a {layout.format} takes {limit}"
            )
        )
        _optional(fields.optional_data, "optional_data", optional_width, errors)
        return
    zone.put(span, number[: span.width])
    zone.put(layout.document_number_check, FILLER)
    overflow = number[span.width :] + str(check_digit(number))
    optional = fields.optional_data
    room = max(optional_width - len(overflow) - 1, 0)
    zone.put(
        layout.optional_data,
        overflow
        + (FILLER + _optional(optional, "optional_data", room, errors) if optional else ""),
    )


def build_mrz(fields: MrzFields, format: MrzFormat) -> str:
    """Write the machine-readable zone of `fields` in `format` (ICAO Doc 9303 Parts 4-7).

    Names are transliterated with `mrz_name` and truncated at the end if too long;
    `DEU` is written as ICAO's `D`; check digits and the composite check digit are
    computed (Doc 9303 Part 3 section 4.9).

    Args:
        fields: what the document says.
        format: the MRZ layout to write.

    Returns:
        The MRZ lines joined by a newline.

    Raises:
        InvalidDocument: one or more fields cannot be written; every one is listed.
    """
    layout = LAYOUTS[format]
    zone = _Zone(layout)
    errors: list[FieldError] = []
    zone.put(layout.document_code, _document_code(fields.document_code, layout, errors))
    zone.put(layout.issuing_state, _country(fields.issuing_state, "issuing_state", errors))
    zone.put(layout.name, _name(fields, layout.name.width, errors))
    _document_number(fields, layout, zone, errors)
    zone.put(layout.nationality, _country(fields.nationality, "nationality", errors))
    zone.put(layout.birth_date, _birth_date(fields.birth_date))
    zone.put(layout.sex, fields.sex.value if fields.sex is not None else FILLER)
    zone.put(layout.expiry_date, fields.expiry_date.strftime("%y%m%d"))
    if layout.optional_data_2 is not None:
        second = _optional(
            fields.optional_data_2, "optional_data_2", layout.optional_data_2.width, errors
        )
        zone.put(layout.optional_data_2, second)
    elif fields.optional_data_2:
        errors.append(FieldError("optional_data_2", f"a {format} has no second optional field"))
    if errors:
        raise InvalidDocument(f"the fields cannot be written as a {format} MRZ", errors)
    for data, check in (
        (layout.birth_date, layout.birth_date_check),
        (layout.expiry_date, layout.expiry_date_check),
    ):
        zone.put(check, str(check_digit(zone.get(data))))
    if layout.optional_data_check is not None:
        personal = zone.get(layout.optional_data)
        empty = personal == FILLER * len(personal)
        zone.put(layout.optional_data_check, FILLER if empty else str(check_digit(personal)))
    if layout.composite_check is not None:
        composite = "".join(zone.get(span) for span in layout.composite)
        zone.put(layout.composite_check, str(check_digit(composite)))
    return zone.text()
