"""`limes cir`: the CIR access log, for data-protection monitoring (2019/817 Art 24)."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from limes import jsonio
from limes.core.errors import DomainError
from limes.interop.cir.logs import MAX_READ, CirOperation

cir_app = typer.Typer(no_args_is_help=True, add_completion=False)


@cir_app.command("access-log")
def access_log(
    authority: Annotated[
        str | None, typer.Option(help="Only the queries of this authority (e.g. FRA-DGPN).")
    ] = None,
    operation: Annotated[
        CirOperation | None, typer.Option(help="Only this operation.", case_sensitive=False)
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_READ, help="At most this many entries.")
    ] = 100,
) -> None:
    """Art 24: print the logged police identifications and hit flags, newest first, as JSON lines.

    Each line names when, the operation, the authority and official, the purpose, the
    ground, the kinds of data searched with, the outcome and the CIR files that
    answered; never the data queried.
    """
    from limes.bootstrap import build_services

    try:
        entries = build_services().cir.access_log(
            authority=authority, operation=operation, limit=limit
        )
    except DomainError as error:
        typer.echo(jsonio.one_line(error), err=True)
        raise typer.Exit(code=2) from None
    for entry in entries:
        line = {
            "at": entry.at.isoformat(),
            "operation": entry.operation,
            "authority": entry.authority,
            "user_id": entry.user_id,
            "purpose": entry.purpose,
            "ground": entry.ground,
            "query_fields": list(entry.query_fields),
            "outcome": entry.outcome,
            "result_references": list(entry.result_references),
        }
        typer.echo(orjson.dumps(line).decode())
