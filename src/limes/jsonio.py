"""JSON in, JSON out: the shared plumbing of the `limes calc|mrz|match` commands.

A command reads one JSON document on stdin (or JSON lines with `--batch`) and
prints JSON on stdout. In single mode bad input is a one-line message on stderr and
exit code 2; in batch mode a bad line yields an error object on its own output line
and the batch goes on, so output line N always answers input line N.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import orjson

from limes.core.errors import DomainError, FieldError, InvalidRequest

JsonObject = dict[str, Any]
Handler = Callable[[JsonObject], JsonObject]


def parse_object(text: str | bytes) -> JsonObject:
    """Parse one JSON object, turning syntax errors into `InvalidRequest`."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"input is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidRequest("input must be a JSON object")
    return value


def error_object(error: DomainError) -> JsonObject:
    """The JSON form of an error, as printed on a batch line."""
    body: JsonObject = {"code": error.code, "detail": error.detail}
    if error.errors:
        body["errors"] = [e.as_dict() for e in error.errors]
    return {"error": body}


def answer_line(handler: Handler, line: str | bytes) -> bytes:
    """Answer one input line with one output line (without the newline)."""
    try:
        return orjson.dumps(handler(parse_object(line)))
    except DomainError as error:
        return orjson.dumps(error_object(error))


def run_batch(handler: Handler, lines: Iterable[str | bytes]) -> Iterator[bytes]:
    """Answer JSON lines in order; blank lines are skipped, bad lines answered by an error."""
    for line in lines:
        if line.strip():
            yield answer_line(handler, line)


def run_single(handler: Handler, stream: TextIO) -> bytes:
    """Answer one JSON document; raises `DomainError` for bad input."""
    text = stream.read()
    if not text.strip():
        raise InvalidRequest("no input: give a JSON object on standard input")
    return orjson.dumps(handler(parse_object(text)), option=orjson.OPT_INDENT_2)


def one_line(error: DomainError) -> str:
    """The one-line message the CLI prints on stderr."""
    return f"error: {error}"


def field_errors_from_pydantic(exc: Any) -> list[FieldError]:
    """Convert a pydantic ValidationError's entries into field errors."""
    found: list[FieldError] = []
    for entry in exc.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in entry["loc"])
        reason = str(entry["msg"]).removeprefix("Value error, ")
        found.append(FieldError(path.lstrip(".") or "body", reason))
    return found
