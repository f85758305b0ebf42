"""`limes db`: create or migrate the database, and say which revision it is at.

The database is the one `LIMES_DATABASE_URL` names (default: the SQLite file
./var/limes.sqlite), or `--url`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, NoReturn

import typer

from limes.core.errors import DomainError

# SQLAlchemy and Alembic are imported inside the commands: `limes calc` loads this module.

db_app = typer.Typer(no_args_is_help=True, add_completion=False)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url", help="Database URL (default: LIMES_DATABASE_URL, else ./var/limes.sqlite)."
    ),
]


@db_app.command()
def upgrade(
    url: UrlOption = None,
    revision: Annotated[str, typer.Option(help="Revision to migrate to.")] = "head",
) -> None:
    """Create or migrate the database and print the revision it is at."""
    from limes.db.engine import default_database_url, redact
    from limes.db.migrate import upgrade as upgrade_database

    target = url or default_database_url()
    reached = _guarded(lambda: upgrade_database(target, revision))
    typer.echo(f"{redact(target)}: at revision {reached}")


@db_app.command()
def current(url: UrlOption = None) -> None:
    """Print the revision the database is at ("none" if it was never migrated)."""
    from limes.db.engine import default_database_url, redact
    from limes.db.migrate import current as current_revision

    target = url or default_database_url()
    revision = _guarded(lambda: current_revision(target))
    typer.echo(f"{redact(target)}: at revision {revision or 'none'}")


def _guarded(action: Callable[[], str | None]) -> str | None:
    from sqlalchemy.exc import ArgumentError

    from limes.db.unit_of_work import database_error

    try:
        return action()
    except (DomainError, ValueError, ArgumentError) as error:
        _fail(str(error))
    except Exception as error:
        translated = database_error(error)
        if translated is None:
            raise
        _fail(str(translated))


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code=2)
