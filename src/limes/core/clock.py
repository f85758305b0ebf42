"""The injectable clock.

Deadlines, retention and overstay detection depend on "now". Code never calls
`datetime.now()` or `date.today()` directly; it asks a `Clock`, so tests and the
simulator can move time instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

# The latest instant the demo clock may be moved to. Python's dates end on 31 December
# 9999; stays, retention periods (up to five years, EES Art 34) and deadlines are
# computed forward from "now", so the clock keeps a century clear of that end.
LATEST_DEMO_INSTANT = datetime(9899, 12, 31, 23, 59, 59, tzinfo=UTC)


def moved_instant(now: datetime, delta: timedelta) -> datetime | None:
    """`now + delta` when it stays within `LATEST_DEMO_INSTANT`, else None."""
    try:
        moved = now + delta
    except OverflowError:
        return None
    return moved if moved <= LATEST_DEMO_INSTANT else None


class Clock(Protocol):
    """A source of the current instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def today(self) -> date:
        """The current calendar day in UTC."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """The current calendar day in UTC."""
        return self.now().date()


@dataclass
class FixedClock:
    """A clock that stands still until a test or the simulator moves it."""

    instant: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = self.instant.astimezone(UTC)

    def now(self) -> datetime:
        """The instant the clock was set or moved to."""
        return self.instant

    def today(self) -> date:
        """The calendar day of that instant in UTC."""
        return self.instant.date()

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        self.instant = self.instant + delta

    def set(self, instant: datetime) -> None:
        """Move the clock to an absolute instant."""
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = instant.astimezone(UTC)


class OffsetClock:
    """The machine's clock moved by an offset: the demo's way of letting time pass."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """The machine's instant plus the offset, UTC."""
        return datetime.now(UTC) + self.offset

    def today(self) -> date:
        """The calendar day of `now()` in UTC."""
        return self.now().date()

    def advance(self, delta: timedelta) -> None:
        """Let `delta` more time pass."""
        self.offset += delta
