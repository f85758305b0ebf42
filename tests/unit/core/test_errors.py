"""How a domain error reads on one line (the CLI's stderr)."""

from __future__ import annotations

from limes.core.errors import FieldError, InvalidRequest


def test_an_error_names_its_fields_once() -> None:
    reason = FieldError("a.nationality", "'XYZ' is not an ICAO/ISO alpha-3 code")
    named = InvalidRequest("a: a.nationality: 'XYZ' is not an ICAO/ISO alpha-3 code", [reason])
    assert str(named) == "a: a.nationality: 'XYZ' is not an ICAO/ISO alpha-3 code"
    general = InvalidRequest("A template is unusable", [FieldError("template.vector", "empty")])
    assert str(general) == "A template is unusable (template.vector: empty)"
    assert str(InvalidRequest("Nothing to read")) == "Nothing to read"
