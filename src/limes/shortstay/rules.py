"""The 90/180-day rule, computed as the Commission's short-stay calculator does.

Schengen Borders Code (Reg. (EU) 2016/399) Art 6(1): a stay of at most 90 days in
any 180-day period, "which entails considering the 180-day period preceding each day
of stay"; the entry day is the first and the exit day the last day of stay, and stays
under a residence permit or a long-stay visa do not count. EES (Reg. (EU) 2017/2226)
Art 11 makes the automated calculator part of the EES; for visa holders it also
applies the visa's validity, duration of stay and entries.

How the official calculator computes (see docs/shortstay.md):
- every day from the control or entry date onwards is assumed to be a day of stay,
  so the longest stay lets old days roll out of the window as the stay goes on;
- any overstay in the history is reported and blocks every other answer;
- when the last exit is the date itself, that day is already a day of stay and the
  planning figure counts the days after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from limes.core.errors import FieldError, InvalidStayHistory
from limes.core.schengen import OUTSIDE_SCHENGEN, acquis_applies_from
from limes.shortstay.models import (
    Calculation,
    CountedStay,
    Limit,
    Mode,
    NextEntry,
    Overstay,
    ShortStayVisa,
    Stay,
    StayAnswer,
    Window,
)
from limes.shortstay.presence import Presence

# SBC Art 6(1) as amended by Reg. (EU) No 610/2013, applicable from 18 October 2013.
MAX_STAY_DAYS = 90
REFERENCE_PERIOD_DAYS = 180
# The official calculator refuses dates before 22 April 2013: the amended rule took
# effect on 18 October 2013 and looks back 180 days.
EARLIEST_DATE = date(2013, 4, 22)
# The longest duration of stay a uniform visa may carry (Visa Code, Reg. (EC) No
# 810/2009, Art 24(1)).
MAX_VISA_DURATION_DAYS = 90

_LOOKBACK = REFERENCE_PERIOD_DAYS - 1


def calculate(
    stays: Sequence[Stay],
    on: date,
    mode: Mode = Mode.PLANNING,
    visa: ShortStayVisa | None = None,
) -> Calculation:
    """Compute the 90/180-day answer for `stays` on `on` (SBC Art 6(1); EES Art 11).

    Args:
        stays: the recorded stays, in any order; entry and exit days both count.
        on: the planned entry date (planning) or the control date (check).
        mode: planning or check, as in the official calculator.
        visa: a short-stay visa that caps the answer, if the traveller holds one.

    Returns:
        The calculation with its explanation. An overstay in the history is an
        outcome, not an error.

    Raises:
        InvalidStayHistory: every problem with the input, each tied to its field.
    """
    ordered = _validated(stays, on, visa)
    counted: list[CountedStay] = []
    runs: list[tuple[int, int]] = []
    for stay in ordered:
        first = _counted_from(stay)
        if first is None:
            counted.append(CountedStay(stay, 0, _note(stay, first)))
            continue
        runs.append((first.toordinal(), stay.exit.toordinal()))
        counted.append(
            CountedStay(stay, (stay.exit - first).days + 1, _note(stay, first))
            if stay.country is not None
            else CountedStay(stay, runs[-1][1] - runs[-1][0] + 1)
        )
    # Stays do not overlap, so the runs are already in order.
    presence = Presence(runs, ordered=True)
    c = on.toordinal()
    overstays = _overstays(counted, presence)
    answer = _answer(presence, c, mode, visa)
    rolling_out: tuple[Window, ...] = ()
    if answer.stay_until is not None and not overstays:
        last_out = answer.stay_until.toordinal() - REFERENCE_PERIOD_DAYS
        rolling_out = tuple(
            Window(date.fromordinal(lo), date.fromordinal(hi))
            for lo, hi in presence.runs_between(c - _LOOKBACK, last_out)
        )
    return Calculation(
        on=on,
        mode=mode,
        window=Window(on - timedelta(days=_LOOKBACK), on),
        days_used=presence.between(c - _LOOKBACK, c),
        overstays=overstays,
        answer=None if overstays else answer,
        answer_ignoring_overstay=answer if overstays else None,
        stays=tuple(counted),
        rolling_out=rolling_out,
        visa=visa,
    )


def validate(stays: Sequence[Stay], on: date, visa: ShortStayVisa | None) -> None:
    """Reject input the official calculator refuses, naming every field at fault."""
    _validated(stays, on, visa)


def _validated(stays: Sequence[Stay], on: date, visa: ShortStayVisa | None) -> list[Stay]:
    """The stays in chronological order, once every check has passed."""
    errors: list[FieldError] = []
    if on < EARLIEST_DATE:
        errors.append(FieldError("on", _too_early(on)))
    for i, stay in enumerate(stays):
        if stay.entry < EARLIEST_DATE:
            errors.append(FieldError(f"stays[{i}].entry", _too_early(stay.entry)))
        if stay.exit < stay.entry:
            errors.append(
                FieldError(
                    f"stays[{i}].exit",
                    f"the exit date {stay.exit} is before the entry date {stay.entry}",
                )
            )
        elif stay.exit > on:
            errors.append(
                FieldError(
                    f"stays[{i}].exit",
                    f"the exit date {stay.exit} is later than the entry/control date {on}; "
                    "enter only stays that have ended by then",
                )
            )
    ordered, overlaps = _chronological_order(stays)
    errors.extend(overlaps)
    if visa is not None:
        errors.extend(_visa_errors(visa))
    if errors:
        raise InvalidStayHistory(
            # The errors are shown beside their fields, wherever those are (above the
            # answer on the page), so the sentence does not say where.
            "The stays cannot be computed: "
            + (
                "fix the field named."
                if len(errors) == 1
                else f"fix the {len(errors)} fields named."
            ),
            errors,
        )
    return ordered


def _too_early(day: date) -> str:
    return (
        f"{day} is before {EARLIEST_DATE}, the earliest date the calculator accepts "
        "(the 90/180-day rule of 18 October 2013 looks back 180 days)"
    )


def _chronological(indexed: tuple[int, Stay]) -> tuple[date, date]:
    return (indexed[1].entry, indexed[1].exit)


def _chronological_order(stays: Sequence[Stay]) -> tuple[list[Stay], list[FieldError]]:
    """Sort the stays (the calculator accepts any order) and find those that overlap."""
    errors: list[FieldError] = []
    order = sorted(enumerate(stays), key=_chronological)
    latest_exit: date | None = None
    for i, stay in order:
        if stay.exit < stay.entry:
            continue
        # An entry on the day of the previous exit is allowed: that day counts once.
        if latest_exit is not None and stay.entry < latest_exit:
            errors.append(
                FieldError(
                    f"stays[{i}].entry",
                    f"the stay entering on {stay.entry} begins before the exit on "
                    f"{latest_exit} of the previous stay",
                )
            )
        if latest_exit is None or stay.exit > latest_exit:
            latest_exit = stay.exit
    return [stay for _, stay in order], errors


def _visa_errors(visa: ShortStayVisa) -> list[FieldError]:
    errors: list[FieldError] = []
    if visa.valid_until < visa.valid_from:
        errors.append(
            FieldError(
                "visa.valid_until",
                f"the visa's end of validity {visa.valid_until} is before its start "
                f"{visa.valid_from}",
            )
        )
    if not 1 <= visa.duration_days <= MAX_VISA_DURATION_DAYS:
        errors.append(
            FieldError(
                "visa.duration_days",
                f"the duration of stay must be from 1 to {MAX_VISA_DURATION_DAYS} days, "
                f"got {visa.duration_days}",
            )
        )
    if visa.entries_used < 0:
        errors.append(FieldError("visa.entries_used", "entries used cannot be negative"))
    return errors


def _counted_from(stay: Stay) -> date | None:
    """The first day of `stay` that counts, or None when none does."""
    if stay.exempt:
        return None
    if stay.country is None:
        return stay.entry
    stage = acquis_applies_from(stay.country)
    if stage is None:
        return None
    first = max(stay.entry, stage.since)
    return first if first <= stay.exit else None


def _count(stay: Stay) -> CountedStay:
    first = _counted_from(stay)
    days = 0 if first is None else (stay.exit - first).days + 1
    return CountedStay(stay, days, _note(stay, first))


def _note(stay: Stay, first: date | None) -> str | None:
    if stay.exempt:
        return "covered by a residence permit or long-stay visa: not counted (SBC Art 6(1))"
    if stay.country is None or first == stay.entry:
        return None
    if first is None:
        if stay.country in OUTSIDE_SCHENGEN:
            return OUTSIDE_SCHENGEN[stay.country] + ": not counted"
        stage = acquis_applies_from(stay.country)
        if stage is None:
            return f"{stay.country} is not a Schengen state: not counted"
        return f"{stay.country} applied the Schengen acquis only from {stage.since} ({stage.act})"
    stage = acquis_applies_from(stay.country)
    assert stage is not None  # noqa: S101 - first is set only for Schengen states
    return f"counted from {first}, when {stay.country} began to apply the acquis ({stage.act})"


def _overstays(counted: Sequence[CountedStay], presence: Presence) -> tuple[Overstay, ...]:
    """Every stay on which the window held more than 90 days (SBC Art 6(1))."""
    if not presence.exceeds(MAX_STAY_DAYS, REFERENCE_PERIOD_DAYS):
        return ()
    found: list[Overstay] = []
    for entry in counted:
        stay = entry.stay
        first = _counted_from(stay)
        if first is None:
            continue
        lo, hi = first.toordinal(), stay.exit.toordinal()
        at_exit = presence.between(hi - _LOOKBACK, hi)
        if at_exit <= MAX_STAY_DAYS:
            continue
        # Within a stay every day is present, so the count never falls from one day
        # to the next: the first day over the limit can be found by bisection.
        while lo < hi:
            mid = (lo + hi) // 2
            if presence.between(mid - _LOOKBACK, mid) > MAX_STAY_DAYS:
                hi = mid
            else:
                lo = mid + 1
        found.append(
            Overstay(
                stay=Window(stay.entry, stay.exit),
                period=Window(date.fromordinal(lo), stay.exit),
                window=Window(stay.exit - timedelta(days=_LOOKBACK), stay.exit),
                days_in_window=at_exit,
            )
        )
    return tuple(found)


def _continuous_stay(presence: Presence, c: int) -> int:
    """Days of a continuous stay from day `c` on, old days rolling out of the window.

    Every day from `c` on is assumed present; the count of the window ending on a
    day then never falls, so the last lawful day is found by bisection.
    """
    before = presence.upto(c - 1)
    lo, hi = 0, MAX_STAY_DAYS  # the answer lies in lo..hi
    while lo < hi:
        k = (lo + hi + 1) // 2
        last = c + k - 1
        if before - presence.upto(last - REFERENCE_PERIOD_DAYS) + k <= MAX_STAY_DAYS:
            lo = k
        else:
            hi = k - 1
    return lo


def _next_entry(presence: Presence, c: int) -> NextEntry:
    """The first day after `c` on which a stay may start, absent until then."""
    total = presence.upto(c)
    lo, hi = c + 1, c + REFERENCE_PERIOD_DAYS
    while lo < hi:
        mid = (lo + hi) // 2
        if total - presence.upto(mid - REFERENCE_PERIOD_DAYS) <= MAX_STAY_DAYS - 1:
            hi = mid
        else:
            lo = mid + 1
    return NextEntry(date.fromordinal(lo), _continuous_stay(presence, lo))


def _answer(presence: Presence, c: int, mode: Mode, visa: ShortStayVisa | None) -> StayAnswer:
    """The official planning and check figures, capped by the visa if there is one."""
    raw = _continuous_stay(presence, c)
    # A day of exit on the date is already a day of stay: N counts the days after it.
    today_counted = presence.contains(c)
    planning_days = raw - 1 if today_counted and raw > 0 else raw
    last = c + raw - 1
    limited_by: Limit | None = Limit.RULE_90_180
    if visa is not None and planning_days > 0:
        capped, limit = _visa_cap(presence, c, mode, visa)
        if capped < last:
            last, limited_by = capped, limit
            planning_days = max(0, last - c + 1 - (1 if today_counted else 0))
    if planning_days > 0:
        return StayAnswer(planning_days, date.fromordinal(last), None, limited_by)
    if limited_by is Limit.RULE_90_180:
        return StayAnswer(0, None, _next_entry(presence, c), limited_by)
    return StayAnswer(0, None, None, limited_by)


def _visa_cap(presence: Presence, c: int, mode: Mode, visa: ShortStayVisa) -> tuple[int, Limit]:
    """The last day the visa allows, and what sets it (EES Art 11; Visa Code Art 24)."""
    valid_from, valid_until = visa.valid_from.toordinal(), visa.valid_until.toordinal()
    if c < valid_from or c > valid_until:
        return c - 1, Limit.VISA_VALIDITY
    allowed = visa.entries.limit
    if mode is Mode.PLANNING and allowed is not None and visa.entries_used >= allowed:
        return c - 1, Limit.VISA_ENTRIES
    used_before = presence.between(valid_from, c - 1)
    by_duration = c + visa.duration_days - used_before - 1
    if by_duration < valid_until:
        return by_duration, Limit.VISA_DURATION
    return valid_until, Limit.VISA_VALIDITY
