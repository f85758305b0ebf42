"""`make bench`: run every benchmark and write BENCHMARKS.md.

`python -m bench.run --quick` measures smaller sizes with shorter runs (for
development); the full run takes about 80 minutes. `--only mid_detect,sbms` re-measures
some sections and keeps the others from the BENCHMARKS.md already written.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    ees,
    ees_retention,
    matching_eval,
    mid_detect,
    mid_load,
    mid_online,
    sbms,
    shortstay,
    splink_eval,
)

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


SECTIONS = (
    "calculator",
    "matching",
    "ees",
    "retention",
    "mid_load",
    "mid_online",
    "mid_detect",
    "sbms",
)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks (all, or `--only` some) and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and shorter runs, for development"
    )
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=None,
        help=f"comma-separated sections to re-measure ({', '.join(SECTIONS)}); the others "
        "are kept from the BENCHMARKS.md already written",
    )
    args = parser.parse_args(argv)
    chosen = args.only or list(SECTIONS)
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    sections = _measure(chosen, quick=args.quick)
    header = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand.",
        "",
        f"- measured: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
        + (" (`--quick`)" if args.quick else "")
        + (
            f"; sections {', '.join(chosen)} only, the others as measured before"
            if args.only
            else ""
        ),
        f"- machine: {_cpu()}, {os.cpu_count()} cores, {_memory()}; the calculator and the "
        "matchers are pinned to one core, the EES server, database and load share all cores",
        f"- Python {platform.python_version()} on {platform.system()} {platform.machine()}",
        "",
    ]
    target = ROOT / "BENCHMARKS.md"
    kept = _sections_of(target.read_text()) if args.only and target.exists() else {}
    for section in sections:
        kept[_heading(section)] = section
    body = [section.rstrip("\n") + "\n" for section in (kept.values() if args.only else sections)]
    text = "\n".join(header) + "\n" + "\n".join(body)
    target.write_text(text)
    sys.stdout.write(text)


def _measure(chosen: list[str], *, quick: bool) -> list[str]:
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores is not None:
        os.sched_setaffinity(0, {min(cores)})
    sections: list[str] = []
    if "calculator" in chosen:
        sections.append(shortstay.report(shortstay.measure()))
    if "matching" in chosen:
        people = 500 if quick else 2000
        limes = splink_eval.measure_limes(people)
        sections.append(matching_eval.report(limes.report, people))
        # Splink on the same set, on the same core, next to limes.
        sections.append(splink_eval.report(limes, splink_eval.measure(people), people))
    if cores is not None:
        # The EES server, its database and the load, and the detectors' workers, share
        # the machine.
        os.sched_setaffinity(0, cores)
    if "ees" in chosen:
        sections.append(ees.report(ees.measure(ees.Plan.quick() if quick else ees.Plan())))
    if "retention" in chosen:
        sections.append(ees_retention.report(ees_retention.measure(quick=quick)))
    if "mid_load" in chosen:
        plan = mid_load.Plan.quick() if quick else mid_load.Plan()
        sections.append(mid_load.report(mid_load.measure(plan)))
    if "mid_online" in chosen:
        sections.append(mid_online.report(mid_online.measure(quick=quick)))
    if "mid_detect" in chosen:
        sections.append(mid_detect.report(mid_detect.measure(quick=quick)))
    if "sbms" in chosen:
        sections.append(sbms.report(sbms.measure(quick=quick)))
    return sections


def _heading(section: str) -> str:
    return next((line for line in section.splitlines() if line.startswith("## ")), section[:40])


def _sections_of(text: str) -> dict[str, str]:
    """The sections of a BENCHMARKS.md, by their `## ` heading, in order."""
    found: dict[str, str] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("## ") and current:
            if current[0].startswith("## "):
                found[current[0]] = "\n".join(current) + "\n"
            current = []
        current.append(line)
    if current and current[0].startswith("## "):
        found[current[0]] = "\n".join(current) + "\n"
    return found


if __name__ == "__main__":
    main()
