"""Days of presence as merged runs of day ordinals, counted in O(log n).

The official calculator walks a day-by-day vector; counting runs with prefix sums
gives the same counts in a fraction of the time, which matters at EU scale.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable


class Presence:
    """A set of days, stored as sorted disjoint runs with running totals."""

    __slots__ = ("_before", "_ends", "_starts")

    def __init__(self, runs: Iterable[tuple[int, int]], ordered: bool = False) -> None:
        """Merge runs of day ordinals (first, last), both included.

        Runs may come in any order unless `ordered` promises they are sorted.
        """
        starts: list[int] = []
        ends: list[int] = []
        for first, last in runs if ordered else sorted(runs):
            if last < first:
                continue
            if ends and first <= ends[-1] + 1:
                # Overlapping or adjacent runs merge: a day of exit that is also a
                # day of entry counts once.
                if last > ends[-1]:
                    ends[-1] = last
            else:
                starts.append(first)
                ends.append(last)
        before: list[int] = []
        total = 0
        for first, last in zip(starts, ends, strict=True):
            before.append(total)
            total += last - first + 1
        self._starts = starts
        self._ends = ends
        self._before = before

    def upto(self, day: int) -> int:
        """The number of days present on or before `day`."""
        i = bisect_right(self._starts, day) - 1
        if i < 0:
            return 0
        end = self._ends[i]
        return self._before[i] + (end if end < day else day) - self._starts[i] + 1

    def between(self, first: int, last: int) -> int:
        """The number of days present from `first` to `last`, both included."""
        if last < first:
            return 0
        return self.upto(last) - self.upto(first - 1)

    def exceeds(self, limit: int, period: int) -> bool:
        """Whether some window of `period` days holds more than `limit` days present.

        Within a run every day is present, so a window's count never falls from one
        day to the next; the largest counts are found at the ends of runs.
        """
        if not self._starts or self._before[-1] + self._ends[-1] - self._starts[-1] < limit:
            return False
        upto = self.upto
        for first, last, before in zip(self._starts, self._ends, self._before, strict=True):
            if before + last - first + 1 - upto(last - period) > limit:
                return True
        return False

    def contains(self, day: int) -> bool:
        """Whether `day` is a day of presence."""
        i = bisect_right(self._starts, day) - 1
        return i >= 0 and day <= self._ends[i]

    def runs_between(self, first: int, last: int) -> list[tuple[int, int]]:
        """The runs of presence clipped to `first`..`last`."""
        clipped: list[tuple[int, int]] = []
        for start, end in zip(self._starts, self._ends, strict=True):
            lo = max(start, first)
            hi = min(end, last)
            if lo <= hi:
                clipped.append((lo, hi))
        return clipped
