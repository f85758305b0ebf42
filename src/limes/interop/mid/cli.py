"""`limes mid`: the multiple-identity detector's batch work (2019/817 Art 27 and 69)."""

from __future__ import annotations

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
from limes.core.errors import DomainError, InvalidRequest
from limes.interop.mid.detector import Detector, IdentityIndex, IndexedRecord
from limes.interop.mid.domain.models import LinkColour, RecordRef
from limes.matching.identity import FIELDS, IdentityRecord

mid_app = typer.Typer(no_args_is_help=True, add_completion=False)


@dataclass(slots=True)
class _Tally:
    """What a run did, for the summary on stderr."""

    lines: int = 0
    records: int = 0
    skipped: int = 0
    links: Counter[LinkColour] = field(default_factory=Counter)

    def summary(self, index: IdentityIndex, seconds: float) -> str:
        colours = ", ".join(
            f"{c.value} {self.links[c]}" for c in (LinkColour.WHITE, LinkColour.YELLOW)
        )
        return (
            f"mid detect: {self.lines} line(s) read, {self.records} record(s) processed, "
            f"{self.skipped} skipped; {sum(self.links.values())} link(s) ({colours}); "
            f"{index.skipped_keys} oversized blocking key(s) skipped; {seconds:.1f} s"
        )


def parse_record(line: bytes, seen: IdentityIndex) -> IndexedRecord:
    """One input line as a record (Art 27(3) identity data); InvalidRequest when unusable.

    Keys other than record_id, system and the identity fields (a template, the
    evaluation set's ground truth) are ignored.
    """
    payload = jsonio.parse_object(line)
    record_id, system = _required_text(payload, "record_id"), _required_text(payload, "system")
    if record_id in seen:
        raise InvalidRequest(f"record_id {record_id!r} was already read; the line is skipped")
    ref = RecordRef(system, record_id)  # UnknownSystem (an InvalidRequest) when not linked
    identity = IdentityRecord.from_json(
        {name: value for name, value in payload.items() if name in FIELDS}, field=record_id
    )
    return IndexedRecord(ref, identity)


def _required_text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} is missing: give a non-empty string")
    return value


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
) -> None:
    """Art 69 initial load: detect multiple identities among records of the linked systems.

    Each input line is a JSON object with record_id, system (ees, vis, etias, eurodac,
    sis, ecris_tcn) and the identity fields of `limes match` (surname, given_names,
    dob, sex, nationality, doc_number, doc_country, place_of_birth). An optional
    "template" is IGNORED for now: biometrics are not compared yet, so links are white
    only on the same identity and travel document (Art 33(1)(b)) and yellow otherwise
    (Art 30). Other keys are ignored too.

    Output: one link per line, {"a": record_id, "b": record_id, "colour": ...,
    "reasons": [...]}. A bad line is reported on stderr with its line number and
    skipped; a summary ends on stderr. Exit code 2 when no line held a valid record.
    """
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    detector = Detector()
    tally = _Tally()
    started = time.perf_counter()
    with ExitStack() as stack:
        source: IO[bytes] = (
            stack.enter_context(input_file.open("rb")) if input_file else sys.stdin.buffer
        )
        sink: IO[bytes] = stack.enter_context(output.open("wb")) if output else sys.stdout.buffer
        bar = _progress_bar(console) if progress or console.is_terminal else None
        task = None
        if bar is not None:
            stack.enter_context(bar)
            task = bar.add_task("detecting", total=None, links=0)
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            tally.lines += 1
            try:
                record = parse_record(line, detector.index)
            except DomainError as error:
                tally.skipped += 1
                console.print(f"line {number}: {jsonio.one_line(error)}", markup=False)
                continue
            links = detector.detect(record)
            tally.records += 1
            for link in links:
                tally.links[link.colour] += 1
                sink.write(orjson.dumps(link.to_json()) + b"\n")
            if bar is not None and task is not None:
                bar.update(task, advance=1, links=sum(tally.links.values()))
        sink.flush()
    console.print(tally.summary(detector.index, time.perf_counter() - started), markup=False)
    if tally.records == 0:
        raise typer.Exit(code=2)


def _progress_bar(console: Console) -> Progress:
    columns: list[Any] = [
        SpinnerColumn(),
        TextColumn("{task.completed} records processed"),
        TextColumn("{task.fields[links]} links found"),
        TimeElapsedColumn(),
    ]
    return Progress(*columns, console=console, transient=False)
