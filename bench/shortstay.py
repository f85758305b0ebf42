"""Throughput of the 90/180-day calculator on one core: in-process and `limes calc --batch`."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from bench.histories import as_request, make_history
from limes.shortstay import calculate
from limes.shortstay.schemas import calculate_json

TARGET_IN_PROCESS = 50_000
TARGET_BATCH = 20_000


@dataclass
class Figure:
    name: str
    per_second: float
    target: int | None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "met" if self.per_second >= self.target else "NOT met"


def _best_rate(run: object, count: int, repeats: int = 5) -> float:
    assert callable(run)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return count / best


def measure(count: int = 50_000, batch_lines: int = 200_000) -> list[Figure]:
    """Measure the calculator; returns the figures for BENCHMARKS.md."""
    rng = random.Random(2026)
    histories = [make_history(rng) for _ in range(count)]
    overstays = sum(calculate(*h).overstay for h in histories)

    def in_process() -> None:
        for stays, on, mode in histories:
            calculate(stays, on, mode)

    def with_explanation() -> None:
        for stays, on, mode in histories:
            _ = calculate(stays, on, mode).explanation

    lines = [orjson.dumps(as_request(*h)) for h in histories]

    def json_in_process() -> None:
        for line in lines:
            orjson.dumps(calculate_json(orjson.loads(line)))

    figures = [
        Figure("calculate() in-process", _best_rate(in_process, count), TARGET_IN_PROCESS),
        Figure("calculate() with its explanation", _best_rate(with_explanation, count), None),
        Figure("JSON line in, JSON line out, in-process", _best_rate(json_in_process, count), None),
    ]
    figures.extend(_batch(lines, batch_lines))
    share = 100 * overstays / count
    figures[0].note = f"{count:,} histories, {share:.1f}% with an overstay"
    return figures


def _batch(lines: list[bytes], total: int) -> list[Figure]:
    limes = Path(sys.executable).parent / "limes"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "requests.jsonl"
        repeated = (lines * (total // len(lines) + 1))[:total]
        path.write_bytes(b"\n".join(repeated) + b"\n")
        one = Path(tmp) / "one.jsonl"
        one.write_bytes(lines[0] + b"\n")
        startup = min(_timed_batch(limes, one) for _ in range(3))
        elapsed = min(_timed_batch(limes, path) for _ in range(2))
    return [
        Figure(
            "limes calc --batch, whole process",
            total / elapsed,
            TARGET_BATCH,
            f"{total:,} lines; includes start-up of {startup * 1000:.0f} ms",
        ),
        Figure(
            "limes calc --batch, excluding start-up",
            total / (elapsed - startup),
            None,
        ),
    ]


def _timed_batch(limes: Path, path: Path) -> float:
    # Output goes to a file: a pipe would make this process compete for the one core.
    output = path.with_suffix(".out")
    with path.open("rb") as stdin, output.open("wb") as stdout:
        started = time.perf_counter()
        subprocess.run([str(limes), "calc", "--batch"], stdin=stdin, stdout=stdout, check=True)
        elapsed = time.perf_counter() - started
    with output.open("rb") as answers:
        assert b'"error"' not in answers.readline(), "the benchmark input must be valid"
    return elapsed


def report(figures: list[Figure]) -> str:
    """The Markdown section for BENCHMARKS.md."""
    rows = [
        "## 90/180-day calculator (issue #3)",
        "",
        "Realistic histories: 1-10 stays over the two years before the date (60% of stays",
        "1-7 days, 30% 8-21 days, 10% 22-60 days), half planning and half check mode.",
        "One process pinned to one core; the best of several runs.",
        "",
        "| measurement | per second | target | verdict | note |",
        "|---|---:|---:|---|---|",
    ]
    for f in figures:
        target = f"{f.target:,}" if f.target else ""
        rows.append(f"| {f.name} | {f.per_second:,.0f} | {target} | {f.verdict} | {f.note} |")
    return "\n".join(rows) + "\n"
