"""The full EES border check over HTTP, on SQLite and PostgreSQL (issue: EES throughput).

For each back-end and each population (10,000 and 1,000,000 stored files):

1. a database is migrated, given crossing points and pre-filled in bulk
   (`bench.ees_fill`);
2. the real server starts as its own process: `limes serve` (one process) and
   `limes serve --workers 2` (one per core);
3. a load process (`bench.ees_load`) signs in 32 desks and records entries and
   exits of returning and new travellers over loopback for a bounded time;
4. the server is killed (SIGKILL, as a crash would) and the database is read back:
   every acknowledged crossing must be stored, and nothing else.

A separate run per back-end is profiled with py-spy (its figures are not reported).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import ees_fill

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET = {"sqlite": 1000, "postgresql": 700}  # recorded crossings a second
TARGET_P99_MS = 50.0
CLIENTS = 32
RATE_CAP = 2500  # requests a second the load prepares travellers for
REAL_TEMPLATES = 20_000  # stored travellers with genuine templates (the returning pool)
COPY_BELOW = 100_000  # smaller databases are copied afresh for every run
PG_OPTIONS = (
    "-c shared_buffers=1GB -c max_wal_size=4GB -c synchronous_commit=on -c fsync=on"
    " -c max_connections=200"
)
SERVERS = ("limes serve", "limes serve --workers 2")
REFERENCE = "HTTP only (bench.ees_noop)"  # parses the same requests, no service, no database


def log(message: str) -> None:
    """Progress on stderr (stdout carries the report)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@dataclass
class Plan:
    """How much to measure."""

    sizes: tuple[int, ...] = (10_000, 1_000_000)
    repeats: int = 2
    warmup: float = 3.0
    duration: float = 20.0
    profile_seconds: float = 15.0
    servers: tuple[str, ...] = SERVERS
    backends: tuple[str, ...] = ("sqlite", "postgresql")

    @classmethod
    def quick(cls) -> Plan:
        return cls(sizes=(10_000,), repeats=1, warmup=2.0, duration=8.0, profile_seconds=6.0)


@dataclass
class Run:
    """One measured run."""

    backend: str
    size: int
    server: str
    repeat: int
    files_at_start: int
    result: dict[str, Any]
    durability: dict[str, Any]


@dataclass
class Fill:
    backend: str
    size: int
    seconds: float
    templates: int
    records: int
    database_bytes: int


@dataclass
class Results:
    plan: Plan
    runs: list[Run] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# -- databases -------------------------------------------------------------------


