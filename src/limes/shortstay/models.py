"""Values of the 90/180-day calculation: stays, visas and the calculation's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Mode(StrEnum):
    """What the date means, as in the Commission's calculator."""

    PLANNING = "planning"  # a stay starting on the date
    CHECK = "check"  # a control on the date, during or at the end of a stay


class Limit(StrEnum):
    """What ends the stay that may be authorised."""

    RULE_90_180 = "rule_90_180"
    VISA_VALIDITY = "visa_validity"
    VISA_DURATION = "visa_duration"
    VISA_ENTRIES = "visa_entries"


@dataclass(frozen=True, slots=True)
class Stay:
    """One stay: entry and exit day both count as days of stay (SBC Art 6(1)).

    `country` (alpha-3) limits the counted days to those on which the state applied
    the Schengen acquis; `exempt` marks a stay under a residence permit or long-stay
    visa, which does not count.
    """

    entry: date
    exit: date
    country: str | None = None
    exempt: bool = False


class EntriesAllowed(StrEnum):
    """The number of entries printed on a uniform-format visa sticker."""

    ONE = "1"
    TWO = "2"
    MULTIPLE = "multiple"

    @property
    def limit(self) -> int | None:
        """The number of entries, or None for multiple entries."""
        return {"1": 1, "2": 2}.get(self.value)


@dataclass(frozen=True, slots=True)
class ShortStayVisa:
    """A uniform short-stay visa: it caps the stay (EES Art 11; Visa Code Art 24)."""

    valid_from: date
    valid_until: date
    duration_days: int
    entries: EntriesAllowed = EntriesAllowed.MULTIPLE
    entries_used: int = 0


@dataclass(frozen=True, slots=True)
class Window:
    """A run of calendar days, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """The number of days in the run."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Overstay:
    """A stay that broke the rule, reported as the Commission's calculator does.

    `period` runs from the first day on which the 180-day window held more than 90
    days to the exit of that stay; `days` is its length (the official figure).
    `days_in_window` counts the days of stay in the 180 days ending on the exit, and
    `days_over_limit_in_window` is that count minus 90, the figure SEM gives when
    only the current window is entered. The two agree only when the window covers
    the whole offending stay.
    """

    stay: Window
    period: Window
    window: Window
    days_in_window: int

    @property
    def days(self) -> int:
        """Days in overstay: first day over the limit to the exit, both included."""
        return self.period.days

    @property
    def days_over_limit_in_window(self) -> int:
        """Days of stay in the window ending on the exit, minus the 90 allowed."""
        return self.days_in_window - 90


@dataclass(frozen=True, slots=True)
class NextEntry:
    """The earliest date a stay may start, and for how many days."""

    date: date
    days: int


@dataclass(frozen=True, slots=True)
class StayAnswer:
    """The stay that may be authorised from the date, or when the next one may start.

    `planning_days` is the official "stay may be authorised for up to N days" (in
    check mode it counts the days left after the control day). `stay_until` is the
    last lawful day, None when no stay is possible.
    """

    planning_days: int
    stay_until: date | None
    next_entry: NextEntry | None
    limited_by: Limit | None


@dataclass(frozen=True, slots=True)
class CountedStay:
    """A stay as entered, with the number of its days that count."""

    stay: Stay
    counted_days: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Calculation:
    """The outcome of one calculation, with its explanation.

    When the history holds an overstay, `answer` is None, as the official calculator
    gives no other answer; `answer_ignoring_overstay` then holds the answer for the
    current window, for information only.
    """

    on: date
    mode: Mode
    window: Window
    days_used: int
    overstays: tuple[Overstay, ...]
    answer: StayAnswer | None
    answer_ignoring_overstay: StayAnswer | None
    stays: tuple[CountedStay, ...]
    rolling_out: tuple[Window, ...]
    visa: ShortStayVisa | None = None

    @property
    def overstay(self) -> bool:
        """Whether any stay in the history broke the rule."""
        return bool(self.overstays)

    @property
    def explanation(self) -> str:
        """The outcome in sentences a traveller or an officer can read."""
        from limes.shortstay.explanation import explain  # an import cycle otherwise

        return explain(self)
