"""The JSON plumbing of the CLI: bounded reading, errors by line and column, short errors."""

from __future__ import annotations

import io

import orjson
import pytest

from limes import jsonio
from limes.core.errors import FieldError, InvalidRequest, PayloadTooLarge
from limes.core.limits import MAX_FIELD_ERRORS


def _echo(payload: jsonio.JsonObject) -> jsonio.JsonObject:
    return payload


def test_malformed_json_is_told_by_line_and_column() -> None:
    with pytest.raises(InvalidRequest) as caught:
        jsonio.parse_object('{\n  "on": "2026-01-01",\n  "stays" [1]\n}')
    assert "line 3, column 11" in caught.value.detail


def test_json_position_counts_lines_and_columns_from_one() -> None:
    assert jsonio.json_position('{"a": 1 "b"}', 8) == (1, 9)
    assert jsonio.json_position('{\n  "a": 1\n  "b"}', 13) == (3, 3)
    assert jsonio.json_position("", 99) == (1, 1)


def test_a_document_over_the_limit_is_refused_without_reading_it_all() -> None:
    stream = io.BytesIO(b'{"a": "' + b"x" * 10_000 + b'"}')
    with pytest.raises(PayloadTooLarge) as caught:
        jsonio.run_single(_echo, stream, max_bytes=1_000)
    assert stream.tell() == 1_001
    assert [e.as_dict() for e in caught.value.errors] == [
        {"field": "input", "reason": "at most 1,000 bytes"}
    ]


def test_an_over_long_line_is_answered_in_its_place_and_the_batch_goes_on() -> None:
    lines = [b'{"n": 1}\n', b'{"n": "' + b"x" * 10_000 + b'"}\n', b'{"n": 3}\n']
    stream = io.BytesIO(b"".join(lines))
    answers = [
        orjson.loads(line)
        for line in jsonio.run_batch(_echo, jsonio.bounded_lines(stream, 100), max_bytes=100)
    ]
    assert answers[0] == {"n": 1}
    assert answers[1]["error"]["code"] == "payload-too-large"
    assert answers[2] == {"n": 3}


def test_bounded_lines_never_holds_more_than_the_limit_of_a_line() -> None:
    stream = io.BytesIO(b"y" * 1_000_000 + b"\nshort\n")
    assert [len(line) for line in jsonio.bounded_lines(stream, 100)] == [101, 6]


def test_errors_never_repeat_a_large_input() -> None:
    huge = "x" * 1_000_000
    error = InvalidRequest(f"bad {huge}", [FieldError(f"f{i}", huge) for i in range(10_000)])
    line = jsonio.one_line(error)
    assert len(line) < 20_000
    assert "\n" not in line
    assert "9,980 more" in line
    answer = jsonio.error_object(error)["error"]
    assert len(answer["errors"]) == MAX_FIELD_ERRORS + 1
    assert len(orjson.dumps(answer)) < 20_000


def test_one_line_is_one_line_whatever_the_message_holds() -> None:
    assert jsonio.one_line(InvalidRequest("two\nlines", [FieldError("f", "a\r\nb")])) == (
        "error: two lines (f: a b)"
    )
