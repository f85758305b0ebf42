"""Pure EES rules."""

from __future__ import annotations

from datetime import date

import pytest

from limes.core.identity import PartialDate
from limes.ees.domain.models import RefusalReason, TravellerKind
from limes.ees.domain.rules import (
    StampPrecedence,
    add_months,
    add_years,
    fingerprints_required,
    in_progressive_start,
    refusal_keeps_biometrics,
    stamp_or_ees,
)


@pytest.mark.parametrize(
    ("born", "on", "required"),
    [
        ("2014-05-04", date(2026, 5, 4), True),  # twelfth birthday
        ("2014-05-05", date(2026, 5, 4), False),  # the day before
        ("2014", date(2026, 5, 4), False),  # could still be 11: latest possible birthday
        ("2013", date(2026, 5, 4), True),
    ],
)
def test_fingerprints_from_age_12(born: str, on: date, required: bool) -> None:
    dob = PartialDate.parse(born)
    assert fingerprints_required(TravellerKind.VISA_EXEMPT, dob, on) is required


def test_visa_holders_give_fingerprints_to_the_vis_not_the_ees() -> None:
    assert not fingerprints_required(
        TravellerKind.VISA_HOLDER, PartialDate.parse("1980"), date(2026, 1, 1)
    )


def test_unknown_birth_date_counts_as_12_or_more() -> None:
    assert fingerprints_required(TravellerKind.VISA_EXEMPT, None, date(2026, 1, 1))


@pytest.mark.parametrize(
    ("reasons", "kept"),
    [("B", True), ("D", True), ("H", True), ("AC", False), ("EFG", False), ("AH", True)],
)
def test_refusals_keep_biometrics_for_b_d_h(reasons: str, kept: bool) -> None:
    assert refusal_keeps_biometrics(RefusalReason(r) for r in reasons) is kept


@pytest.mark.parametrize(
    ("ees", "stamp", "biometric", "winner"),
    [
        (None, date(2026, 1, 5), False, StampPrecedence.STAMP),
        (date(2026, 1, 5), None, False, StampPrecedence.EES),
        (date(2026, 1, 5), date(2026, 1, 5), False, StampPrecedence.EES),
        (date(2026, 1, 5), date(2026, 1, 7), True, StampPrecedence.EES),
        (date(2026, 1, 5), date(2026, 1, 7), False, StampPrecedence.STAMP),
    ],
)
def test_stamp_or_ees_during_the_progressive_start(
    ees: date | None, stamp: date | None, biometric: bool, winner: StampPrecedence
) -> None:
    assert stamp_or_ees(ees, stamp, biometric) is winner


def test_calendar_arithmetic_for_retention() -> None:
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_months(date(2031, 5, 31), -3) == date(2031, 2, 28)
    assert add_months(date(2031, 1, 15), 14) == date(2032, 3, 15)


def test_progressive_start_dates() -> None:
    assert not in_progressive_start(date(2025, 10, 11))
    assert in_progressive_start(date(2025, 10, 12))
    assert in_progressive_start(date(2026, 4, 9))
    assert not in_progressive_start(date(2026, 4, 10))
