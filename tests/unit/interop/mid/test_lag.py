"""Detection's lag: what waits, for how long, and the recent pace, from stored figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from limes.interop.mid.domain.lag import DetectionRun, detection_lag

WALL = datetime(2026, 12, 12, 10, 0, 0, tzinfo=UTC)
# The systems' clock of a demo moved three days on: changes are stamped with it.
DEMO = WALL + timedelta(days=3)


def run(ended_ago: float, seconds: float, changes: int, last_seq: int = 0) -> DetectionRun:
    return DetectionRun(WALL - timedelta(seconds=ended_ago), seconds, changes, 0, last_seq)


def test_nothing_waits_and_nothing_ran() -> None:
    lag = detection_lag(
        now=DEMO,
        wall_now=WALL,
        processed_seq=0,
        pending_changes=0,
        oldest_pending_at=None,
        runs=[],
    )
    assert lag.caught_up
    assert (lag.oldest_pending_seconds, lag.last_run_at, lag.recent_files) == (0.0, None, 0)
    assert lag.files_per_second == 0.0
    assert lag.busy_files_per_second is None


def test_the_oldest_pending_change_is_aged_by_the_clock_that_stamped_it() -> None:
    lag = detection_lag(
        now=DEMO,
        wall_now=WALL,
        processed_seq=40,
        pending_changes=7,
        oldest_pending_at=DEMO - timedelta(seconds=12.5),
        runs=[run(ended_ago=20, seconds=1, changes=40, last_seq=40)],
    )
    assert not lag.caught_up
    assert lag.pending_changes == 7
    assert lag.oldest_pending_seconds == 12.5
    assert lag.last_run_at == WALL - timedelta(seconds=20)


def test_the_pace_counts_files_over_the_recent_period_and_over_the_time_spent() -> None:
    # Three batches in the last 10 s, 0.5 s each, 100 files each; one long before.
    runs = [run(9.5, 0.5, 100), run(5, 0.5, 100), run(1, 0.5, 100), run(600, 2, 999)]
    lag = detection_lag(
        now=DEMO,
        wall_now=WALL,
        processed_seq=1299,
        pending_changes=0,
        oldest_pending_at=None,
        runs=runs,
    )
    assert lag.recent_files == 300
    assert lag.recent_seconds == pytest.approx(10.0)  # from the first recent batch's start
    assert lag.files_per_second == pytest.approx(30.0)
    assert lag.busy_files_per_second == pytest.approx(200.0)
    assert lag.last_run_at == WALL - timedelta(seconds=1)


def test_a_long_quiet_spell_leaves_the_last_run_but_no_pace() -> None:
    lag = detection_lag(
        now=DEMO,
        wall_now=WALL,
        processed_seq=5,
        pending_changes=0,
        oldest_pending_at=None,
        runs=[run(3600, 1, 5)],
    )
    assert lag.last_run_at == WALL - timedelta(hours=1)
    assert (lag.recent_files, lag.files_per_second, lag.busy_files_per_second) == (0, 0.0, None)
    assert lag.recent_seconds == 60.0


def test_a_pending_count_below_zero_is_a_defect() -> None:
    with pytest.raises(ValueError, match="negative"):
        detection_lag(
            now=DEMO,
            wall_now=WALL,
            processed_seq=0,
            pending_changes=-1,
            oldest_pending_at=None,
            runs=[],
        )
