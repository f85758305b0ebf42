"""`limes ees`: the EES's scheduled work, run by hand or from cron."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from limes.core.errors import DomainError

ees_app = typer.Typer(no_args_is_help=True, add_completion=False)


@ees_app.command()
def retention(
    as_json: Annotated[bool, typer.Option("--json", help="Print the steps as JSON.")] = False,
) -> None:
    """EES Art 34: erase records, files and CIR data that reached their retention date."""
    from limes.bootstrap import build_services
    from limes.ees.domain.rules import RetentionAction

    try:
        report = build_services().ees_operations.run_retention()
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    if as_json:
        steps = [
            {
                "action": s.action.value,
                "reference": s.reference,
                "due": s.due.isoformat(),
                "article": s.article,
            }
            for s in report.steps
        ]
        typer.echo(json.dumps({"ran_on": report.ran_on.isoformat(), "steps": steps}))
        return
    typer.echo(
        f"retention on {report.ran_on}: "
        f"{report.count(RetentionAction.ERASE_RECORD)} record(s) erased, "
        f"{report.count(RetentionAction.ERASE_FILE)} file(s) erased, "
        f"{report.count(RetentionAction.NOTIFY_OVERSTAYER_ERASURE)} erasure notice(s)"
    )


@ees_app.command()
def overstays() -> None:
    """EES Art 12(1): flag every open entry whose authorised stay has ended."""
    from limes.bootstrap import build_services

    try:
        flagged = build_services().ees_operations.flag_overstays()
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"{len(flagged)} overstay(s) flagged")


@ees_app.command()
def replay() -> None:
    """EES Art 21: upload the crossings kept in the local fall-back queue."""
    from limes.bootstrap import build_services

    report = build_services().ees_fallback.replay()
    typer.echo(
        f"{len(report.uploaded)} uploaded, {len(report.failed)} refused, {report.remaining} waiting"
    )


@ees_app.command()
def logs() -> None:
    """EES Art 46(4): erase the logs one year after the data they concern."""
    from limes.bootstrap import build_services

    try:
        erased = build_services().ees_operations.erase_logs()
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"{erased} log(s) erased")
