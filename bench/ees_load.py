"""The load of the EES benchmark: 32 signed-in clients recording crossings over HTTP.

Run as its own process (`python -m bench.ees_load CONFIG.json RESULT.json`) so that it
does not share an interpreter with the server. One asyncio loop drives every client
over plain keep-alive HTTP/1.1 connections to loopback; requests are prepared bytes
and responses are parsed no further than the status line, the Content-Length and
the record id, so a request costs the client a few tens of microseconds.

Each client is a border desk: it signs in as `guard`, then records the entry of
the next traveller (a returning one with a stored file, or a new one), and once it
has `inside` travellers in the territory it records the exit of the one who came
first, so that entries and exits alternate as at a real border. After the measured
window it records the exits of the travellers still inside (drain), so a run
leaves no open entry behind. Every request carries an Idempotency-Key.

Only requests started inside the measured window count for throughput and latency;
every acknowledged crossing (warm-up and drain included) is reported with its
record id for the durability check.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench import ees_fill, ees_people
from limes.access.demo import DEMO_PASSWORD

_TIMEOUT = 30.0


@dataclass
class Config:
    """What the orchestrator asks for (a JSON file)."""

    port: int
    run: int
    clients: int = 32
    warmup: float = 2.0
    duration: float = 10.0
    max_requests: int = 40_000
    returning: float = 0.5  # share of entries by travellers with a stored file
    stored_pool: int = 10_000  # stored travellers 0..pool-1 have genuine templates
    pool_offset: int = 0
    inside: int = 3  # travellers a desk lets in before it records the oldest one's exit
    # Roots of process trees whose CPU is reported: {"server": [pid], "database": [pid]}.
    watch_pids: dict[str, list[int]] = field(default_factory=dict)
    started_marker: str = ""  # a file created when the load starts (for the profiler)
    recycle: bool = False  # send the travellers again when they run out (reference runs only)


@dataclass
class Visit:
    """A traveller's entry and exit request bodies."""

    body: bytes
    returning: bool


@dataclass
class Sample:
    op: str
    started: float
    latency: float
    status: int


@dataclass
class Desk:
    """One client's state and findings."""

    number: int
    visits: list[Visit]
    samples: list[Sample] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)  # acknowledged record ids
    exits: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # one body per status
    replayed: int = 0
    queued: int = 0
    exhausted: bool = False  # ran out of travellers before the end of the window
    stopped: float = 0.0  # when the desk stopped sending (the window's end, or earlier)


def _visit_body(person: ees_people.Person, captures: ees_people.Captures, code: str) -> bytes:
    body: dict[str, Any] = {
        "mrz": person.mrz(),
        "crossing_point": code,
        "capture": {
            "templates": [
                {
                    "modality": t.modality.value,
                    "vector": base64.b64encode(t.vector).decode(),
                    "quality": t.quality,
                    "synthetic": True,
                }
                for t in captures.of(person)
            ]
        },
    }
    if person.visa_holder:
        valid_from, valid_until = ees_people.visa_window(datetime.now(UTC).date())
        body["visa"] = {
            "sticker_number": f"V{person.number}",
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "duration_days": 90,
            "entries": "multiple",
        }
    return orjson.dumps(body)


def plan(config: Config) -> list[Desk]:
    """Every desk's travellers, their captures precomputed (before the clock starts)."""
    captures = ees_people.Captures()
    per_desk = config.max_requests // (2 * config.clients) + config.inside + 1
    if config.recycle:
        per_desk = min(per_desk, 64)  # sent again and again: nothing is stored
    # Travellers are dealt to the desks in turn, so a stored traveller comes back (when
    # a long run wraps around the pool) only long after having left.
    assert config.stored_pool >= 4 * config.clients * (config.inside + 1), "pool too small"
    desks = [Desk(d, []) for d in range(config.clients)]
    returning_seen = 0
    for n in range(per_desk * config.clients):
        # Spread the returning travellers evenly among the new ones.
        returning = int((n + 1) * config.returning) > int(n * config.returning)
        if returning:
            i = (config.pool_offset + returning_seen) % config.stored_pool
            returning_seen += 1
            person = ees_people.stored(i)
        else:
            person = ees_people.new(config.run, n)
        code = ees_fill.CODES[n % len(ees_fill.CODES)]
        desks[n % config.clients].visits.append(
            Visit(_visit_body(person, captures, code), returning)
        )
    return desks


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None
        assert self.writer is not None
        self.writer.write(head + body)
        headers = await self.reader.readuntil(b"\r\n\r\n")
        status = int(headers[9:12])
        length = 0
        for line in headers.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        data = await self.reader.readexactly(length) if length else b""
        return status, data


