"""Realistic stay histories for the calculator benchmarks: 1-10 stays over two years."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from limes.shortstay import Mode, Stay


def _length(rng: random.Random) -> int:
    # Mostly business trips and holidays; now and then a long stay.
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(1, 7)
    if roll < 0.9:
        return rng.randint(8, 21)
    return rng.randint(22, 60)


def make_history(rng: random.Random) -> tuple[list[Stay], date, Mode]:
    """One traveller: 1-10 stays spread over the two years before a date."""
    on = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365))
    n = rng.randint(1, 10)
    cursor = on - timedelta(days=730)
    budget = 730
    stays: list[Stay] = []
    for _ in range(n):
        gap = rng.randint(0, max(0, budget // n))
        length = _length(rng)
        entry = cursor + timedelta(days=gap)
        exit_ = entry + timedelta(days=length - 1)
        if exit_ > on:
            break
        stays.append(Stay(entry, exit_))
        cursor = exit_ + timedelta(days=1)
    mode = Mode.PLANNING if rng.random() < 0.5 else Mode.CHECK
    return stays, on, mode


def as_request(stays: list[Stay], on: date, mode: Mode) -> dict[str, Any]:
    """The `limes calc` request for a history."""
    return {
        "stays": [[s.entry.isoformat(), s.exit.isoformat()] for s in stays],
        "on": on.isoformat(),
        "mode": mode.value,
    }
