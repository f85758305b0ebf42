"""`limes calc` as a process: the JSON contract, exit codes and --batch."""

from __future__ import annotations

import json
import time

from tests.conftest import run_limes


def test_calc_prints_the_contract_fields() -> None:
    request = {"stays": [["2014-08-15", "2014-09-30"]], "on": "2015-01-01", "mode": "planning"}
    done = run_limes("calc", stdin=json.dumps(request))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    for key in (
        "window",
        "days_used",
        "overstay",
        "overstays",
        "planning_days",
        "stay_until",
        "next_entry",
        "explanation",
    ):
        assert key in body
    assert body["planning_days"] == 90


def test_bad_input_is_one_line_on_stderr_and_exit_code_2() -> None:
    done = run_limes("calc", stdin='{"stays": [["2014-08-15"]], "on": "2015-01-01"}')
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error:")
    assert "stays[0]" in lines[0]


def test_not_json_is_refused_with_exit_code_2() -> None:
    done = run_limes("calc", stdin="stays: none")
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr


def test_batch_answers_each_line_in_order_and_goes_on_after_a_bad_line() -> None:
    lines = [
        {"stays": [["2025-03-01", "2025-05-29"]], "on": "2025-08-28", "mode": "planning"},
        "this is not json",
        {"stays": [["2026-05-01", "2026-06-01"]], "on": "2026-05-20", "mode": "check"},
        {"stays": [], "on": "2026-01-01", "mode": "check"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    done = run_limes("calc", "--batch", stdin=stdin)
    assert done.returncode == 0
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["planning_days"] == 90
    assert out[1]["error"]["code"] == "invalid-request"
    assert out[2]["error"]["errors"][0]["field"] == "stays[0].exit"
    assert out[3]["stay_until"] == "2026-03-31"


def test_ten_megabytes_of_stamps_are_one_short_line_and_exit_code_2() -> None:
    request = {"stamps": "+1508x4 " * 1_310_720, "on": "2015-01-01"}
    started = time.perf_counter()
    done = run_limes("calc", stdin=json.dumps(request))
    assert time.perf_counter() - started < 10  # a process start; the error took 6 s and 135 MB
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert len(line) < 1_000
    assert "over the limit of 1,048,576 bytes" in line


def test_bad_stamps_within_the_limits_are_summed_up_not_repeated() -> None:
    done = run_limes("calc", stdin=json.dumps({"stamps": "+1508x4 " * 3_900, "on": "2015-01-01"}))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert len(line) < 20_000
    assert "more error(s)" in line


def test_too_many_stays_are_refused_with_the_limit() -> None:
    stays = [["2014-08-15", "2014-09-30"]] * 2_001
    done = run_limes("calc", stdin=json.dumps({"stays": stays, "on": "2015-01-01"}))
    assert done.returncode == 2
    assert "stays: List should have at most 2000 items" in done.stderr
    assert len(done.stderr) < 1_000


def test_a_batch_line_over_the_limit_is_answered_in_its_place() -> None:
    good = json.dumps({"stays": [], "on": "2026-01-01", "mode": "check"})
    huge = json.dumps({"stamps": "x" * 2_000_000, "on": "2026-01-01"})
    done = run_limes("calc", "--batch", stdin="\n".join([good, huge, good]) + "\n")
    assert done.returncode == 0
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 3
    assert out[1]["error"]["code"] == "payload-too-large"
    assert out[0] == out[2]
    assert len(done.stdout) < 10_000
