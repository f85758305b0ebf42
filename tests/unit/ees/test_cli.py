"""`limes ees logs`: the erasure of logs (EES Art 46(4)) run by hand or from cron."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from limes.cli import app


def test_art46_limes_ees_logs_erases_what_is_due_and_says_how_many(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LIMES_DATABASE_URL", f"sqlite:///{tmp_path / 'limes.sqlite'}")
    monkeypatch.setenv("LIMES_EES__FALLBACK_PATH", str(tmp_path / "fallback.sqlite"))
    result = CliRunner().invoke(app, ["ees", "logs"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 log(s) erased"
