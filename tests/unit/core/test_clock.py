"""The injectable clock: tests move it instead of sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from limes.core.clock import FixedClock, SystemClock


def test_fixed_clock_stands_still_until_moved() -> None:
    clock = FixedClock(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(hours=1))
    assert clock.today() == date(2026, 4, 1)
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    assert clock.today() == date(2027, 1, 1)


def test_fixed_clock_works_in_utc_whatever_zone_it_is_given() -> None:
    clock = FixedClock(datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now().tzinfo is UTC
    assert clock.today() == date(2025, 12, 31)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    clock = FixedClock()
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 1))  # noqa: DTZ001


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
