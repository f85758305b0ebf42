"""The MID under an all-new-traveller load: desks' throughput, and detection keeping up (issue 11).

Every entry is a new traveller's, carrying a face and four fingerprint templates in
the request body (real synthetic templates of `limes.biometrics.synthetic`, base64 as
the API takes them), followed by their exit; 32 keep-alive desks, 10 s. Every new
file goes through multiple-identity detection (Reg. (EU) 2019/817 Art 27) in the
worker process that `limes serve` starts, over the CIR's change log.

For each back-end and size (10,000 and 1,000,000 stored files, all of them in the MID
as an initial load would leave them):

1. the database is filled as for the EES benchmark (`bench.ees_fill`), and the MID's
   records and blocking keys are written for every stored file (`seed_mid`);
2. `limes serve --workers 2` starts with its worker process (MID on);
3. the load of `bench.ees_load` runs with no returning traveller, while the
   orchestrator reads `GET /api/v1/mid/detection` every half second;
4. after the load, the orchestrator keeps reading it until detection has caught up
   (or `CATCH_UP_LIMIT` has passed).

Reported: crossings/s and p99 of the desks, and the MID's files/s and lag during the
load and after it. Targets (reported, never asserted): 1,000 crossings/s on SQLite and
700/s on PostgreSQL with p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import ees

CLIENTS = ees.CLIENTS
SERVER = "limes serve --workers 2"
CATCH_UP_LIMIT = 600.0  # seconds after the load to wait for detection to catch up
POLL = 0.5
_SEED_BATCH = 2_000


@dataclass
class Plan:
    """How much to measure."""

    sizes: tuple[int, ...] = (10_000, 1_000_000)
    backends: tuple[str, ...] = ("sqlite", "postgresql")
    warmup: float = 2.0
    duration: float = 10.0

    @classmethod
    def quick(cls) -> Plan:
        return cls(sizes=(10_000,), duration=5.0)


@dataclass
class Run:
    backend: str
    size: int
    load: dict[str, Any]
    mid: dict[str, Any]


@dataclass
class Results:
    plan: Plan
    runs: list[Run] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def seed_mid(url: str) -> int:
    """Write the MID's records and blocking keys of every stored CIR file (an initial load).

    The change log is left empty and the MID's progress at its end, as after `limes mid
    detect`; the links among the stored files are not computed (they play no part in
    detecting the new ones). Returns how many records were written.
    """
    from sqlalchemy import func, insert, select

    from limes.db.engine import make_engine
    from limes.db.unit_of_work import SqlUnitOfWork
    from limes.interop.cir.adapters.sql import SqlIdentityRepository
    from limes.interop.cir.adapters.sql_tables import biometric_templates, identity_changes
    from limes.interop.cir.adapters.sql_tables import identity_files as cir_files
    from limes.interop.mid.adapters.sql import identity_json
    from limes.interop.mid.adapters.sql_tables import blocking_keys, progress, records
    from limes.interop.mid.detector import CONJUNCTIVE
    from limes.interop.mid.service import identity_record

    engine = make_engine(url)
    written = 0
    try:
        with SqlUnitOfWork(engine, read_only=True) as reading:
            ids = [row[0] for row in reading.connection.execute(select(cir_files.c.cir_id))]
            faces = {
                row[0]
                for row in reading.connection.execute(
                    select(biometric_templates.c.cir_id).where(
                        biometric_templates.c.modality == "face"
                    )
                )
            }
        for start in range(0, len(ids), _SEED_BATCH):
            with SqlUnitOfWork(engine) as uow:
                repository = SqlIdentityRepository(uow.connection)
                record_rows, key_rows = [], []
                for cir_id in ids[start : start + _SEED_BATCH]:
                    identity_file = repository.get(cir_id)
                    if identity_file is None:
                        continue
                    identity = identity_record(identity_file)
                    record_rows.append(
                        {
                            "record_id": cir_id,
                            "system": identity_file.system.value,
                            "identity": json.dumps(identity_json(identity)),
                            "has_biometrics": cir_id in faces,
                            "updated_at": identity_file.updated_at,
                        }
                    )
                    key_rows.extend(
                        {"key": key, "record_id": cir_id} for key in CONJUNCTIVE.blocks(identity)
                    )
                if record_rows:
                    uow.connection.execute(insert(records), record_rows)
                if key_rows:
                    uow.connection.execute(insert(blocking_keys), key_rows)
                written += len(record_rows)
            if start and start % 100_000 == 0:
                ees.log(f"    MID records: {written:,}")
        with SqlUnitOfWork(engine) as uow:
            last = uow.connection.execute(select(func.max(identity_changes.c.seq))).scalar()
            uow.connection.execute(insert(progress), {"source": "cir", "seq": int(last or 0)})
    finally:
        engine.dispose()
    return written


def _request(port: int, path: str, token: str = "", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback http
        return json.loads(answer.read())


class LagWatch:
    """Reads the detection lag every `POLL` seconds on a thread: (seconds, lag) pairs."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.samples: list[tuple[float, dict[str, Any]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.started = time.monotonic()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                lag = _request(self.port, "/api/v1/mid/detection", self.token)
                self.samples.append((time.monotonic() - self.started, lag))
            except OSError:
                pass
            self._stop.wait(POLL)

    def __enter__(self) -> LagWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)


def _pace(samples: list[tuple[float, dict[str, Any]]], lo: float, hi: float) -> float | None:
    """Files detected per second between two instants, from the progress through the log."""
    inside = [(t, lag["processed_seq"]) for t, lag in samples if lo <= t <= hi]
    if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
        return None
    return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


def run_one(db: ees.Database, size: int, plan: Plan, bench: ees.Bench) -> Run:
    bench.counter += 1
    run = bench.counter
    url = db.run_url(run)
    directory = bench.directory
    try:
        with ees.serving(SERVER, url, directory, run) as (port, pid):
            admin = _request(
                port, "/api/v1/auth/sessions", body={"user": "admin", "password": "limes-demo"}
            )["token"]
            config = {
                "port": port,
                "run": run,
                "clients": CLIENTS,
                "warmup": plan.warmup,
                "duration": plan.duration,
                "max_requests": int(ees.RATE_CAP * (plan.warmup + plan.duration)),
                "returning": 0.0,  # every entry a new traveller's, with templates
                "stored_pool": min(size, ees.REAL_TEMPLATES),
                "watch_pids": {"server": [pid]},
                "started_marker": str(directory / f"started-{run}"),
            }
            with LagWatch(port, admin) as watch:
                load = ees._load(config, directory, run)
                load_end = time.monotonic() - watch.started
                deadline = time.monotonic() + CATCH_UP_LIMIT
                while time.monotonic() < deadline:
                    last = watch.samples[-1] if watch.samples else None
                    if last is not None and last[0] > load_end + POLL and last[1]["caught_up"]:
                        break
                    time.sleep(POLL)
            load.pop("acknowledged_entries", None)
            load.pop("acknowledged_exits", None)
    finally:
        db.end_run(run)
    samples = watch.samples
    during = [lag for t, lag in samples if t <= load_end]
    after = [(t, lag) for t, lag in samples if t > load_end]
    caught = next((t for t, lag in after if lag["caught_up"]), None)
    at_end = during[-1] if during else {}
    mid = {
        "files_per_second_during": _pace(samples, 0.0, load_end),
        "max_pending_during": max((lag["pending_changes"] for lag in during), default=None),
        "pending_at_end": at_end.get("pending_changes"),
        "oldest_wait_at_end": at_end.get("oldest_pending_seconds"),
        "files_per_second_after": _pace(samples, load_end, caught or float("inf")),
        "caught_up_after": (caught - load_end) if caught is not None else None,
        "busy_files_per_second": (samples[-1][1]["busy_files_per_second"] if samples else None),
    }
    return Run(db.backend, size, load, mid)


def measure(plan: Plan | None = None) -> Results:
    """Every back-end at every size."""
    plan = plan or Plan()
    results = Results(plan)
    head, tree = ees.source_version()
    results.notes.append(f"source measured: commit {head}, digest of src/ {tree}")
    with tempfile.TemporaryDirectory(prefix="limes-mid-load-") as tmp:
        bench = ees.Bench(ees.Plan(), Path(tmp))
        for backend in plan.backends:
            server = None
            if backend == "postgresql":
                try:
                    server = ees._start_postgres()
                except Exception as error:
                    results.notes.append(f"PostgreSQL not measured: {error}")
                    continue
            try:
                for size in plan.sizes:
                    ees.log(f"{backend}: filling {size:,} files")
                    db: ees.Database = (
                        ees.SqliteDatabase(Path(tmp), size, bench.results.fills)
                        if server is None
                        else ees.PostgresDatabase(server, size, bench.results.fills)
                    )
                    try:
                        golden = (
                            f"sqlite:///{db.golden}"
                            if isinstance(db, ees.SqliteDatabase)
                            else str(server.url(db.golden))
                        )
                        ees.log(f"{backend} {size:,}: MID records of the stored files")
                        seed_mid(golden)
                        ees.log(f"{backend} {size:,}: {SERVER}, all new travellers")
                        measured = run_one(db, size, plan, bench)
                        results.runs.append(measured)
                        ees.log("   " + _one_line(measured))
                    finally:
                        db.close()
            finally:
                if server is not None:
                    server.stop()
    return results


def _number(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def _one_line(run: Run) -> str:
    load, mid = run.load, run.mid
    return (
        f"{load['per_second']:,.0f}/s p99 {load['p99']:.1f} ms status {load['by_status']}; "
        f"MID {_number(mid['files_per_second_during'])} files/s during, "
        f"{mid['pending_at_end']} pending at the end, "
        f"{_number(mid['files_per_second_after'])} files/s after, "
        f"caught up after {_number(mid['caught_up_after'], ' s', 1)}"
    )


def report(results: Results) -> str:
    """The BENCHMARKS.md section."""
    lines = [
        "## MID under an all-new-traveller load (issue 11)",
        "",
        f"`python -m bench.run --only mid_load`: `{SERVER}` with its worker process (MID on);",
        f"{CLIENTS} keep-alive desks, {results.plan.duration:.0f} s after "
        f"{results.plan.warmup:.0f} s of warm-up; every entry is a new traveller's with a face",
        "and four fingerprint templates in the body (synthetic, base64), then their exit. The",
        "MID's figures come from `GET /api/v1/mid/detection`, read every half second: files/s",
        "is the progress through the CIR change log per second. Targets (not asserted): "
        "1,000 crossings/s on SQLite and 700/s on PostgreSQL with p99 under 50 ms.",
        "",
        "| database | stored files | crossings/s | p50 | p99 | target | MID files/s during "
        "| pending at the end (max) | oldest wait at the end | MID files/s after "
        "| caught up after |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for run in results.runs:
        load, mid = run.load, run.mid
        target = ees.TARGET["sqlite" if run.backend == "sqlite" else "postgresql"]
        met = load["per_second"] >= target and load["p99"] < ees.TARGET_P99_MS
        lines.append(
            f"| {run.backend} | {run.size:,} | {load['per_second']:,.0f} | {load['p50']:.1f} ms "
            f"| {load['p99']:.1f} ms | {'met' if met else 'not met'} ({target:,}/s) "
            f"| {_number(mid['files_per_second_during'])} "
            f"| {_number(mid['pending_at_end'])} ({_number(mid['max_pending_during'])}) "
            f"| {_number(mid['oldest_wait_at_end'], ' s', 1)} "
            f"| {_number(mid['files_per_second_after'])} "
            f"| {_number(mid['caught_up_after'], ' s', 1)} |"
        )
    if not results.runs:
        lines.append("| (not measured) | | | | | | | | | | |")
    lines += ["", *(f"- {note}" for note in results.notes), ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.mid_load [--quick] [--backends sqlite]`: print the section."""
    parser = argparse.ArgumentParser(prog="python -m bench.mid_load")
    parser.add_argument("--quick", action="store_true", help="10,000 files and 5 s only")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    plan = Plan.quick() if args.quick else Plan()
    plan.backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    sys.stdout.write(report(measure(plan)))


if __name__ == "__main__":
    main()