class Database:
    """A prepared database of one back-end: a golden copy, and a database per run."""

    backend = ""

    def run_url(self, run: int) -> str:
        raise NotImplementedError

    def end_run(self, run: int) -> None:
        raise NotImplementedError

    def query(self, url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def instant(self, value: datetime) -> Any:
        return value

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    backend = "sqlite"

    def __init__(self, directory: Path, size: int, fills: list[Fill]) -> None:
        self.directory = directory
        self.size = size
        self.golden = directory / f"golden-{size}.sqlite"
        url = f"sqlite:///{self.golden}"
        ees_fill.prepare_schema(url)
        report = ees_fill.fill_sqlite(
            str(self.golden), size, min(size, REAL_TEMPLATES), _today(), log=log
        )
        fills.append(
            Fill(
                "sqlite",
                size,
                report.seconds,
                report.templates,
                report.records,
                self.golden.stat().st_size,
            )
        )

    def _path(self, run: int) -> Path:
        return self.golden if self.size >= COPY_BELOW else self.directory / f"run-{run}.sqlite"

    def run_url(self, run: int) -> str:
        path = self._path(run)
        if path != self.golden:
            shutil.copyfile(self.golden, path)
        return f"sqlite:///{path}"

    def end_run(self, run: int) -> None:
        path = self._path(run)
        if path != self.golden:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def query(self, url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        path = url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as db:
            return db.execute(sql.replace("%s", "?"), args).fetchall()

    def instant(self, value: datetime) -> Any:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def close(self) -> None:
        for path in self.directory.glob(f"golden-{self.size}.sqlite*"):
            path.unlink()


class PostgresDatabase(Database):
    backend = "postgresql"

    def __init__(self, server: Any, size: int, fills: list[Fill]) -> None:
        self.server = server
        self.size = size
        self.golden = f"golden_{size}"
        url = server.create_database(self.golden)
        ees_fill.prepare_schema(url)
        report = ees_fill.fill_postgres(url, size, min(size, REAL_TEMPLATES), _today(), log=log)
        size_bytes = self.query(url, "SELECT pg_database_size(current_database())")[0][0]
        fills.append(
            Fill("postgresql", size, report.seconds, report.templates, report.records, size_bytes)
        )

    def _name(self, run: int) -> str:
        return self.golden if self.size >= COPY_BELOW else f"run_{run}"

    def run_url(self, run: int) -> str:
        name = self._name(run)
        if name == self.golden:
            return str(self.server.url(name))
        return str(self.server.create_database(name, template=self.golden))

    def end_run(self, run: int) -> None:
        name = self._name(run)
        if name != self.golden:
            self.server.drop_database(name)

    def query(self, url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        conninfo = f"host={u.host} port={u.port} user={u.username} dbname={u.database}"
        with psycopg.connect(conninfo) as connection:
            return list(connection.execute(sql, args).fetchall())

    def close(self) -> None:
        self.server.drop_database(self.golden)


def _start_postgres() -> Any:
    """A throwaway server from tests/pg.py, with more memory and WAL room for 10 GB."""
    from tests.pg import PostgresServer, PostgresUnavailable, find_bin_dir

    class BenchPostgres(PostgresServer):
        def _start_once(self) -> None:
            options = (
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 {PG_OPTIONS}"
            )
            self._pg(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            )

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable("no PostgreSQL binaries; `make postgres` installs them")
    return BenchPostgres.start(bin_dir, name="limes-bench")


def _postmaster_pid(server: Any) -> int:
    return int((server.data_dir / "postmaster.pid").read_text().split()[0])


def _today() -> date:
    return datetime.now(UTC).date()


# -- the server and the load -----------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(server: str, url: str, directory: Path, run: int) -> Iterator[tuple[int, int]]:
    """Start the server; yields (port, pid); kills it with SIGKILL at the end."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        LIMES_DATABASE_URL=url,
        LIMES_EES__JOB_INTERVAL_SECONDS="0",
        LIMES_EES__FALLBACK_PATH=str(directory / f"fallback-{run}.sqlite"),
    )
    # "limes serve --workers 2" -> limes serve --workers 2 --host 127.0.0.1 --port P
    command = [str(BIN / "limes"), *server.split()[1:], "--host", "127.0.0.1", "--port", str(port)]
    if server == REFERENCE:
        command = [str(BIN / "uvicorn"), "bench.ees_noop:create_app", "--factory"]
        command += ["--log-level", "warning", "--host", "127.0.0.1", "--port", str(port)]
    server_log = (directory / f"server-{run}.log").open("wb")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_ready(port, process, directory / f"server-{run}.log")
        yield port, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        server_log.close()


def _wait_ready(port: int, process: subprocess.Popen[bytes], server_log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{server_log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/docs", timeout=2) as answer:
                if answer.status == 200:
                    time.sleep(1.0)  # let other workers finish starting
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")


def _load(config: dict[str, Any], directory: Path, run: int) -> dict[str, Any]:
    config_path = directory / f"load-{run}.json"
    result_path = directory / f"result-{run}.json"
    config_path.write_text(json.dumps(config))
    subprocess.run(
        [sys.executable, "-m", "bench.ees_load", str(config_path), str(result_path)],
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result


def _durability(db: Database, url: str, since: datetime, result: dict[str, Any]) -> dict[str, Any]:
    """Read back what the run stored and compare it with what was acknowledged."""
    t0 = db.instant(since)
    entries = {r for (r,) in db.query(url, _ENTRIES_SINCE, t0)}
    exits = {r for (r,) in db.query(url, _EXITS_SINCE, t0)}
    acked_entries = set(result.pop("acknowledged_entries"))
    acked_exits = set(result.pop("acknowledged_exits"))
    logged = db.query(url, "SELECT count(*) FROM ees_access_log WHERE at >= %s", t0)[0][0]
    keys = db.query(url, "SELECT count(*) FROM ees_idempotency_keys WHERE created_at >= %s", t0)
    open_entries = db.query(
        url, "SELECT count(*) FROM ees_entry_exit_records WHERE exit_at IS NULL"
    )[0][0]
    acknowledged = len(acked_entries) + len(acked_exits)
    found = {
        "acknowledged_entries": len(acked_entries),
        "stored_entries": len(entries),
        "lost_entries": len(acked_entries - entries),
        "unacknowledged_entries": len(entries - acked_entries),
        "acknowledged_exits": len(acked_exits),
        "stored_exits": len(exits),
        "lost_exits": len(acked_exits - exits),
        "access_log_rows": logged,
        "idempotency_keys": keys[0][0],
        "open_entries_left": open_entries,
    }
    found["ok"] = (
        entries == acked_entries
        and exits == acked_exits
        and logged == acknowledged
        and keys[0][0] == acknowledged
        and open_entries == 0
    )
    return found


_ENTRIES_SINCE = "SELECT record_id FROM ees_entry_exit_records WHERE entry_at >= %s"
_EXITS_SINCE = "SELECT record_id FROM ees_entry_exit_records WHERE exit_at >= %s"


class Bench:
    """Runs the plan, counting runs so that every run has its own travellers and files."""

    def __init__(self, plan: Plan, directory: Path) -> None:
        self.plan = plan
        self.directory = directory
        self.results = Results(plan)
        self.counter = 0

    def run(
        self,
        db: Database,
        size: int,
        server: str,
        *,
        db_pid: int | None = None,
        profile: Callable[[int, Path], dict[str, Any]] | None = None,
    ) -> tuple[Run, dict[str, Any] | None]:
        self.counter += 1
        run = self.counter
        url = db.run_url(run)
        try:
            files = db.query(url, "SELECT count(*) FROM ees_individual_files")[0][0]
            with serving(server, url, self.directory, run) as (port, pid):
                watch = {"server": [pid]}
                if db_pid is not None:
                    watch["database"] = [db_pid]
                config = {
                    "port": port,
                    "run": run,
                    "clients": CLIENTS,
                    "warmup": self.plan.warmup,
                    "duration": self.plan.profile_seconds if profile else self.plan.duration,
                    "max_requests": int(
                        (4 if server == REFERENCE else 1)
                        * RATE_CAP
                        * (self.plan.warmup + self.plan.duration)
                    ),
                    "stored_pool": min(size, REAL_TEMPLATES),
                    "pool_offset": (run * 4099) % min(size, REAL_TEMPLATES),
                    "watch_pids": watch,
                    "started_marker": str(self.directory / f"started-{run}"),
                    "recycle": server == REFERENCE,
                }
                since = datetime.now(UTC)
                profiled = None
                if profile is None:
                    result = _load(config, self.directory, run)
                else:
                    result, profiled = _load_profiled(config, self.directory, run, pid, profile)
            if server == REFERENCE:
                durability = {"ok": True, "reference": True}
                result.pop("acknowledged_entries")
                result.pop("acknowledged_exits")
            else:
                durability = _durability(db, url, since, result)
        finally:
            db.end_run(run)
        backend = "none" if server == REFERENCE else db.backend
        measured = Run(backend, size, server, 0, files, result, durability)
        return measured, profiled


def _load_profiled(
    config: dict[str, Any],
    directory: Path,
    run: int,
    pid: int,
    profile: Callable[[int, Path], dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The load, with py-spy sampling the server from the start of the window."""
    from concurrent.futures import ThreadPoolExecutor

    marker = Path(config["started_marker"])
    with ThreadPoolExecutor(1) as pool:
        loading = pool.submit(_load, config, directory, run)
        while not marker.exists() and not loading.done():
            time.sleep(0.05)
        time.sleep(config["warmup"])
        profiled = profile(pid, directory / f"profile-{run}.txt")
        result = loading.result()
    return result, profiled


def source_version() -> tuple[str, str]:
    """The commit checked out and a digest of the source tree as it is on disk."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - read-only, git from PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        head = ""
    return head or "unknown", digest.hexdigest()[:12]


def measure(plan: Plan | None = None) -> Results:
    """Run every back-end at every size; returns what BENCHMARKS.md reports."""
    plan = plan or Plan()
    head, tree = source_version()
    results = _measure(plan)
    now = source_version()
    later = f" ({now[0]} at the end, src/ unchanged)" if now[0] != head else ""
    results.notes.insert(0, f"source measured: commit {head}{later}, digest of src/ {tree}")
    if now[1] != tree:
        results.notes.insert(
            1,
            f"WARNING: src/ changed during the run (now commit {now[0]}, digest {now[1]}): "
            "the runs measured different versions of the code",
        )
    return results


def _measure(plan: Plan) -> Results:
    with tempfile.TemporaryDirectory(prefix="limes-ees-bench-") as tmp:
        bench = Bench(plan, Path(tmp))
        results = bench.results
        free = shutil.disk_usage(tmp).free
        results.notes.append(f"{free / 1e9:.0f} GB free on the temporary disk before the fill")
        for backend in plan.backends:
            server = None
            if backend == "postgresql":
                try:
                    server = _start_postgres()
                except Exception as error:
                    results.notes.append(f"PostgreSQL not measured: {error}")
                    continue
            try:
                for size in plan.sizes:
                    log(f"{backend}: filling {size:,} files")
                    db: Database = (
                        SqliteDatabase(Path(tmp), size, results.fills)
                        if server is None
                        else PostgresDatabase(server, size, results.fills)
                    )
                    db_pid = _postmaster_pid(server) if server is not None else None
                    try:
                        for repeat in range(plan.repeats):
                            for name in plan.servers:
                                log(f"{backend} {size:,} {name} #{repeat + 1}")
                                measured, _ = bench.run(db, size, name, db_pid=db_pid)
                                measured.repeat = repeat + 1
                                results.runs.append(measured)
                                log("   " + _one_line(measured))
                        if size == plan.sizes[0] and server is None:
                            for repeat in range(plan.repeats):
                                log(f"reference: {REFERENCE} #{repeat + 1}")
                                measured, _ = bench.run(db, size, REFERENCE)
                                measured.repeat = repeat + 1
                                results.runs.append(measured)
                                log("   " + _one_line(measured))
                        if size == plan.sizes[0]:
                            log(f"{backend} {size:,}: profiling limes serve")
                            profiled_run, profile = bench.run(
                                db, size, "limes serve", db_pid=db_pid, profile=_profiler(plan)
                            )
                            assert profile is not None
                            profile["run"] = _one_line(profiled_run)
                            results.profiles[backend] = profile
                    finally:
                        db.close()
            finally:
                if server is not None:
                    server.stop()
    return results


def _profiler(plan: Plan) -> Callable[[int, Path], dict[str, Any]]:
    from bench import ees_profile

    def profile(pid: int, output: Path) -> dict[str, Any]:
        return ees_profile.record(pid, plan.profile_seconds - 1, output)

    return profile


def _one_line(run: Run) -> str:
    r, d = run.result, run.durability
    return (
        f"{r['per_second']:,.0f}/s p50 {r['p50']:.1f} p99 {r['p99']:.1f} ms "
        f"status {r['by_status']} cores {_cores(r)} durable {d['ok']}"
    )


def _cores(result: dict[str, Any]) -> str:
    c = result["cores"]
    parts = [f"server {c.get('server', 0):.2f}"]
    if "database" in c:
        parts.append(f"db {c['database']:.2f}")
    parts.append(f"client {c['client']:.2f}")
    other = c["machine"] - c.get("server", 0) - c.get("database", 0) - c["client"]
    parts.append(f"other {max(other, 0):.2f}")
    return ", ".join(parts)


# -- the report ------------------------------------------------------------------


def report(results: Results) -> str:
    """The Markdown section for BENCHMARKS.md."""
    plan = results.plan
    lines = [
        "## EES border check over HTTP",
        "",
        "The full border check of `POST /api/v1/ees/entries` and `/exits`: MRZ in, file",
        "lookup in the CIR, 1:1 verification, the 90/180-day calculator, the entry or exit",
        "and the access-log row committed durably (SQLite WAL with `synchronous=FULL`;",
        "PostgreSQL with `fsync=on`, `synchronous_commit=on`). The real server runs as its",
        f"own process; a separate load process drives {CLIENTS} signed-in desks over",
        "keep-alive HTTP/1.1 on loopback, closed loop (a desk sends its next request when",
        "the last is answered). Entries and exits alternate (each desk lets 3 travellers",
        "in, then records the first one's exit); half the entries are returning travellers",
        "with a stored file and one or two past stays, half are new (the file is created);",
        "one traveller in five is a visa holder (face only), the others give the face and",
        "four fingers (about 14 kB of JSON per request). Every request carries an",
        "Idempotency-Key.",
        "",
        f"Target: at least {TARGET['sqlite']:,} recorded crossings a second on SQLite and "
        f"{TARGET['postgresql']:,} on PostgreSQL, with p99 under {TARGET_P99_MS:.0f} ms. "
        "Only 201/200 answers count.",
        f"Each run: {plan.warmup:.0f} s warm-up, then {plan.duration:.0f} s measured; "
        f"{plan.repeats} run(s) of each configuration.",
        "After each run the server is killed with SIGKILL and the database is read back:",
        "every acknowledged entry and exit must be stored, no other, with one access-log",
        "row and one idempotency key per crossing, and no entry left open.",
        "",
        f"Servers: `limes serve` (one process) and `limes serve --workers 2`. The row "
        f"`{REFERENCE}` sends the same requests to an app that only parses and validates",
        "them (no service, no database): the ceiling uvicorn, FastAPI and pydantic leave.",
        "CPU cores used (over the measured window): `server` is the server's process tree,",
        "`db` the PostgreSQL server, `client` the load process, `other` everything else on",
        "the machine (other people's jobs: a measure of the noise). A rate marked ≥ is a",
        "lower bound (the load stopped early).",
        "",
    ]
    lines += _summary_table(results)
    lines += ["", "### Every run", ""]
    lines += _runs_table(results)
    lines += ["", "### Preparing the databases", ""]
    lines += [
        "Migrated with `limes.db.migrate.upgrade`, crossing points stored through the EES",
        "store, then bulk inserts into the real tables (SQLite: `executemany` on the raw",
        "connection, 10,000 files a batch, 250,000 a transaction; PostgreSQL: binary `COPY`,",
        "then `ANALYZE`). Every file has one or two closed stays in the last 180 days and",
        "its templates (2,048 bytes each): the face, plus four fingers for the visa-exempt.",
        f"The first {REAL_TEMPLATES:,} files, the returning travellers of the load, hold",
        "genuine synthetic templates of the person (1:1 verification matches); the others",
        "hold random unit vectors. Databases under 100,000 files are copied afresh for",
        "every run; the 1,000,000-file ones are used in place (they grow by the new",
        "travellers of each run, see `files at start`).",
        "",
    ]
    lines += _fill_table(results)
    lines += [""] + [f"- {note}" for note in results.notes]
    lines += ["", "### Where the time goes (py-spy, `limes serve`, 10,000 files)", ""]
    from bench import ees_profile

    for backend, profile in results.profiles.items():
        lines += ees_profile.report(backend, profile)
    return "\n".join(lines) + "\n"


def _groups(results: Results) -> dict[tuple[str, int, str], list[Run]]:
    groups: dict[tuple[str, int, str], list[Run]] = {}
    for run in results.runs:
        groups.setdefault((run.backend, run.size, run.server), []).append(run)
    return groups


def _summary_table(results: Results) -> list[str]:
    rows = [
        "| back-end | stored files | server | crossings/s | p50 ms | p95 ms | p99 ms "
        "| runs spread | target | verdict |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for (backend, size, server), runs in _groups(results).items():
        rate = statistics.mean(r.result["per_second"] for r in runs)
        p50 = statistics.mean(r.result["p50"] for r in runs)
        p95 = statistics.mean(r.result["p95"] for r in runs)
        p99 = statistics.mean(r.result["p99"] for r in runs)
        rates = [r.result["per_second"] for r in runs]
        spread = (max(rates) - min(rates)) / rate * 100 if rate else 0.0
        target = TARGET.get(backend, 0)
        met = rate >= target and p99 < TARGET_P99_MS and all(r.durability["ok"] for r in runs)
        verdict = "met" if met else "NOT met"
        goal = f"{target:,}/s, p99 < {TARGET_P99_MS:.0f} ms"
        if server == REFERENCE:
            goal, verdict = "reference: no service, no database", ""
        bound = "≥ " if any(r.result.get("stopped_early") for r in runs) else ""
        rows.append(
            f"| {backend} | {size:,} | {server} | {bound}{rate:,.0f} | {p50:.1f} | {p95:.1f} "
            f"| {p99:.1f} | {spread:.0f}% | {goal} | {verdict} |"
        )
    return rows


def _runs_table(results: Results) -> list[str]:
    rows = [
        "| back-end | files at start | server | # | crossings/s | entries | exits | p50 | p99 "
        "| max ms | answers | CPU cores used | durable |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for run in results.runs:
        r, d = run.result, run.durability
        statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(Counter(r["by_status"]).items()))
        if d.get("reference"):
            durable = "(stores nothing)"
        elif d["ok"]:
            durable = f"yes ({d['stored_entries']:,} entries, {d['stored_exits']:,} exits)"
        else:
            durable = f"NO: {d}"
        rows.append(
            f"| {run.backend} | {run.files_at_start:,} | {run.server} | {run.repeat} "
            f"| {r['per_second']:,.0f} | {r['entries']:,} | {r['exits']:,} | {r['p50']:.1f} "
            f"| {r['p99']:.1f} | {r['max']:.0f} | {statuses} | {_cores(r)} | {durable} |"
        )
    errors = {k: v for run in results.runs for k, v in run.result["errors"].items()}
    if errors:
        rows.append("")
        rows += [f"- status {k}: `{v[:200]}`" for k, v in sorted(errors.items())]
    return rows


def _fill_table(results: Results) -> list[str]:
    rows = [
        "| back-end | files | templates | entry/exit records | fill time | database size |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for f in results.fills:
        rows.append(
            f"| {f.backend} | {f.size:,} | {f.templates:,} | {f.records:,} "
            f"| {f.seconds:,.0f} s | {f.database_bytes / 1e9:.1f} GB |"
        )
    return rows
