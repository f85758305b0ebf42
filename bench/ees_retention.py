"""The EES retention job (Art 34) at a million files: what it reads, how long it holds
the writer lock.

A SQLite file is migrated and filled, by bulk inserts, with N individual files of one
closed stay each: one file in `DUE_EVERY` exited three years and ten days before the
day of the run (its record and then its file are due), the others within the last
180 days. Measured on that day:

- the job as it is (`EesOperations.run_retention`): the indexed selection of what may
  be due, then chunks of `RETENTION_CHUNK` files per write transaction; its total
  time, the selection's time and the longest write transaction (the longest the desks'
  commits wait behind it);
- the same job the next day, with nothing left due;
- the job as it was before issue 11, for reference: every file read, one query per
  file, in one write transaction (reads only; the time is the writer lock's hold).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.sqlite_bulk import bulk_connection
from limes.core.clock import FixedClock
from limes.db.engine import make_engine
from limes.db.migrate import upgrade
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.domain.rules import RetentionAction, retention_plan, retention_scan
from limes.ees.operations import RETENTION_CHUNK, EesOperations
from limes.ees.ports import EesUnitOfWork

DUE_EVERY = 1000
TODAY = date(2027, 6, 1)
_BATCH = 50_000


@dataclass
class RetentionResult:
    """The figures of one size."""

    files: int
    due: int
    fill_seconds: float
    run_seconds: float
    selection_seconds: float
    longest_write_seconds: float
    erased_records: int
    erased_files: int
    next_day_seconds: float
    full_scan_seconds: float


def _fill(path: Path, files: int) -> float:
    started = time.perf_counter()
    upgrade(f"sqlite:///{path}")
    db = bulk_connection(path)
    recent = datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC) - timedelta(days=90)
    old = datetime(TODAY.year - 3, TODAY.month, TODAY.day, 10, tzinfo=UTC) - timedelta(days=10)
    try:
        db.execute("BEGIN")
        for lo in range(0, files, _BATCH):
            file_rows, record_rows = [], []
            for i in range(lo, min(files, lo + _BATCH)):
                exit_at = old if i % DUE_EVERY == 0 else recent - timedelta(minutes=i % 100_000)
                entry_at = exit_at - timedelta(days=7)
                file_rows.append(
                    (
                        f"F{i:09d}",
                        f"C{i:09d}",
                        "visa_exempt",
                        "captured",
                        "complete",
                        entry_at.isoformat(),
                        exit_at.isoformat(),
                        exit_at.date().isoformat(),
                    )
                )
                record_rows.append(
                    (
                        f"E{i:09d}",
                        f"F{i:09d}",
                        entry_at.isoformat(),
                        "FRA-CDG",
                        (entry_at.date() + timedelta(days=89)).isoformat(),
                        "ees",
                        exit_at.isoformat(),
                        "FRA-CDG",
                    )
                )
            db.executemany(
                "INSERT INTO ees_individual_files (file_id, cir_id, kind, fingerprint_status,"
                " completeness, created_at, updated_at, last_exit_or_refusal)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                file_rows,
            )
            db.executemany(
                "INSERT INTO ees_entry_exit_records (record_id, file_id, entry_at,"
                " entry_crossing_point, authorised_stay_until, source, exit_at,"
                " exit_crossing_point) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                record_rows,
            )
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    return time.perf_counter() - started


class _TimedStore(SqlEesStore):
    """The store, timing each write transaction (the writer lock's hold)."""

    longest_write = 0.0

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[EesUnitOfWork]:
        started = time.perf_counter()
        with super().unit_of_work(write=write) as uow:
            yield uow
        if write:
            self.longest_write = max(self.longest_write, time.perf_counter() - started)


def _full_scan(store: SqlEesStore, today: date) -> tuple[float, int]:
    """The job before issue 11, reading only: every file, in one write transaction."""
    started = time.perf_counter()
    due = 0
    with store.unit_of_work(write=True) as uow:
        for file_id in uow.ees.file_ids():
            individual_file = uow.ees.get_file(file_id)
            if individual_file is None:
                continue
            entries = uow.ees.entries(file_id)
            if retention_plan(individual_file, entries, uow.ees.refusals(file_id), today):
                due += 1
    return time.perf_counter() - started, due


def measure_size(files: int) -> RetentionResult:
    """Fill, then time the job on the day, the day after, and the old full scan."""
    with tempfile.TemporaryDirectory(prefix="limes-retention-") as directory:
        path = Path(directory) / "ees.sqlite"
        fill_seconds = _fill(path, files)
        engine = make_engine(f"sqlite:///{path}")
        store = _TimedStore(engine, group_commit=False)
        try:
            clock = FixedClock(datetime(TODAY.year, TODAY.month, TODAY.day, 2, tzinfo=UTC))
            operations = EesOperations(store, clock)
            full_scan_seconds, due = _full_scan(store, TODAY)
            store.longest_write = 0.0
            started = time.perf_counter()
            with store.unit_of_work(write=False) as uow:
                uow.ees.files_due_for_retention(retention_scan(TODAY))
            selection_seconds = time.perf_counter() - started
            started = time.perf_counter()
            report = operations.run_retention()
            run_seconds = time.perf_counter() - started
            longest = store.longest_write
            # Files whose erasure falls later than their records' (Art 34(2)) go then.
            clock.advance(timedelta(days=1))
            files_report = operations.run_retention()
            clock.advance(timedelta(days=1))
            started = time.perf_counter()
            operations.run_retention()
            next_day_seconds = time.perf_counter() - started
        finally:
            store.close()
            engine.dispose()
    return RetentionResult(
        files=files,
        due=due,
        fill_seconds=fill_seconds,
        run_seconds=run_seconds,
        selection_seconds=selection_seconds,
        longest_write_seconds=longest,
        erased_records=report.count(RetentionAction.ERASE_RECORD),
        erased_files=report.count(RetentionAction.ERASE_FILE)
        + files_report.count(RetentionAction.ERASE_FILE),
        next_day_seconds=next_day_seconds,
        full_scan_seconds=full_scan_seconds,
    )


def measure(*, quick: bool = False) -> list[RetentionResult]:
    """Both sizes (10,000 only when quick)."""
    sizes = (10_000,) if quick else (10_000, 1_000_000)
    return [measure_size(size) for size in sizes]


def report(results: list[RetentionResult]) -> str:
    """The BENCHMARKS.md section."""
    lines = [
        "## EES retention job (Art 34)",
        "",
        "`bench/ees_retention.py`. Target (issue 11): the job selects only what is due "
        "through an index and commits in small chunks, measured at 1,000,000 files. A "
        "SQLite file holds N individual files of one closed stay each; one in "
        f"{DUE_EVERY:,} exited three years and ten days before the run, so its record is "
        "erased that day, and its file with it, three years and a day having passed since the exit (Art 34(1), (2)). The job selects by index "
        f"and writes {RETENTION_CHUNK} files per transaction; the longest write "
        "transaction is how long desks' commits can wait behind it. The old job (before "
        "issue 11: every file, one query per file, all in one write transaction) is timed "
        "for reference, reading only.",
        "",
        "| files | due | job | of which selection | longest write transaction | erased "
        "(records, files) | next day, nothing due | old job: one transaction over "
        "every file |",
        "|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.files:,} | {r.due:,} | {r.run_seconds * 1000:,.0f} ms | "
            f"{r.selection_seconds * 1000:,.1f} ms | {r.longest_write_seconds * 1000:,.0f} ms | "
            f"{r.erased_records:,}, {r.erased_files:,} | {r.next_day_seconds * 1000:,.1f} ms | "
            f"{r.full_scan_seconds:,.1f} s |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report(measure(quick="--quick" in sys.argv)))
