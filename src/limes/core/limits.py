"""The limits on every input, with where each comes from; and how errors quote input.

Every body, list, string and header limes reads has a bound, documented in
docs/api.md ("Limits"). Bounds that come from a standard or a regulation say so;
the others are sized generously above any real use and say why. A request over a
bound is refused before the work it would cost, with the field and the bound named.

An error never repeats a large input back: a value quoted in a message goes through
`excerpt`, and the web and CLI layers cut every message to `MAX_REASON_CHARS` and
list at most `MAX_FIELD_ERRORS` field errors (`bounded_errors`).

Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence

from limes.core.errors import FieldError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "MAX_AUTHORIZATION_CHARS",
    "MAX_COUNTRY_CHARS",
    "MAX_CROSSING_POINT_CHARS",
    "MAX_DATE_CHARS",
    "MAX_DETAIL_CHARS",
    "MAX_DOCUMENT_NUMBER_CHARS",
    "MAX_EVIDENCE_CHARS",
    "MAX_EXCERPT_CHARS",
    "MAX_FIELD_ERRORS",
    "MAX_HEADER_BYTES",
    "MAX_IDEMPOTENCY_KEY_CHARS",
    "MAX_IDENTIFIER_CHARS",
    "MAX_JUSTIFICATION_CHARS",
    "MAX_MRZ_CHARS",
    "MAX_NAME_CHARS",
    "MAX_PASSWORD_CHARS",
    "MAX_PURPOSE_CHARS",
    "MAX_REASON_CHARS",
    "MAX_STAMPED_STAYS",
    "MAX_STAMPS_CHARS",
    "MAX_STAYS",
    "MAX_TEMPLATES",
    "MAX_TEMPLATE_VECTOR_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_URL_BYTES",
    "MAX_USER_ID_CHARS",
    "bounded_errors",
    "cut",
    "excerpt",
]

# --- Transport -----------------------------------------------------------------------

# A request body, and a document or line of `limes calc|mrz|match|mid detect`. The
# largest real request, a crossing with a face and ten fingerprints (sixteen
# templates of 2,732 base64 characters), is under 50 KB. Configurable for the server:
# LIMES_WEB__MAX_BODY_BYTES.
DEFAULT_MAX_BODY_BYTES = 1_048_576

# Every request header together, names and values: 16 KiB, the bound of h11 and of
# Node's HTTP server (httptools, uvicorn's faster parser, sets none of its own).
MAX_HEADER_BYTES = 16_384

# The path and query of a request together: 8 KiB, as most servers and proxies allow;
# limes' own are under 200 bytes.
MAX_URL_BYTES = 8_192

# --- Headers -------------------------------------------------------------------------

MAX_PURPOSE_CHARS = 500  # X-Purpose, and `purpose` of a CIR query (2019/817 Art 24)
MAX_IDEMPOTENCY_KEY_CHARS = 200  # a UUID is 36
MAX_AUTHORIZATION_CHARS = 1_024  # "Bearer " and a session token of about 100 characters

# --- Identity and document data ---------------------------------------------------

# A name part (surname, given names) or a place of birth, in any script. ICAO Doc
# 9303 fits a whole name into the 39 characters of a TD3 machine-readable zone (30 on
# a TD1 card) and truncates it there; the visual zone and national registers hold the
# full name. 200 characters, five times the TD3 field, holds any name a travel
# document prints.
MAX_NAME_CHARS = 200

# A travel-document number: 9 characters in the MRZ's number field; a longer number
# continues in the optional data (ICAO Doc 9303 Part 5). 32 holds any.
MAX_DOCUMENT_NUMBER_CHARS = 32

# A country: an ICAO Doc 9303 Part 3 code, one to three letters (D, UTO, FRA).
MAX_COUNTRY_CHARS = 3

# The longest machine-readable zone is a TD1 card's: three lines of 30 characters
# (ICAO Doc 9303 Part 5), 92 with its line breaks; 200 leaves room for the spaces
# and carriage returns a scanner adds.
MAX_MRZ_CHARS = 200

# A date as text: YYYY-MM-DD (ISO 8601), with room for spaces around it.
MAX_DATE_CHARS = 32

# A biometric template: 512 little-endian float32 values (2,048 bytes), as base64.
MAX_TEMPLATE_VECTOR_CHARS = 2_732

# Templates in one capture or query: a face and ten fingerprints (the Visa Code, Reg.
# (EC) 810/2009 Art 13(3)) is eleven; the EES takes a face and four (Reg. (EU)
# 2017/2226 Art 17(1)). Sixteen with room.
MAX_TEMPLATES = 16

# --- Record identifiers, codes and accounts ----------------------------------------

MAX_IDENTIFIER_CHARS = 128  # a record, link, file or CIR id in a path (they are ~40)
MAX_CROSSING_POINT_CHARS = 32  # "FRA-CDG"
MAX_USER_ID_CHARS = 64
MAX_PASSWORD_CHARS = 1_024

# --- Free text ---------------------------------------------------------------------

MAX_TEXT_CHARS = 200  # a crossing point's name
MAX_JUSTIFICATION_CHARS = (
    2_000  # a red link's justification (2019/817 Art 32), a suspension's reason
)
MAX_EVIDENCE_CHARS = 4_000  # the evidence rebutting an overstay (2017/2226 Art 20)

# --- The 90/180-day calculator -------------------------------------------------------

# Stays in one calculation. The EES keeps a record three years (Reg. (EU) 2017/2226
# Art 34(1)): a traveller crossing every day of those years has 1,096 stays.
MAX_STAYS = 2_000

# Passport stamps as text: two stamps of 7 characters and their separators per stay,
# for MAX_STAYS stays.
MAX_STAMPS_CHARS = 16 * MAX_STAYS

# Stays shown by passport stamps at one crossing: they fall in the 180 days preceding
# it (Reg. (EU) 2017/2226 Art 22(1)), at most one a day.
MAX_STAMPED_STAYS = 180

# --- How errors quote input ----------------------------------------------------------

MAX_EXCERPT_CHARS = 40  # a value quoted in a message
MAX_REASON_CHARS = 500  # a field error's reason
MAX_DETAIL_CHARS = 1_000  # an error's detail
MAX_FIELD_ERRORS = 20  # field errors in one answer; the rest are counted


def cut(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """`text`, or its first characters and how much was left out when longer than `limit`."""
    if len(text) <= limit:
        return text
    return f"{text[: max(limit // 2, limit - 40)]}... ({len(text):,} characters in all)"


def excerpt(value: object, limit: int = MAX_EXCERPT_CHARS) -> str:
    """The repr of an input value for a message, cut to about `limit` characters.

    The repr of a huge container is never built: only its type and size are named.
    """
    if isinstance(value, str | bytes):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}... ({len(value):,} characters)"
    if isinstance(value, list | tuple | dict | set | frozenset) and len(value) > limit:
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}..."


def bounded_errors(errors: Sequence[FieldError]) -> tuple[FieldError, ...]:
    """At most `MAX_FIELD_ERRORS` field errors, each reason cut; a last one counts the rest."""
    shown = tuple(
        FieldError(cut(e.field, MAX_EXCERPT_CHARS * 4), cut(e.reason))
        for e in errors[:MAX_FIELD_ERRORS]
    )
    left = len(errors) - len(shown)
    if left > 0:
        shown += (FieldError("", f"and {left:,} more error(s) like these"),)
    return shown
