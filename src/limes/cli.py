"""The `limes` command line: serve, worker, demo, calc, mrz and match.

`calc`, `mrz` and `match` read JSON on stdin (JSON lines with `--batch`) and print
JSON on stdout; bad input is a one-line message on stderr and exit code 2, an
invalid MRZ exit code 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from limes import jsonio
from limes.core.clock import SystemClock
from limes.core.errors import DomainError
from limes.db.cli import db_app
from limes.ees.cli import ees_app
from limes.interop.cir.cli import cir_app
from limes.interop.mid.cli import mid_app

if TYPE_CHECKING:
    from limes.settings import Settings

app = typer.Typer(
    name="limes",
    help="limes: an open implementation of the EU's border information systems.",
    no_args_is_help=True,
    add_completion=False,
)

app.add_typer(db_app, name="db", help="Create or migrate the database (LIMES_DATABASE_URL).")
app.add_typer(
    ees_app, name="ees", help="The EES's scheduled work: overstays, retention, fall-back."
)
app.add_typer(
    mid_app, name="mid", help="The multiple-identity detector: initial-load detection (Art 69)."
)
app.add_typer(cir_app, name="cir", help="The common identity repository: the access log (Art 24).")

BatchOption = Annotated[
    bool, typer.Option("--batch", help="Read JSON lines; print one result line per input line.")
]


def _run(
    handler: jsonio.Handler,
    batch: bool,
    negative: Callable[[jsonio.JsonObject], bool] | None = None,
) -> None:
    """Answer stdin on stdout: exit 0 for an answer, 1 for a `negative` one, 2 on bad input.

    A document, or a line with `--batch`, is at most `DEFAULT_MAX_BODY_BYTES` (as a
    request body of the API); in batch mode every line is answered and the exit code
    is 0.
    """
    out = sys.stdout.buffer
    if batch:
        for line in jsonio.run_batch(handler, jsonio.bounded_lines(sys.stdin.buffer)):
            out.write(line + b"\n")
        out.flush()
        return
    try:
        result = jsonio.run_single(handler, sys.stdin.buffer)
    except DomainError as error:
        typer.echo(jsonio.one_line(error), err=True)
        raise typer.Exit(code=2) from None
    out.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    out.flush()
    if negative is not None and negative(result):
        raise typer.Exit(code=1)


@app.command()
def calc(batch: BatchOption = False) -> None:
    """Compute the 90/180-day short stay as the Commission's calculator does.

    Input: {"stays": [["YYYY-MM-DD", "YYYY-MM-DD"], ...], "on": "YYYY-MM-DD",
    "mode": "planning" | "check", "visa": {...}}.
    """
    from limes.shortstay.schemas import calculate_json

    _run(calculate_json, batch)


@app.command()
def mrz(batch: BatchOption = False) -> None:
    """Parse and validate an ICAO 9303 machine-readable zone: {"mrz": "line1\\nline2"}.

    Exit code 0 for a valid zone, 1 for an invalid one (the answer lists each wrong
    field), 2 for unusable input.
    """
    from limes.core.documents import read_mrz_json

    today = SystemClock().today()
    _run(
        lambda payload: read_mrz_json(payload, today=today),
        batch,
        negative=lambda answer: answer.get("valid") is False,
    )


@app.command()
def match(batch: BatchOption = False) -> None:
    """Compare two identities: {"a": identity, "b": identity} to same, similar or different.

    An identity has surname and given_names (any script), and optionally dob (YYYY,
    YYYY-MM or YYYY-MM-DD), sex (M, F, X), nationality, doc_number, doc_country
    (alpha-3) and place_of_birth. Prints every category's outcome and the reason.
    """
    from limes.matching.engine import match_json

    _run(match_json, batch)


WorkerOption = Annotated[
    bool,
    typer.Option(
        "--worker/--no-worker",
        help="Start and supervise the worker process (detection, scheduled jobs); "
        "--no-worker when `limes worker` runs apart.",
    ),
]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Web server processes (one per core).")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
    worker: WorkerOption = True,
) -> None:
    """Serve the HTTP API and the web pages, with one worker process beside them."""
    import uvicorn

    from limes.db.engine import default_database_url
    from limes.db.migrate import upgrade

    # Migrate once here, not in each process at the same time.
    upgrade(default_database_url())
    with _supervised_worker(worker):
        uvicorn.run(
            "limes.bootstrap:app_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=access_log,
        )


@app.command(name="worker")
def worker_process(
    parent_pid: Annotated[
        int | None,
        typer.Option(help="Stop when this process (the server that started it) is gone."),
    ] = None,
) -> None:
    """Run multiple-identity detection and the scheduled jobs until stopped (SIGTERM, Ctrl+C).

    `limes serve` and `limes demo` start one and supervise it; run it yourself beside
    `limes serve --no-worker`. Exactly one should run per database.
    """
    import logging

    from limes.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the migration check at start
    logging.getLogger("faiss").setLevel(logging.WARNING)  # which CPU build it tried to load
    run_worker(parent_pid=parent_pid)


@contextmanager
def _supervised_worker(enabled: bool) -> Iterator[None]:
    """The worker process, started, restarted when it dies and stopped at the end."""
    if not enabled:
        yield
        return
    from limes.settings import Settings
    from limes.supervisor import WorkerSupervisor, worker_command

    supervisor = WorkerSupervisor(
        worker_command(), restart_seconds=Settings().worker.restart_seconds
    )
    with supervisor:
        yield


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    travellers: Annotated[
        int,
        typer.Option(min=0, help="How many synthetic travellers to seed into an empty database."),
    ] = 200,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="Delete the demo database, the fall-back queue and the featured travellers "
            "under ./var first.",
        ),
    ] = False,
    worker: WorkerOption = True,
) -> None:
    """Seed synthetic travellers, start limes with its demo pages and print where to open them.

    The demo clock starts at the machine's time and can be moved forward
    (POST /api/v1/admin/clock as admin) to let days pass.
    """
    import uvicorn

    from limes.access.demo import DEMO_PASSWORD, demo_users
    from limes.bootstrap import build_app, build_services
    from limes.core.clock import OffsetClock
    from limes.settings import Settings
    from limes.sim.seed import DEFAULT_FEATURED_PATH, seed_demo

    settings = Settings()
    if reset:
        _reset_demo(settings, DEFAULT_FEATURED_PATH)
    services = build_services(settings, OffsetClock())
    report = seed_demo(services, travellers=travellers, featured_path=DEFAULT_FEATURED_PATH)
    base = f"http://{host}:{port}"
    typer.echo("limes demo")
    typer.echo(f"  {report.summary()}")
    typer.echo(f"  stay calculator:    {base}/")
    typer.echo(f"  border desk:        {base}/ees/desk")
    typer.echo(f"  sign in:            {base}/login")
    typer.echo(f"  API documentation:  {base}/docs")
    typer.echo(f"  demo users, all with the password {DEMO_PASSWORD}:")
    for user in demo_users():
        typer.echo(f"    {user.user_id:<12} {user.name} ({user.role.value})")
    featured = DEFAULT_FEATURED_PATH
    note = "" if featured.exists() else " (missing: start again with --reset to write it)"
    typer.echo(f"  featured travellers, with MRZs to paste at the desk: {featured}{note}")
    typer.echo("  let days pass: POST /api/v1/admin/clock as admin")
    typer.echo("  press Ctrl+C to stop")
    with _supervised_worker(worker):
        uvicorn.run(build_app(services=services), host=host, port=port, log_level="warning")


def _reset_demo(settings: Settings, featured: Path) -> None:
    """Delete the demo's SQLite file, fall-back queue and featured travellers under ./var."""
    from sqlalchemy.engine import make_url

    from limes.db.engine import default_database_url

    var = Path("var").resolve()
    paths = [Path(settings.ees.fallback_path), featured]
    url = make_url(default_database_url(settings))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        paths.append(Path(url.database))
    else:
        typer.echo("  --reset: the database is not an SQLite file; it is left as it is", err=True)
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_relative_to(var):
            typer.echo(f"  --reset: {path} is not under ./var; it is left as it is", err=True)
            continue
        for victim in (resolved, *(Path(f"{resolved}{s}") for s in ("-wal", "-shm", "-journal"))):
            victim.unlink(missing_ok=True)


def main() -> None:
    """Entry point of the `limes` console script."""
    app()
