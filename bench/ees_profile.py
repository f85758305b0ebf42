"""Where the server's time goes: py-spy samples of the server under load, in groups.

Two py-spy samplers run side by side on the server, both `--nonblocking` (they do
not stop the process, which under load would distort it):

* `--gil` samples only the thread holding the GIL: where the Python CPU goes (one
  process can use one core for Python, whatever its thread count);
* the default mode samples every thread that is not idle, including threads
  blocked in a commit, a database round trip or on the SQLite write lock: where
  the requests' wall time goes.

`py-spy record --format raw` writes one line per distinct stack (root first, frames
joined by `;`) with its sample count. Each stack is put in the group of the first
frame, from the leaf up, that matches a rule below: a sample inside pydantic called
from the EES schemas counts as pydantic, a commit called from the service counts as
the commit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

PY_SPY = Path(sys.executable).parent / "py-spy"

# (group, pattern on one frame "function (path:line)"), tried leaf first.
RULES: tuple[tuple[str, str], ...] = (
    ("waiting for the SQLite write lock (one writer per process)", r"SqlEesStore\.unit_of_work"),
    ("thread-pool hand-off (AnyIO worker threads, queues, conditions)", r"anyio/|queue\.py"),
    ("event loop waiting in epoll", r"EpollSelector\.select"),
    ("PostgreSQL round trips (waiting for the server)", r"Connection\.wait \(psycopg"),
    ("database commit (SQLite fsync / PostgreSQL COMMIT)", r"_connection_commit_impl|do_commit"),
    (
        "database statements (driver: sqlite3 / psycopg)",
        r"do_execute|do_executemany|Cursor\.execute|Cursor\.fetch|psycopg/",
    ),
    ("database connection pool (check-out, check-in, pre-ping)", r"sqlalchemy/pool/"),
    ("SQLAlchemy Core (statement cache, binds, result rows)", r"sqlalchemy/"),
    ("1:1 biometric verification (NumPy)", r"limes/biometrics/|ees/adapters/biometrics\.py"),
    ("90/180-day calculator", r"limes/shortstay/|ees/domain/assessment\.py"),
    ("MRZ reading", r"limes/core/documents"),
    ("idempotency digest (SHA-256 of the templates)", r"CrossingRequest\.digest"),
    ("JSON and pydantic (parse, validate, serialise)", r"pydantic|json/|orjson|fastapi/encoders"),
    ("uvicorn access log (logging)", r"logging/"),
    ("fall-back queue check (its own SQLite file)", r"ees/fallback\.py:2\d\d|ees/fallback\.py:3"),
    ("base64 of the templates (EES schemas)", r"base64"),
    ("HTTP server (uvicorn, h11, asyncio)", r"uvicorn/|h11/|asyncio/|selectors\.py"),
    ("FastAPI, Starlette, AnyIO (routing, dependencies, threads)", r"fastapi/|starlette/|anyio/"),
    ("limes services and adapters (other)", r"limes/"),
)
IDLE = "idle thread-pool threads (waiting for a request)"
_COMPILED = tuple((group, re.compile(pattern)) for group, pattern in RULES)
_FRAME = re.compile(r"^(.*) \((.*)\)$")


def record(pid: int, seconds: float, output: Path, *, rate: int = 200) -> dict[str, Any]:
    """Sample the process for `seconds` in both modes; returns the grouped profiles."""
    if not PY_SPY.exists():
        return {"error": f"{PY_SPY} is missing: `pip install -e .[dev]` installs py-spy"}
    samplers = {}
    for mode in ("cpu", "wall"):
        command = [
            str(PY_SPY),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            f"{output}.{mode}",
        ]
        if mode == "cpu":
            command.append("--gil")
        samplers[mode] = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    profile: dict[str, Any] = {}
    for mode, sampler in samplers.items():
        out, _ = sampler.communicate(timeout=300)
        path = Path(f"{output}.{mode}")
        if sampler.returncode != 0 or not path.exists():
            return {"error": out.strip()[-500:]}
        profile[mode] = analyse(path.read_text())
    return profile


def analyse(raw: str) -> dict[str, Any]:
    """Groups, top leaf functions and the number of samples of a raw py-spy profile."""
    groups: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        groups[_group(frames)] += count
        leaves[_short(frames[-1])] += count
    return {
        "samples": total,
        "groups": groups.most_common(),
        "leaves": leaves.most_common(12),
    }


def _group(frames: list[str]) -> str:
    if "Condition.wait" in frames[-1] and any("WorkerThread.run" in f for f in frames):
        return IDLE
    for frame in reversed(frames):
        for group, pattern in _COMPILED:
            if pattern.search(frame):
                return group
    return "other (interpreter, threading)"


def _short(frame: str) -> str:
    match = _FRAME.match(frame)
    if match is None:
        return frame
    function, where = match.groups()
    return f"{function} ({where.rsplit('/', 1)[-1]})"


def report(backend: str, profile: dict[str, Any]) -> list[str]:
    """Markdown lines for one back-end's profile."""
    if "error" in profile:
        return [f"{backend}: py-spy failed: `{profile['error']}`", ""]
    cpu, wall = profile["cpu"], profile["wall"]
    cpu_groups, wall_groups = dict(cpu["groups"]), dict(wall["groups"])
    cpu_total, wall_total = cpu["samples"] or 1, wall["samples"] or 1
    lines = [
        f"**{backend}**: profiled run {profile.get('run', '')}; "
        f"{cpu['samples']:,} samples of the GIL holder, {wall['samples']:,} of busy threads.",
        "",
        "| where | Python CPU (GIL holder) | wall time of busy threads |",
        "|---|---:|---:|",
    ]
    order = sorted(
        set(cpu_groups) | set(wall_groups),
        key=lambda g: -(cpu_groups.get(g, 0) / cpu_total + wall_groups.get(g, 0) / wall_total),
    )
    for group in order:
        lines.append(
            f"| {group} | {100 * cpu_groups.get(group, 0) / cpu_total:.1f}% "
            f"| {100 * wall_groups.get(group, 0) / wall_total:.1f}% |"
        )
    lines += ["", "Hottest functions holding the GIL (leaf frames):", ""]
    lines += [f"- {100 * n / cpu_total:.1f}% `{leaf}`" for leaf, n in cpu["leaves"]]
    return [*lines, ""]
