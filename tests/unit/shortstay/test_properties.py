"""Property tests: the fast calculator against a day-by-day reference, and invariants."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from limes.shortstay import Calculation, Mode, Stay, calculate
from limes.shortstay.rules import EARLIEST_DATE
from tests.unit.shortstay.reference import reference

DAY = timedelta(days=1)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[tuple[date, date]], date]:
    """Non-overlapping stays ending on or before a control date, back to 2013-04-22."""
    on = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)))
    cursor = max(EARLIEST_DATE, on - draw(st.integers(min_value=0, max_value=700)) * DAY)
    stays: list[tuple[date, date]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        entry = cursor
        exit_ = entry + draw(st.integers(min_value=0, max_value=120)) * DAY
        if exit_ > on:
            break
        stays.append((entry, exit_))
        # A gap of 0 re-enters on the day of exit: that day counts once.
        cursor = exit_ + draw(st.integers(min_value=0, max_value=150)) * DAY
    return stays, on


def _stays(pairs: list[tuple[date, date]]) -> list[Stay]:
    return [Stay(entry, exit_) for entry, exit_ in pairs]


@settings(max_examples=300, deadline=None)
@given(histories())
def test_matches_the_day_by_day_reference(history: tuple[list[tuple[date, date]], date]) -> None:
    pairs, on = history
    expected = reference(pairs, on)
    result = calculate(_stays(pairs), on, Mode.PLANNING)
    assert result.days_used == expected.days_used
    assert [
        (o.period.start, o.period.end, o.days, o.days_in_window) for o in result.overstays
    ] == expected.overstays
    answer = result.answer or result.answer_ignoring_overstay
    assert answer is not None
    assert answer.planning_days == expected.planning_days
    assert answer.stay_until == expected.stay_until
    if expected.next_entry is None:
        assert answer.next_entry is None
    else:
        assert answer.next_entry is not None
        assert (answer.next_entry.date, answer.next_entry.days) == expected.next_entry


@settings(max_examples=200, deadline=None)
@given(histories())
def test_invariants(history: tuple[list[tuple[date, date]], date]) -> None:
    pairs, on = history
    result = calculate(_stays(pairs), on, Mode.PLANNING)
    assert 0 <= result.days_used <= 180
    answer = result.answer or result.answer_ignoring_overstay
    assert answer is not None
    assert 0 <= answer.planning_days <= 90
    assert (answer.stay_until is None) == (answer.planning_days == 0)
    assert (answer.next_entry is None) == (answer.planning_days > 0)
    if answer.next_entry is not None:
        assert on < answer.next_entry.date <= on + 180 * DAY
        assert 1 <= answer.next_entry.days <= 90
    check = calculate(_stays(pairs), on, Mode.CHECK)
    check_answer = check.answer or check.answer_ignoring_overstay
    assert check_answer is not None
    assert check_answer.stay_until == answer.stay_until


@settings(max_examples=200, deadline=None)
@given(histories(), st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=60))
def test_adding_a_stay_never_lengthens_the_stay_allowed(
    history: tuple[list[tuple[date, date]], date], back: int, length: int
) -> None:
    pairs, on = history
    entry = on - back * DAY
    extra = (entry, min(on, entry + length * DAY))
    if any(not (extra[1] <= a or extra[0] >= b) for a, b in pairs):
        return  # would overlap a recorded stay
    before = calculate(_stays(pairs), on).answer
    after = calculate(_stays([*pairs, extra]), on).answer
    assert (
        calculate(_stays([*pairs, extra]), on).days_used >= calculate(_stays(pairs), on).days_used
    )
    if before is not None and after is not None:
        assert (after.stay_until or date.min) <= (before.stay_until or date.min)
        assert after.planning_days <= before.planning_days + (1 if extra[1] == on else 0)


@settings(max_examples=150, deadline=None)
@given(histories(), st.data())
def test_splitting_a_stay_at_a_same_day_exit_and_reentry_changes_nothing(
    history: tuple[list[tuple[date, date]], date], data: st.DataObject
) -> None:
    pairs, on = history
    long_stays = [i for i, (a, b) in enumerate(pairs) if (b - a).days >= 1]
    if not long_stays:
        return
    i = data.draw(st.sampled_from(long_stays))
    entry, exit_ = pairs[i]
    cut = entry + data.draw(st.integers(min_value=0, max_value=(exit_ - entry).days)) * DAY
    split = [*pairs[:i], (entry, cut), (cut, exit_), *pairs[i + 1 :]]
    whole = calculate(_stays(pairs), on)
    parts = calculate(_stays(split), on)
    assert parts.days_used == whole.days_used
    assert parts.answer == whole.answer
    assert parts.answer_ignoring_overstay == whole.answer_ignoring_overstay
    # Overstays are reported per stay, so a split stay may report two periods; the
    # days in overstay stay the same.
    assert _overstay_days(parts) == _overstay_days(whole)


def _overstay_days(result: Calculation) -> set[date]:
    return {o.period.start + k * DAY for o in result.overstays for k in range(o.period.days)}


@settings(max_examples=100, deadline=None)
@given(histories(), st.integers(min_value=180, max_value=800))
def test_nothing_counts_180_days_after_the_last_exit(
    history: tuple[list[tuple[date, date]], date], later: int
) -> None:
    pairs, on = history
    last_exit = max((b for _, b in pairs), default=on)
    result = calculate(_stays(pairs), last_exit + later * DAY)
    assert result.days_used == 0
    if not result.overstays:
        assert result.answer is not None
        assert result.answer.planning_days == 90
