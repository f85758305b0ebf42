"""`limes mid`: the multiple-identity detector's batch work (2019/817 Art 27 and 69)."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from limes import jsonio
from limes.core.errors import DomainError
from limes.interop.mid.batch import BatchDetector, LineError
from limes.interop.mid.domain.models import LinkColour

mid_app = typer.Typer(no_args_is_help=True, add_completion=False)

# Records between two redraws of the progress bar: a million redraws would cost more
# than some of the detection.
_PROGRESS_EVERY = 500


@dataclass(slots=True)
class _Tally:
    """What a run did, for the summary on stderr."""

    lines: int = 0
    skipped: int = 0
    links: Counter[LinkColour] = field(default_factory=Counter)

    def summary(self, batch: BatchDetector, seconds: float) -> str:
        colours = ", ".join(
            f"{c.value} {self.links[c]}" for c in (LinkColour.WHITE, LinkColour.YELLOW)
        )
        return (
            f"mid detect: {self.lines} line(s) read, {batch.records} record(s) processed, "
            f"{self.skipped} skipped; {sum(self.links.values())} link(s) ({colours}); "
            f"{batch.comparisons} comparison(s); {batch.skipped_keys} oversized blocking "
            f"key(s) skipped; {seconds:.1f} s"
        )


def _default_workers() -> int:
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(cores) if cores else os.cpu_count() or 1


@mid_app.command()
def detect(
    input_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[INPUT]",
            help="JSON-lines file of records; standard input when left out.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the links here instead of standard output."),
    ] = None,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress",
            help="Show the progress bar on stderr even when it is not a terminal.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes that parse and judge; the usable cores when left out.",
        ),
    ] = None,
) -> None:
    """Art 69 initial load: detect multiple identities among records of the linked systems.

    Each input line is a JSON object with record_id, system (ees, vis, etias, eurodac,
    sis, ecris_tcn) and the identity fields of `limes match` (surname, given_names,
    dob, sex, nationality, doc_number, doc_country, place_of_birth). An optional
    "template" is the record's face: {"vector": base64 of 512 little-endian float32
    values, "quality": 0-100}, optionally with "modality": "face" and "synthetic":
    true. A face is searched 1:N in the sBMS galleries, so the same face under
    another name is a candidate, compared 1:1 with the other record's face, and then
    enrolled in the gallery of its system (Art 27(1)). ETIAS holds no biometrics: an
    etias record with a template is refused. Other keys are ignored.

    Output: one link per line, {"a": record_id, "b": record_id, "colour": ...,
    "reasons": [...]}, record by record in input order, the same links as detecting
    the records one at a time. A bad line (a bad or low-quality template too) is
    reported on stderr with its line number and skipped, as is a line over 1 MiB
    (docs/api.md, "Limits"); a summary ends on stderr.
    Exit code 2 when no line held a valid record.
    """
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    tally = _Tally()
    started = time.perf_counter()
    with ExitStack() as stack:
        source: IO[bytes] = (
            stack.enter_context(input_file.open("rb")) if input_file else sys.stdin.buffer
        )
        sink: IO[bytes] = stack.enter_context(output.open("wb")) if output else sys.stdout.buffer
        bar = _progress_bar(console) if progress or console.is_terminal else None
        batch = BatchDetector(workers=workers or _default_workers())
        if bar is not None:
            stack.enter_context(bar)
            reading = bar.add_task("reading", total=None, what="lines read", links=0)
            judging = bar.add_task("detecting", total=None, what="records processed", links=0)
            batch.on_read = lambda count: bar.update(reading, completed=count)
        for event in batch.run(jsonio.bounded_lines(source)):
            if isinstance(event, LineError):
                tally.skipped += 1
                console.print(f"line {event.line}: {event.message}", markup=False)
                continue
            for link in event.links:
                tally.links[link.colour] += 1
                sink.write(orjson.dumps(link.to_json()) + b"\n")
            if bar is not None and batch.records % _PROGRESS_EVERY == 0:
                bar.update(judging, completed=batch.records, links=sum(tally.links.values()))
        if bar is not None:
            bar.update(judging, completed=batch.records, links=sum(tally.links.values()))
        sink.flush()
    tally.lines = batch.records + tally.skipped
    console.print(tally.summary(batch, time.perf_counter() - started), markup=False)
    if batch.records == 0:
        raise typer.Exit(code=2)


def _progress_bar(console: Console) -> Progress:
    columns: list[Any] = [
        SpinnerColumn(),
        TextColumn("{task.completed} {task.fields[what]}"),
        TextColumn("{task.fields[links]} links found"),
        TimeElapsedColumn(),
    ]
    return Progress(*columns, console=console, transient=False)


@mid_app.command()
def run() -> None:
    """Art 27: detect multiple identities for every CIR change not yet processed, now.

    The worker process of `limes serve` (`limes worker`) does this continuously; this
    is for a database changed while none ran (after `limes db upgrade` over existing
    files, say).
    """
    from limes.bootstrap import build_services

    changes = records = erased = 0
    colours: Counter[LinkColour] = Counter()
    try:
        mid = build_services().mid
        while (report := mid.detect_changes()).changes:
            changes += report.changes
            records += report.records
            erased += report.erased
            colours.update(link.colour for link in report.links)
        pending = mid.count_pending()
    except DomainError as error:
        typer.echo(jsonio.one_line(error), err=True)
        raise typer.Exit(code=2) from None
    made = ", ".join(f"{c.value} {colours[c]}" for c in (LinkColour.WHITE, LinkColour.YELLOW))
    typer.echo(
        f"{changes} change(s) read: {records} record(s) compared, {erased} erased; "
        f"{sum(colours.values())} link(s) created ({made}); {pending} awaiting verification"
    )
