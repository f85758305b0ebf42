"""`make bench`: run every benchmark and write BENCHMARKS.md.

`python -m bench.run --quick` measures the EES at 10,000 stored files only, with
shorter runs (for development); the full run takes about 40 minutes.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import ees, matching_eval, mid_detect, sbms, shortstay, splink_eval

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB of memory"
    except (OSError, ValueError):
        pass
    return "unknown memory"


def main(argv: list[str] | None = None) -> None:
    """Run the calculator on one core and the EES on the whole machine; write BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument(
        "--quick", action="store_true", help="EES at 10,000 stored files only, shorter runs"
    )
    args = parser.parse_args(argv)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores is not None:
        os.sched_setaffinity(0, {min(cores)})
    sections = [shortstay.report(shortstay.measure())]
    people = 500 if args.quick else 2000
    limes = splink_eval.measure_limes(people)
    sections.append(matching_eval.report(limes.report, people))
    # Splink on the same set, on the same core, next to limes.
    sections.append(splink_eval.report(limes, splink_eval.measure(people), people))
    if cores is not None:
        os.sched_setaffinity(
            0, cores
        )  # the EES server, its database and the load share the machine
    plan = ees.Plan.quick() if args.quick else ees.Plan()
    sections.append(ees.report(ees.measure(plan)))
    sections.append(mid_detect.report(mid_detect.measure(quick=args.quick)))
    sections.append(sbms.report(sbms.measure(quick=args.quick)))
    header = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand.",
        "",
        f"- measured: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
        + (" (`--quick`)" if args.quick else ""),
        f"- machine: {_cpu()}, {os.cpu_count()} cores, {_memory()}; the calculator is "
        "pinned to one core, the EES server, database and load share all cores",
        f"- Python {platform.python_version()} on {platform.system()} {platform.machine()}",
        "",
    ]
    text = "\n".join(header) + "\n" + "\n".join(sections)
    (ROOT / "BENCHMARKS.md").write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
