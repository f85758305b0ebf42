"""`limes cir access-log`: the CIR access log on the command line (2019/817 Art 24)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from limes.cli import app
from limes.db.engine import make_engine
from limes.interop.cir.adapters.sql_access import SqlAccessLog
from limes.interop.cir.logs import AccessLogEntry
from tests.unit.interop.cir.conftest import NOW


def entry(minutes: int, authority: str, operation: str, outcome: str) -> AccessLogEntry:
    return AccessLogEntry(
        at=NOW + timedelta(minutes=minutes),
        operation=operation,
        authority=authority,
        purpose="case 2026/5",
        ground="no_document" if operation == "police_identification" else None,
        query_fields=("biometric:face",),
        outcome=outcome,
        result_references=("cir-1",) if outcome in ("identified", "flagged") else (),
        user_id="officer-1",
    )


@pytest.fixture
def database(
    sqlite_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SqlAccessLog]:
    monkeypatch.setenv("LIMES_DATABASE_URL", sqlite_database_url)
    monkeypatch.setenv("LIMES_EES__FALLBACK_PATH", str(tmp_path / "fallback.sqlite"))
    engine = make_engine(sqlite_database_url)
    try:
        yield SqlAccessLog(engine)
    finally:
        engine.dispose()


def test_the_access_log_prints_json_lines_newest_first(database: SqlAccessLog) -> None:
    database.log(entry(0, "FRA-DGPN", "police_identification", "identified"))
    database.log(entry(1, "FRA-DGSI", "hit_flag", "flagged"))
    database.log(entry(2, "FRA-DGPN", "police_identification", "cir-no-legal-ground"))
    result = CliRunner().invoke(app, ["cir", "access-log", "--authority", "FRA-DGPN"])
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in result.output.splitlines()]
    assert [line["outcome"] for line in lines] == ["cir-no-legal-ground", "identified"]
    assert lines[1] == {
        "at": NOW.isoformat(),
        "operation": "police_identification",
        "authority": "FRA-DGPN",
        "user_id": "officer-1",
        "purpose": "case 2026/5",
        "ground": "no_document",
        "query_fields": ["biometric:face"],
        "outcome": "identified",
        "result_references": ["cir-1"],
    }
    flags = CliRunner().invoke(app, ["cir", "access-log", "--operation", "hit_flag"])
    assert [orjson.loads(line)["authority"] for line in flags.output.splitlines()] == ["FRA-DGSI"]
    one = CliRunner().invoke(app, ["cir", "access-log", "--limit", "1"])
    assert len(one.output.splitlines()) == 1


def test_a_bad_option_exits_with_code_2(database: SqlAccessLog) -> None:
    assert CliRunner().invoke(app, ["cir", "access-log", "--limit", "0"]).exit_code == 2
    assert CliRunner().invoke(app, ["cir", "access-log", "--operation", "erase"]).exit_code == 2


def test_an_unreachable_database_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIMES_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    monkeypatch.setenv("LIMES_EES__FALLBACK_PATH", str(tmp_path / "fallback.sqlite"))
    result = CliRunner().invoke(app, ["cir", "access-log"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1
