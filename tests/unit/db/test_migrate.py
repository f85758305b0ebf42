"""Migrations: they build the schema `metadata` describes, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import orjson
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from typer.testing import CliRunner

from limes.cli import app
from limes.db.engine import make_engine
from limes.db.migrate import alembic_config, current, head, upgrade
from limes.db.tables import metadata
from limes.ees.adapters.sql_tables import access_log as ees_access_log
from limes.interop.mid.adapters.sql import identity_json
from limes.interop.mid.adapters.sql_tables import blocking_keys as mid_blocking_keys
from limes.interop.mid.adapters.sql_tables import records as mid_records
from limes.interop.mid.detector import CONJUNCTIVE
from limes.interop.mid.service import single_fact_keys
from limes.matching.identity import IdentityRecord

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CIR_TABLES = {"cir_identity_files", "cir_travel_documents", "cir_biometric_templates"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"empty_{request.param}_url")
    return url


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    sql_engine = make_engine(empty_url)
    try:
        yield sql_engine
    finally:
        sql_engine.dispose()


def test_upgrade_creates_the_tables_and_records_the_revision(engine: Engine) -> None:
    assert current(engine) is None
    assert upgrade(engine) == head()
    assert current(engine) == head()
    assert set(inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}


def test_the_first_revision_creates_the_cir(engine: Engine) -> None:
    assert upgrade(engine, "0001_cir") == "0001_cir"
    assert set(inspect(engine).get_table_names()) == {*CIR_TABLES, "alembic_version"}
    assert upgrade(engine) == head()


def test_upgrade_is_idempotent(empty_url: str) -> None:
    assert upgrade(empty_url) == head()
    assert upgrade(empty_url) == head()
    assert current(empty_url) == head()


def test_the_migrated_schema_is_the_one_metadata_describes(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_the_migrated_schema_has_the_lookup_and_cascade_constraints(engine: Engine) -> None:
    upgrade(engine)
    inspector = inspect(engine)
    unique = inspector.get_unique_constraints("cir_travel_documents")
    assert [c["column_names"] for c in unique] == [["system", "number", "issuing_state"]]
    for table in ("cir_travel_documents", "cir_biometric_templates"):
        (foreign_key,) = inspector.get_foreign_keys(table)
        assert foreign_key["referred_table"] == "cir_identity_files"
        assert foreign_key["options"].get("ondelete") == "CASCADE"


def test_every_table_is_prefixed_with_its_system_and_names_fit_postgres() -> None:
    systems = ("cir_", "ees_", "vis_", "etias_", "sis_", "eurodac_", "ecris_", "mid_", "crrs_")
    for table in metadata.tables.values():
        assert table.name.startswith(systems), table.name
        names = [c.name for c in table.constraints] + [i.name for i in table.indexes]
        for name in names:
            assert isinstance(name, str)
            assert len(name) <= 63, name


def test_the_cli_migrates_the_configured_database(
    empty_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIMES_DATABASE_URL", empty_sqlite_url)
    runner = CliRunner()
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 0
    assert before.output.strip().endswith("at revision none")
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0
    assert upgraded.output.strip() == f"{empty_sqlite_url}: at revision {head()}"
    assert runner.invoke(app, ["db", "current"]).output.strip().endswith(f"at revision {head()}")


def test_the_cli_reports_an_unreachable_database_in_one_line() -> None:
    url = "postgresql+psycopg://limes:secret@127.0.0.1:1/limes"
    result = CliRunner().invoke(app, ["db", "upgrade", "--url", url])
    assert result.exit_code == 2
    assert "the database cannot be reached" in result.output
    assert "secret" not in result.output


def test_0006_rekeys_the_mid_records_with_the_conjunctive_keys(engine: Engine) -> None:
    upgrade(engine, "0005_mid")
    identity = IdentityRecord.from_json(
        {"surname": "Kovalenko", "given_names": "Olena", "dob": "1990-03-04", "doc_number": "FB1"}
    )
    held = {"record_id": "C1", "system": "ees", "has_biometrics": False, "updated_at": NOW}
    with engine.begin() as connection:
        connection.execute(
            mid_records.insert(),
            [{**held, "identity": orjson.dumps(identity_json(identity)).decode()}],
        )
        connection.execute(
            mid_blocking_keys.insert(),
            [{"key": key, "record_id": "C1"} for key in single_fact_keys(identity)],
        )
    upgrade(engine)
    with engine.connect() as connection:
        keys = set(connection.execute(select(mid_blocking_keys.c.key)).scalars())
    assert keys == CONJUNCTIVE.keys(identity)
    assert "ny:kovalenko olena|1990" in keys
    assert "sn:kovalenko" not in keys
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005_mid")
    with engine.connect() as connection:
        keys = set(connection.execute(select(mid_blocking_keys.c.key)).scalars())
    assert keys == single_fact_keys(identity)


def test_0014_names_the_file_of_every_line_already_logged(engine: Engine) -> None:
    """EES Art 46(4): lines logged before 0014 get their file, or the day they go."""
    upgrade(engine, "0011_ees_retention_indexes")
    file_id = "F0123456789abcdef0123"
    line = {
        "user_id": "guard",
        "role": "border_guard",
        "authority": "FRA-PAF",
        "purpose": "border_check",
        "crossing_point": "FRA-CDG",
        "query": "{}",
    }
    with engine.begin() as connection:
        connection.execute(
            sa.insert(
                sa.table(
                    "ees_access_log",
                    *(sa.column(k) for k in (*line, "at", "operation", "result_references")),
                )
            ),
            [
                {
                    **line,
                    "at": NOW,
                    "operation": "record_entry",
                    "result_references": f"{file_id} E1",
                },
                {**line, "at": NOW, "operation": "list_overstayers", "result_references": "E1 E2"},
            ],
        )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                ees_access_log.c.operation, ees_access_log.c.subject, ees_access_log.c.erase_on
            ).order_by(ees_access_log.c.log_id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("record_entry", file_id, None),
        ("list_overstayers", None, date(2032, 12, 7)),
    ]
