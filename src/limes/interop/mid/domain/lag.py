"""How far multiple-identity detection is behind the CIR's change log, as pure values.

Detection runs in the worker process (2019/817 Art 27: whenever a file is created or
updated), so between a desk's crossing and the links of the file it wrote there is a
lag. Operators see it as: how many changes wait, how old the oldest of them is, how
many files the detector handled per second recently, and when it last handled any.

`detection_lag` computes that from what the store holds: the pending changes and the
runs the detector recorded (`DetectionRun`). No legal rule depends on these figures;
they tell an operator whether detection keeps up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["RECENT", "DetectionLag", "DetectionRun", "detection_lag"]

# The window of "recently": runs that ended within this much wall time.
RECENT = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class DetectionRun:
    """One batch of detection as the worker recorded it.

    `finished_at` is wall-clock time (an operational figure, not a legal instant);
    `seconds` is how long the batch ran, reading the log included.
    """

    finished_at: datetime
    seconds: float
    changes: int
    links: int
    last_seq: int


@dataclass(frozen=True, slots=True)
class DetectionLag:
    """Detection's lag behind the change log, and its recent pace."""

    pending_changes: int
    oldest_pending_at: datetime | None
    oldest_pending_seconds: float
    processed_seq: int
    last_run_at: datetime | None
    recent_seconds: float
    recent_files: int
    files_per_second: float
    busy_files_per_second: float | None

    @property
    def caught_up(self) -> bool:
        """Nothing waits: every change in the log has been through detection."""
        return self.pending_changes == 0


def detection_lag(
    *,
    now: datetime,
    wall_now: datetime,
    processed_seq: int,
    pending_changes: int,
    oldest_pending_at: datetime | None,
    runs: Sequence[DetectionRun],
    window: timedelta = RECENT,
) -> DetectionLag:
    """The lag and the recent pace.

    Args:
        now: the systems' clock, the clock that stamped the changes (`changed_at`).
        wall_now: wall-clock time, the clock of the runs.
        processed_seq: the last change detection has processed.
        pending_changes: how many changes follow it in the log.
        oldest_pending_at: when the first of them was made, None when none waits.
        runs: recorded runs, in any order; those that ended within `window` of
            `wall_now` make the recent pace.
        window: how far back "recently" goes.

    `files_per_second` is files handled over the recent period (from the start of its
    first run, at most `window`, to `wall_now`): the pace detection keeps.
    `busy_files_per_second` is files over the time the runs took: how fast the
    detector goes while it works, None without a recent run.
    """
    if pending_changes < 0:
        raise ValueError("pending_changes cannot be negative")
    waited = 0.0
    if pending_changes and oldest_pending_at is not None:
        waited = max(0.0, (now - oldest_pending_at).total_seconds())
    since = wall_now - window
    recent = [run for run in runs if since < run.finished_at <= wall_now]
    last = max((run.finished_at for run in runs), default=None)
    files = sum(run.changes for run in recent)
    busy = sum(run.seconds for run in recent)
    if recent:
        first_start = min(run.finished_at - timedelta(seconds=run.seconds) for run in recent)
        span = (wall_now - max(first_start, since)).total_seconds()
        span = max(span, busy, 1e-3)
    else:
        span = window.total_seconds()
    return DetectionLag(
        pending_changes=pending_changes,
        oldest_pending_at=oldest_pending_at if pending_changes else None,
        oldest_pending_seconds=waited,
        processed_seq=processed_seq,
        last_run_at=last,
        recent_seconds=span,
        recent_files=files,
        files_per_second=files / span,
        busy_files_per_second=files / busy if recent and busy > 0 else None,
    )
