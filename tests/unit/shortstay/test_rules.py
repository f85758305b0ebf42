"""Visa caps, the date-effective Schengen area, exempt stays and explanations."""

from __future__ import annotations

from datetime import date

import pytest

from limes.core.errors import InvalidStayHistory
from limes.shortstay import EntriesAllowed, Limit, Mode, ShortStayVisa, Stay, calculate

D = date.fromisoformat
SUMMER_VISA = ShortStayVisa(D("2026-06-01"), D("2026-08-31"), 30, EntriesAllowed.MULTIPLE)


def test_visa_duration_caps_the_stay() -> None:
    result = calculate([], D("2026-06-10"), Mode.PLANNING, SUMMER_VISA)
    assert result.answer is not None
    assert result.answer.planning_days == 30
    assert result.answer.stay_until == D("2026-07-09")
    assert result.answer.limited_by is Limit.VISA_DURATION
    assert "duration of stay printed on the visa" in result.explanation


def test_days_already_spent_under_the_visa_count_against_its_duration() -> None:
    stays = [Stay(D("2026-06-01"), D("2026-06-10"))]
    result = calculate(stays, D("2026-06-20"), Mode.PLANNING, SUMMER_VISA)
    assert result.answer is not None
    assert result.answer.planning_days == 20
    assert result.answer.stay_until == D("2026-07-09")


def test_visa_validity_caps_the_stay() -> None:
    visa = ShortStayVisa(D("2026-06-01"), D("2026-06-20"), 90)
    result = calculate([], D("2026-06-10"), Mode.CHECK, visa)
    assert result.answer is not None
    assert result.answer.stay_until == D("2026-06-20")
    assert result.answer.limited_by is Limit.VISA_VALIDITY


def test_used_single_entry_visa_allows_no_new_entry_but_does_not_cut_a_stay_short() -> None:
    visa = ShortStayVisa(D("2026-06-01"), D("2026-08-31"), 90, EntriesAllowed.ONE, entries_used=1)
    planning = calculate([], D("2026-07-01"), Mode.PLANNING, visa)
    assert planning.answer is not None
    assert planning.answer.planning_days == 0
    assert planning.answer.limited_by is Limit.VISA_ENTRIES
    assert planning.answer.next_entry is None
    check = calculate([Stay(D("2026-06-20"), D("2026-07-01"))], D("2026-07-01"), Mode.CHECK, visa)
    assert check.answer is not None
    assert check.answer.stay_until == D("2026-08-31")


def test_a_date_outside_the_visa_validity_allows_no_stay() -> None:
    result = calculate([], D("2026-05-01"), Mode.PLANNING, SUMMER_VISA)
    assert result.answer is not None
    assert result.answer.stay_until is None
    assert result.answer.limited_by is Limit.VISA_VALIDITY


def test_the_rule_wins_when_it_is_tighter_than_the_visa() -> None:
    stays = [Stay(D("2026-03-01"), D("2026-05-19"))]  # 80 days
    visa = ShortStayVisa(D("2026-01-01"), D("2026-12-31"), 90)
    result = calculate(stays, D("2026-05-25"), Mode.PLANNING, visa)
    assert result.answer is not None
    assert result.answer.limited_by is Limit.RULE_90_180
    assert result.answer.planning_days == 10


def test_bad_visa_fields_are_each_reported() -> None:
    visa = ShortStayVisa(D("2026-06-01"), D("2026-05-01"), 0, entries_used=-1)
    with pytest.raises(InvalidStayHistory) as caught:
        calculate([], D("2026-06-10"), Mode.PLANNING, visa)
    assert {e.field for e in caught.value.errors} == {
        "visa.valid_until",
        "visa.duration_days",
        "visa.entries_used",
    }


@pytest.mark.parametrize(
    ("country", "entry", "exit_", "counted"),
    [
        ("HRV", "2022-12-20", "2023-01-10", 10),  # Croatia from 2023-01-01
        ("BGR", "2024-03-01", "2024-04-09", 10),  # Bulgaria from 2024-03-31
        ("ROU", "2024-04-01", "2024-04-10", 10),
        ("CYP", "2024-04-01", "2024-04-10", 0),  # Cyprus is outside
        ("IRL", "2024-04-01", "2024-04-10", 0),  # so is Ireland
        ("FRA", "2024-04-01", "2024-04-10", 10),
        (None, "2024-04-01", "2024-04-10", 10),
        ("DEU", "2024-04-01", "2024-04-10", 10),  # ISO's code for the MRZ's D
        ("D", "2024-04-01", "2024-04-10", 10),
    ],
)
def test_only_days_in_the_schengen_area_count(
    country: str | None, entry: str, exit_: str, counted: int
) -> None:
    on = date.fromordinal(D(exit_).toordinal() + 10)
    result = calculate([Stay(D(entry), D(exit_), country)], on)
    assert result.days_used == counted
    assert result.stays[0].counted_days == counted
    if counted < 10:
        assert result.stays[0].note


def test_a_stay_under_a_residence_permit_does_not_count() -> None:
    stays = [Stay(D("2026-01-01"), D("2026-03-31"), exempt=True)]
    result = calculate(stays, D("2026-04-01"))
    assert result.days_used == 0
    assert result.answer is not None
    assert result.answer.planning_days == 90
    assert "residence permit" in result.explanation


def test_explanation_of_a_refusal_names_the_next_entry() -> None:
    result = calculate([Stay(D("2026-06-10"), D("2026-09-07"))], D("2026-09-08"))
    assert "A stay may not be authorised." in result.explanation
    assert "From 2026-12-07 a stay may be authorised for 90 days." in result.explanation
