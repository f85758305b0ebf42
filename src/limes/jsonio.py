"""JSON in, JSON out: the shared plumbing of the `limes calc|mrz|match` commands.

A command reads one JSON document on stdin (or JSON lines with `--batch`) and
prints JSON on stdout. In single mode bad input is a one-line message on stderr and
exit code 2; in batch mode a bad line yields an error object on its own output line
and the batch goes on, so output line N always answers input line N.

A document or line is at most `DEFAULT_MAX_BODY_BYTES`, as a request body of the API:
a longer one is refused without being read whole, and the rest of its line skipped.
No error repeats a large input back (core/limits.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import orjson

from limes.core.errors import DomainError, FieldError, InvalidRequest, PayloadTooLarge
from limes.core.limits import DEFAULT_MAX_BODY_BYTES, MAX_DETAIL_CHARS, bounded_errors, cut

JsonObject = dict[str, Any]
Handler = Callable[[JsonObject], JsonObject]

_READ_CHUNK = 65_536


def json_position(text: str, offset: int) -> tuple[int, int]:
    """The line and column (both from 1) of a character offset in a JSON document."""
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def too_large(size: str, max_bytes: int) -> PayloadTooLarge:
    """The error for input over its limit; `size` says how much was seen."""
    reason = f"at most {max_bytes:,} bytes"
    return PayloadTooLarge(
        f"input is {size}, over the limit of {max_bytes:,} bytes; nothing of it was used",
        [FieldError("input", reason)],
    )


def parse_object(text: str | bytes, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> JsonObject:
    """Parse one JSON object of at most `max_bytes` (as UTF-8), turning syntax errors
    into `InvalidRequest` that say where, by line and column, the JSON broke."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise too_large(f"{size:,} bytes or more", max_bytes)
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise InvalidRequest(f"input is not valid JSON: {where}") from None
    if not isinstance(value, dict):
        raise InvalidRequest("input must be a JSON object")
    return value


def error_object(error: DomainError) -> JsonObject:
    """The JSON form of an error, as printed on a batch line; never a large input back."""
    body: JsonObject = {"code": error.code, "detail": cut(error.detail, MAX_DETAIL_CHARS)}
    if error.errors:
        body["errors"] = [e.as_dict() for e in bounded_errors(error.errors)]
    return {"error": body}


def answer_line(
    handler: Handler, line: str | bytes, max_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> bytes:
    """Answer one input line with one output line (without the newline)."""
    try:
        return orjson.dumps(handler(parse_object(line, max_bytes)))
    except DomainError as error:
        return orjson.dumps(error_object(error))


def bounded_lines(stream: IO[bytes], max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> Iterator[bytes]:
    """The lines of `stream` (newline left on), never holding more than `max_bytes` + 1
    bytes of one: a longer line comes as its first `max_bytes` + 1 bytes, which
    `parse_object` refuses, and the rest of it is read and dropped."""
    while line := stream.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(_READ_CHUNK)) and not rest.endswith(b"\n"):
                pass
        yield line


def run_batch(
    handler: Handler, lines: Iterable[str | bytes], max_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> Iterator[bytes]:
    """Answer JSON lines in order; blank lines are skipped, bad lines answered by an error."""
    for line in lines:
        if line.strip():
            yield answer_line(handler, line, max_bytes)


def read_document(stream: IO[bytes], max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> bytes:
    """All of `stream` up to `max_bytes`; `PayloadTooLarge` as soon as it holds more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(f"more than {max_bytes:,} bytes", max_bytes)
    return data


def run_single(
    handler: Handler, stream: IO[bytes], max_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> JsonObject:
    """Answer one JSON document; raises `DomainError` for bad input."""
    text = read_document(stream, max_bytes)
    if not text.strip():
        raise InvalidRequest("no input: give a JSON object on standard input")
    return handler(parse_object(text, max_bytes))


def one_line(error: DomainError) -> str:
    """The one-line message the CLI prints on stderr, with no large input repeated."""
    detail = cut(error.detail, MAX_DETAIL_CHARS)
    parts = "; ".join(f"{e.field}: {e.reason}" for e in bounded_errors(error.errors))
    # As DomainError.__str__: a detail that already names the fields says them once.
    text = detail if not parts or parts in detail else f"{detail} ({parts})"
    return "error: " + " ".join(text.split())


def field_errors_from_pydantic(exc: Any) -> list[FieldError]:
    """Convert a pydantic ValidationError's entries into field errors."""
    found: list[FieldError] = []
    for entry in exc.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in entry["loc"])
        reason = str(entry["msg"]).removeprefix("Value error, ")
        found.append(FieldError(path.lstrip(".") or "body", reason))
    return found
