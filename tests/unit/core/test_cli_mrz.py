"""`limes mrz`: JSON in, JSON out, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LIMES = Path(sys.executable).parent / "limes"

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD3_BAD_CHECK_DIGIT = TD3[:-1] + "1"


def _limes_mrz(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    if not LIMES.exists():
        pytest.fail(f"the limes console script is not installed at {LIMES}")
    return subprocess.run(
        [str(LIMES), "mrz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_valid_mrz_is_read() -> None:
    done = _limes_mrz(json.dumps({"mrz": TD3}))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["valid"] is True
    assert result["format"] == "td3"
    assert result["surname"] == "ERIKSSON"
    assert result["birth_date"] == "1974-08-12"
    assert result["errors"] == []


def test_a_wrong_mrz_is_answered_with_exit_code_1() -> None:
    done = _limes_mrz(json.dumps({"mrz": TD3_BAD_CHECK_DIGIT}))
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result["valid"] is False
    assert [e["field"] for e in result["errors"]] == ["composite_check_digit"]


@pytest.mark.parametrize(
    "stdin",
    [
        "this is not json",
        '{"mrz": ',
        '{"text": "P<UTO"}',
        "[1, 2]",
        "",
        json.dumps({"mrz": TD3, "strict": True}),
        json.dumps({"mrz": "P<" * 100_000}),
    ],
)
def test_bad_input_exits_2_with_one_line_on_stderr(stdin: str) -> None:
    done = _limes_mrz(stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error:")


def test_an_unknown_field_is_refused_by_name() -> None:
    done = _limes_mrz(json.dumps({"mrz": TD3, "strict": True}))
    assert done.returncode == 2
    assert "strict: unknown field" in done.stderr


def test_malformed_json_is_told_by_line_and_column() -> None:
    done = _limes_mrz('{\n  "mrz": "P<UTO",\n  oops\n}')
    assert done.returncode == 2
    assert "line 3, column 3" in done.stderr


def test_a_missing_mrz_key_says_what_to_give() -> None:
    done = _limes_mrz('{"text": "P<UTO"}')
    assert done.returncode == 2
    assert '"mrz"' in done.stderr


def test_batch_answers_each_line_even_after_a_bad_one() -> None:
    lines = [
        json.dumps({"mrz": TD3}),
        "{not json",
        json.dumps({"mrz": TD3_BAD_CHECK_DIGIT}),
        json.dumps({"mrz": 42}),
    ]
    done = _limes_mrz("\n".join(lines) + "\n", "--batch")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert answers[0]["valid"] is True
    assert answers[1]["error"]["code"] == "invalid-request"
    assert answers[2]["valid"] is False
    assert answers[3]["error"]["errors"] == [{"field": "mrz", "reason": "must be a string"}]
