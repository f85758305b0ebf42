"""The `limes` command line: serve, demo, calc and mrz.

`calc` and `mrz` read JSON on stdin (JSON lines with `--batch`) and print JSON on
stdout; bad input is a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from limes import jsonio
from limes.core.clock import SystemClock
from limes.core.errors import DomainError
from limes.db.cli import db_app
from limes.ees.cli import ees_app

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

BatchOption = Annotated[
    bool, typer.Option("--batch", help="Read JSON lines; print one result line per input line.")
]


def _run(handler: jsonio.Handler, batch: bool) -> None:
    out = sys.stdout.buffer
    if batch:
        for line in jsonio.run_batch(handler, sys.stdin.buffer):
            out.write(line + b"\n")
        out.flush()
        return
    try:
        result = jsonio.run_single(handler, sys.stdin)
    except DomainError as error:
        typer.echo(jsonio.one_line(error), err=True)
        raise typer.Exit(code=2) from None
    out.write(result + b"\n")
    out.flush()


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
    """Parse and validate an ICAO 9303 machine-readable zone: {"mrz": "line1\\nline2"}."""
    from limes.core.documents import read_mrz_json

    today = SystemClock().today()
    _run(lambda payload: read_mrz_json(payload, today=today), batch)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API and the web pages."""
    import uvicorn

    from limes.bootstrap import build_app

    uvicorn.run(build_app(), host=host, port=port, log_level="info")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start limes with its demo pages and print where to open them."""
    import uvicorn

    from limes.bootstrap import build_app

    base = f"http://{host}:{port}"
    typer.echo("limes demo")
    typer.echo(f"  stay calculator:  {base}/")
    typer.echo(f"  API documentation: {base}/docs")
    typer.echo("  press Ctrl+C to stop")
    uvicorn.run(build_app(), host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point of the `limes` console script."""
    app()
