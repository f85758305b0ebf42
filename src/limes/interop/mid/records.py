"""The records of `limes mid detect`: one JSON line per identity (2019/817 Art 27(3), 69).

Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from limes import jsonio
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.biometrics.vectors import decode, make_template
from limes.core.errors import FieldError, InvalidRequest
from limes.core.limits import MAX_IDENTIFIER_CHARS
from limes.interop.mid.detector import check_templates
from limes.interop.mid.domain.models import RecordRef
from limes.interop.mid.linking import IndexedRecord
from limes.matching.identity import FIELDS, IdentityRecord

__all__ = ["ParsedRecord", "parse_line"]

_TEMPLATE_FIELDS = frozenset({"vector", "quality", "modality", "synthetic"})


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """One input line: the record's identity data (Art 27(3)) and its templates."""

    record: IndexedRecord
    templates: tuple[BiometricTemplate, ...]


def parse_line(line: str | bytes) -> ParsedRecord:
    """One JSON line of `limes mid detect` input as a record; InvalidRequest when unusable.

    Keys other than record_id, system, template and the identity fields (the
    evaluation set's ground truth, say) are ignored. "template" is one face template:
    {"vector": base64 of 512 little-endian float32 values, "quality": 0-100, and
    optionally "modality": "face" and "synthetic": true}; the vector is L2-normalised.
    """
    payload = jsonio.parse_object(line)
    record_id, system = _required_text(payload, "record_id"), _required_text(payload, "system")
    ref = RecordRef(system, record_id)  # UnknownSystem (an InvalidRequest) when not linked
    identity = IdentityRecord.from_json(
        {name: value for name, value in payload.items() if name in FIELDS}, field=record_id
    )
    raw = payload.get("template")
    templates = () if raw is None else (_template(raw),)
    check_templates(system, templates)
    return ParsedRecord(IndexedRecord(ref, identity), templates)


def _required_text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} is missing: give a non-empty string")
    if len(value) > MAX_IDENTIFIER_CHARS:
        reason = f"at most {MAX_IDENTIFIER_CHARS} characters"
        raise InvalidRequest(f"{name}: {reason}", [FieldError(name, reason)])
    return value


def _template(value: object) -> BiometricTemplate:
    """The record's face template from its JSON form; InvalidRequest names the field."""
    if not isinstance(value, dict) or not _TEMPLATE_FIELDS.issuperset(value):
        raise _bad_template("template", 'give {"vector": base64, "quality": 0-100}')
    if value.get("modality", "face") != "face":
        raise _bad_template("template.modality", "only face templates are compared here")
    synthetic = value.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise _bad_template("template.synthetic", "give true or false")
    quality = value.get("quality")
    if isinstance(quality, bool) or not isinstance(quality, int):
        raise _bad_template("template.quality", "give the quality score, an integer from 0 to 100")
    vector = value.get("vector")
    try:
        data = base64.b64decode(vector, validate=True) if isinstance(vector, str) else b""
    except ValueError:  # binascii.Error, or a non-ASCII string
        data = b""
    if not data:
        raise _bad_template("template.vector", "give base64 of 512 little-endian float32 values")
    try:
        # make_template L2-normalises the vector, as every sBMS matcher expects.
        return make_template(Modality.FACE, decode(data, Modality.FACE), quality, synthetic)
    except InvalidRequest as error:
        raise InvalidRequest(
            "A template is unusable",
            [FieldError(f"template.{e.field}", e.reason) for e in error.errors],
        ) from None


def _bad_template(name: str, reason: str) -> InvalidRequest:
    return InvalidRequest("A template is unusable", [FieldError(name, reason)])