def _head(path: str, token: str, key: str | None, length: int) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {length}",
    ]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if key:
        lines.append(f"Idempotency-Key: {key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _record_id(data: bytes) -> str:
    start = data.find(b'"record_id":"') + 13
    return data[start : data.index(b'"', start)].decode()


async def _sign_in(connection: Connection) -> str:
    body = orjson.dumps({"user": "guard", "password": DEMO_PASSWORD})
    status, data = await connection.request(
        _head("/api/v1/auth/sessions", "", None, len(body)), body
    )
    if status != 200:
        raise RuntimeError(f"sign-in failed: {status} {data[:200]!r}")
    token: str = orjson.loads(data)["token"]
    return token


async def _desk(desk: Desk, config: Config, start: asyncio.Event, clock: dict[str, float]) -> None:
    connection = Connection(config.port)
    token = await _sign_in(connection)
    await start.wait()
    inside: deque[Visit] = deque()
    upcoming = itertools.cycle(desk.visits) if config.recycle else iter(desk.visits)
    seq = 0

    async def send(op: str, visit: Visit) -> int:
        nonlocal seq
        seq += 1
        path = "/api/v1/ees/entries" if op == "entry" else "/api/v1/ees/exits"
        key = f"bench-{config.run}-{desk.number}-{seq}"
        head = _head(path, token, key, len(visit.body))
        started = time.perf_counter()
        try:
            status, data = await asyncio.wait_for(connection.request(head, visit.body), _TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
            connection.close()
            status, data = 0, repr(error).encode()
        latency = time.perf_counter() - started
        desk.samples.append(Sample(op, started, latency, status))
        if status in (200, 201):
            if status == 200:
                desk.replayed += 1
            (desk.entries if op == "entry" else desk.exits).append(_record_id(data))
        elif status == 202:
            desk.queued += 1
        else:
            desk.errors.setdefault(str(status), data[:300].decode(errors="replace"))
        return status

    while time.perf_counter() < clock["stop"] and len(desk.samples) < clock["cap"]:
        if len(inside) >= config.inside:
            visit = inside.popleft()
            await send("exit", visit)
            continue
        visit = next(upcoming, None)
        if visit is None:
            if not inside:
                desk.exhausted = True
                break
            await send("exit", inside.popleft())
            continue
        if await send("entry", visit) in (200, 201):
            inside.append(visit)
    desk.stopped = time.perf_counter()
    # Drain: every traveller let in leaves again, so the next run starts clean.
    while inside:
        await send("drain", inside.popleft())
    connection.close()


@dataclass
class Processes:
    """A snapshot of every process: its name, parent and CPU seconds (user + system)."""

    names: dict[int, str]
    children: dict[int, list[int]]
    cpu: dict[int, float]

    @classmethod
    def now(cls) -> Processes:
        names: dict[int, str] = {}
        children: dict[int, list[int]] = {}
        cpu: dict[int, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            pid = int(entry.name)
            names[pid] = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            children.setdefault(int(fields[1]), []).append(pid)
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
        return cls(names, children, cpu)

    def tree(self, roots: list[int]) -> set[int]:
        found, todo = set(), list(roots)
        while todo:
            pid = todo.pop()
            if pid not in found:
                found.add(pid)
                todo.extend(self.children.get(pid, []))
        return found


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def _run(config: Config, desks: list[Desk]) -> dict[str, Any]:
    start = asyncio.Event()
    clock = {"stop": float("inf"), "cap": float("inf")}
    tasks = [asyncio.create_task(_desk(d, config, start, clock)) for d in desks]
    await asyncio.sleep(0.5)  # let every desk sign in
    begun = time.perf_counter()
    window = (begun + config.warmup, begun + config.warmup + config.duration)
    clock["stop"] = window[1]
    clock["cap"] = config.max_requests / config.clients
    start.set()
    if config.started_marker:
        Path(config.started_marker).touch()
    await asyncio.sleep(config.warmup)
    cpu_at_start = _cpu_now()
    await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
    cpu_at_end = _cpu_now()
    await asyncio.gather(*tasks)
    elapsed = window[1] - window[0]
    samples = [s for d in desks for s in d.samples if window[0] <= s.started < window[1]]
    return _summary(config, desks, samples, elapsed, cpu_at_start, cpu_at_end, window[1])


def _cpu_now() -> tuple[Processes, float]:
    return Processes.now(), _machine_busy()


def _cores(
    config: Config, start: tuple[Processes, float], end: tuple[Processes, float], elapsed: float
) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Cores used in the window by the server, the database, this client, and the rest."""
    (before, busy_before), (after, busy_after) = start, end
    trees = {name: after.tree(pids) for name, pids in config.watch_pids.items()}
    trees["client"] = {os.getpid()}
    mine = set().union(*trees.values())

    def used(pids: set[int]) -> float:
        return sum(after.cpu[p] - before.cpu.get(p, 0.0) for p in pids if p in after.cpu)

    cores = {name: used(pids) / elapsed for name, pids in trees.items()}
    cores["machine"] = (busy_after - busy_before) / elapsed
    others: Counter[str] = Counter()
    for pid in set(after.cpu) - mine:
        others[after.names[pid]] += (after.cpu[pid] - before.cpu.get(pid, 0.0)) / elapsed
    return cores, [(name, c) for name, c in others.most_common(4) if c >= 0.02]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(
    config: Config,
    desks: list[Desk],
    samples: list[Sample],
    elapsed: float,
    cpu_at_start: tuple[Processes, float],
    cpu_at_end: tuple[Processes, float],
    clock_end: float,
) -> dict[str, Any]:
    ok = [s for s in samples if s.status in (200, 201)]
    latencies = [s.latency * 1000 for s in ok]
    by_status = Counter(str(s.status) for s in samples)
    cores, others = _cores(config, cpu_at_start, cpu_at_end, elapsed)
    every = [s for d in desks for s in d.samples]
    return {
        "elapsed": elapsed,
        "requests": len(samples),
        "recorded": len(ok),
        "per_second": len(ok) / elapsed,
        "entries": sum(1 for s in ok if s.op == "entry"),
        "exits": sum(1 for s in ok if s.op == "exit"),
        "p50": _percentile(latencies, 0.50),
        "p95": _percentile(latencies, 0.95),
        "p99": _percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "by_status": dict(by_status),
        "errors": {k: v for d in desks for k, v in d.errors.items()},
        "cores": cores,
        "busiest_other_processes": others,
        "exhausted": sum(d.exhausted for d in desks),
        # Desks that stopped before the end of the window (request budget or travellers
        # used up): the rate is then a lower bound.
        "stopped_early": sum(d.stopped < clock_end for d in desks),
        "all_requests": len(every),
        "acknowledged_entries": [r for d in desks for r in d.entries],
        "acknowledged_exits": [r for d in desks for r in d.exits],
        "replayed": sum(d.replayed for d in desks),
        "queued": sum(d.queued for d in desks),
        "returning_share": config.returning,
    }


def main() -> None:
    """`python -m bench.ees_load CONFIG.json RESULT.json`."""
    config = Config(**json.loads(Path(sys.argv[1]).read_text()))
    prepared = time.perf_counter()
    desks = plan(config)
    prepare_seconds = time.perf_counter() - prepared
    result = asyncio.run(_run(config, desks))
    result["prepare_seconds"] = prepare_seconds
    Path(sys.argv[2]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
