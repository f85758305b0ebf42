"""Passport stamps paired into stays, as in the official calculator's passport mode."""

from __future__ import annotations

from datetime import date

import pytest

from limes.core.errors import InvalidStayHistory
from limes.shortstay import Stay
from limes.shortstay.stamps import parse_stamps

D = date.fromisoformat


def test_stamps_in_any_order_are_paired_by_date() -> None:
    assert parse_stamps("-301114 +011114\n-300914, +150814") == [
        Stay(D("2014-08-15"), D("2014-09-30")),
        Stay(D("2014-11-01"), D("2014-11-30")),
    ]


def test_exit_and_reentry_on_the_same_day_and_a_day_trip() -> None:
    assert parse_stamps("+010726 -100726 +100726 -200726 +010826 -010826") == [
        Stay(D("2026-07-01"), D("2026-07-10")),
        Stay(D("2026-07-10"), D("2026-07-20")),
        Stay(D("2026-08-01"), D("2026-08-01")),
    ]


def test_a_typographic_minus_is_an_exit() -> None:
    assert parse_stamps("+150814 \u2212300914") == [Stay(D("2014-08-15"), D("2014-09-30"))]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+150814", "has no exit stamp"),
        ("-300914", "has no entry stamp"),
        ("+150814 +160814 -300914", "with no exit stamp between"),
        ("+320814 -300914", "not a calendar date"),
        ("+1508 -300914", "is not a stamp"),
        ("", "no stamps found"),
    ],
)
def test_stamps_that_cannot_be_paired_are_refused(text: str, reason: str) -> None:
    with pytest.raises(InvalidStayHistory) as caught:
        parse_stamps(text)
    assert all(e.field == "stamps" for e in caught.value.errors)
    assert any(reason in e.reason for e in caught.value.errors)
