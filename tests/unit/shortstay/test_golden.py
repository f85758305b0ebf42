"""Every published and derived case of shortstay.md, through the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from limes.core.errors import InvalidStayHistory
from limes.shortstay.schemas import calculate_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "shortstay"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "cases.json").read_text())
ERRORS: list[dict[str, Any]] = json.loads((FIXTURES / "errors.json").read_text())


def _request(case: dict[str, Any]) -> dict[str, Any]:
    return {"stays": case["stays"], "on": case["on"], "mode": case["mode"]}


def _subset(expected: Any, actual: Any, path: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            _subset(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(expected), path
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _subset(e, a, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: expected {expected!r}, got {actual!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_official_answer(case: dict[str, Any]) -> None:
    _subset(case["expect"], calculate_json(_request(case)))


@pytest.mark.parametrize("case", ERRORS, ids=[c["id"] for c in ERRORS])
def test_refused_input_names_each_field(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidStayHistory) as caught:
        calculate_json(_request(case))
    fields = [e.field for e in caught.value.errors]
    assert sorted(set(fields)) == sorted(case["fields"])
    assert any(case["reason_contains"] in e.reason for e in caught.value.errors)


def test_overstay_blocks_the_answer_but_gives_the_current_window_apart() -> None:
    sem5a = next(c for c in CASES if c["id"] == "SEM-5a")
    result = calculate_json(_request(sem5a))
    assert result["planning_days"] is None
    assert result["stay_until"] is None
    # The answer ignoring the overstay: 99 days in the window, so no stay today.
    assert result["ignoring_overstay"]["stay_until"] is None
    assert result["ignoring_overstay"]["next_entry"] is not None
    assert "Overstay in the period from 2014-06-01 to 2014-06-09 (9 days)" in result["explanation"]


def test_sem5_history_clipped_to_the_window_gives_the_published_50_days() -> None:
    # SEM-5: after the 9-day overstay, entering only stays inside the window gives 50.
    clipped = next(c for c in CASES if c["id"] == "SEM-5b")
    assert calculate_json(_request(clipped))["planning_days"] == 50
