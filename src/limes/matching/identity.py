"""The identity data of one record, as the matcher takes it, read with clear errors.

An identity has names (required: a record without a usable name cannot be matched),
and optionally a date of birth with its precision, sex, nationality, place of birth
and one travel document (Regulations (EU) 2019/817 and 2019/818, Art 27(3)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from limes.core.countries import is_known_country
from limes.core.errors import FieldError, InvalidRequest
from limes.core.identity import PartialDate
from limes.core.limits import (
    MAX_COUNTRY_CHARS,
    MAX_DATE_CHARS,
    MAX_DOCUMENT_NUMBER_CHARS,
    MAX_EXCERPT_CHARS,
    MAX_NAME_CHARS,
    cut,
)
from limes.matching.text import normalise

FIELDS = frozenset(
    {
        "surname",
        "given_names",
        "dob",
        "sex",
        "nationality",
        "doc_number",
        "doc_country",
        "place_of_birth",
    }
)

# The longest each field may be (core/limits.py), checked before any work on it.
MAX_CHARS = {
    "surname": MAX_NAME_CHARS,
    "given_names": MAX_NAME_CHARS,
    "place_of_birth": MAX_NAME_CHARS,
    "dob": MAX_DATE_CHARS,
    "sex": 8,
    "nationality": MAX_COUNTRY_CHARS,
    "doc_number": MAX_DOCUMENT_NUMBER_CHARS,
    "doc_country": MAX_COUNTRY_CHARS,
}


class Sex(StrEnum):
    """Sex as ICAO 9303 records it: female, male, or unspecified."""

    F = "F"
    M = "M"
    X = "X"


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """The identity and travel-document data of one record (2019/817 Art 27(3))."""

    surname: str
    given_names: str = ""
    dob: PartialDate | None = None
    sex: Sex | None = None
    nationality: str | None = None
    doc_number: str | None = None
    doc_country: str | None = None
    place_of_birth: str | None = None

    @classmethod
    def from_json(cls, value: object, *, field: str = "identity") -> IdentityRecord:
        """Read an identity from decoded JSON; every problem is reported with its field.

        Raises:
            InvalidRequest: not an object, an unknown field, no usable name, a malformed
                date of birth, an unknown sex or country code.
        """
        if not isinstance(value, Mapping):
            reason = "give an object with surname, given_names, dob, sex, nationality, ..."
            raise InvalidRequest(f"{field}: {reason}", [FieldError(field, reason)])
        field = cut(field, MAX_EXCERPT_CHARS)
        problems: list[FieldError] = [
            FieldError(
                f"{field}.{cut(str(name), MAX_EXCERPT_CHARS)}",
                f"unknown field; use one of {', '.join(sorted(FIELDS))}",
            )
            for name in value
            if name not in FIELDS
        ]
        text = _texts(value, field, problems)
        surname, given = text["surname"] or "", text["given_names"] or ""
        named = not any(p.field in (f"{field}.surname", f"{field}.given_names") for p in problems)
        if named and not normalise(surname) and not normalise(given):
            problems.append(
                FieldError(f"{field}.surname", "a usable name is required (letters, any script)")
            )
        dob = None
        if text["dob"] is not None:
            try:
                dob = PartialDate.parse(text["dob"], field=f"{field}.dob")
            except InvalidRequest as error:
                problems.extend(error.errors)
        sex = None
        if text["sex"] is not None:
            try:
                sex = Sex(text["sex"].upper())
            except ValueError:
                problems.append(FieldError(f"{field}.sex", "give M, F or X"))
        for name in ("nationality", "doc_country"):
            code = text[name]
            if code is not None and not is_known_country(code.upper()):
                problems.append(
                    FieldError(f"{field}.{name}", f"'{code}' is not an ICAO/ISO alpha-3 code")
                )
        if problems:
            raise InvalidRequest(
                f"{field}: " + "; ".join(f"{p.field}: {p.reason}" for p in problems), problems
            )
        return cls(
            surname=surname,
            given_names=given,
            dob=dob,
            sex=sex,
            nationality=text["nationality"].upper() if text["nationality"] else None,
            doc_number=text["doc_number"],
            doc_country=text["doc_country"].upper() if text["doc_country"] else None,
            place_of_birth=text["place_of_birth"],
        )


def _texts(
    value: Mapping[str, object], field: str, problems: list[FieldError]
) -> dict[str, str | None]:
    """Each field's text, stripped; None when absent, blank, not a string or too long
    (each of those two a problem), its length checked before any work on it."""
    text: dict[str, str | None] = {}
    for name in FIELDS:
        raw = value.get(name)
        if raw is not None and not isinstance(raw, str):
            problems.append(FieldError(f"{field}.{name}", "give a string"))
            raw = None
        elif raw is not None and len(raw) > MAX_CHARS[name]:
            problems.append(FieldError(f"{field}.{name}", f"at most {MAX_CHARS[name]} characters"))
            raw = None
        text[name] = raw.strip() if raw and raw.strip() else None
    return text
