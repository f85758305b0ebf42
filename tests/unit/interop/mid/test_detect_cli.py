"""`limes mid detect` (2019/817 Art 69) run as a user would, on a SYNTHETIC evaluation set."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path

import pytest

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import Modality
from limes.sim.identities import EvaluationSet, evaluation_set
from tests.conftest import run_limes


@pytest.fixture(scope="module")
def people() -> EvaluationSet:
    return evaluation_set(people=60, seed=1)


def test_detects_white_and_yellow_links(people: EvaluationSet) -> None:
    result = run_limes("mid", "detect", stdin=people.to_jsonl())
    assert result.returncode == 0, result.stderr
    links = [json.loads(line) for line in result.stdout.splitlines()]
    known = {r.record_id for r in people.records}
    assert links
    assert all(link["a"] in known and link["b"] in known for link in links)
    assert all(link["a"] < link["b"] for link in links)
    assert all(link["reasons"] for link in links)
    colours = Counter(link["colour"] for link in links)
    assert colours["white"] >= 1
    assert colours["yellow"] >= 1
    assert set(colours) <= {"white", "yellow"}
    # Most links join records of one person: the detector is not linking at random.
    truth = people.true_pairs()
    assert sum((link["a"], link["b"]) in truth for link in links) > 0.8 * len(links)
    summary = result.stderr.strip().splitlines()[-1]
    assert f"{len(people.records)} record(s) processed, 0 skipped" in summary
    assert f"white {colours['white']}, yellow {colours['yellow']}" in summary


def test_bad_lines_are_reported_and_skipped(people: EvaluationSet) -> None:
    good = people.to_jsonl().splitlines()
    first = json.loads(good[0])
    lines = [
        good[0],
        "{not json",
        json.dumps({"system": "ees", "surname": "Smith"}),
        json.dumps({**first, "record_id": "x-1", "system": "schengen"}),
        json.dumps({**first, "record_id": "x-2", "dob": "1980-13-45"}),
        good[0],  # a duplicate record_id
        *good[1:],
    ]
    result = run_limes("mid", "detect", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert "record_id is missing" in errors[1]
    assert "schengen" in errors[2]
    assert "x-2.dob" in errors[3]
    assert "already read" in errors[4]
    assert f"{len(good)} record(s) processed, 5 skipped" in result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()]


def test_lines_and_fields_over_their_limits_are_skipped_with_a_short_message(
    people: EvaluationSet,
) -> None:
    good = people.to_jsonl().splitlines()
    first = json.loads(good[0])
    lines = [
        json.dumps({**first, "record_id": "x-1", "surname": "S" * 2_000_000}),  # over 1 MiB
        json.dumps({**first, "record_id": "x-2", "surname": "S" * 500}),
        json.dumps({**first, "record_id": "r" * 500}),
        json.dumps({**first, "record_id": "x-3", "system": "s" * 100_000}),
        *good,
    ]
    result = run_limes("mid", "detect", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr[:2_000]
    errors = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [e.split(":")[0] for e in errors] == ["line 1", "line 2", "line 3", "line 4"]
    assert "over the limit of 1,048,576 bytes" in errors[0]
    assert "x-2.surname: at most 200 characters" in errors[1]
    assert "record_id: at most 128 characters" in errors[2]
    assert all(len(e) < 1_000 for e in errors)
    assert f"{len(good)} record(s) processed, 4 skipped" in result.stderr


def test_no_valid_record_exits_2() -> None:
    result = run_limes("mid", "detect", stdin="[]\n{}\n")
    assert result.returncode == 2
    assert "0 record(s) processed, 2 skipped" in result.stderr


def _face(person: str, quality: int = 80) -> dict[str, object]:
    template = SyntheticBiometrics(seed=3).capture(person, Modality.FACE, quality=quality)
    return {"vector": base64.b64encode(template.vector).decode(), "quality": quality}


def test_output_file_and_faces(tmp_path: Path) -> None:
    out = f"{tmp_path}/links.jsonl"
    base = {"surname": "Smith", "given_names": "John", "dob": "1980-04-12"}
    document = {"doc_number": "P1234567", "doc_country": "GBR"}
    records = [
        {"record_id": "e1", "system": "ees", **base, **document, "template": _face("p1")},
        {"record_id": "v1", "system": "vis", **base, **document},
        # The same face under another name and document: the fraud case (Art 27(1)).
        {
            "record_id": "s1",
            "system": "sis",
            "surname": "Okafor",
            "given_names": "Chidi",
            "dob": "1975-01-02",
            "template": _face("p1"),
        },
        {"record_id": "t1", "system": "etias", **base, "template": _face("p1")},
        {"record_id": "e2", "system": "ees", **base, "template": _face("p2", quality=20)},
        {"record_id": "e3", "system": "ees", **base, "template": {"vector": "AAAA", "quality": 80}},
    ]
    stdin = "\n".join(json.dumps(r) for r in records)
    result = run_limes("mid", "detect", "--output", out, "--progress", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    with open(out, encoding="utf-8") as written:
        links = [json.loads(line) for line in written]
    assert [(link["a"], link["b"], link["colour"]) for link in links] == [
        ("e1", "v1", "white"),
        ("e1", "s1", "yellow"),
    ]
    assert any(r.startswith("biometrics: same") for r in links[1]["reasons"])
    errors = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [e.split(":")[0] for e in errors] == ["line 4", "line 5", "line 6"]
    assert "ETIAS holds no biometric data" in errors[0]
    assert "below the enrolment minimum" in errors[1]
    assert "expected 2048 bytes" in errors[2]
    assert "3 record(s) processed, 3 skipped" in result.stderr


def test_one_worker_and_two_give_the_same_output(people: EvaluationSet) -> None:
    one = run_limes("mid", "detect", "--workers", "1", stdin=people.to_jsonl())
    two = run_limes("mid", "detect", "--workers", "2", stdin=people.to_jsonl())
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert one.stdout


def test_mid_run_detects_the_changes_not_yet_processed(
    sqlite_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from limes.db.engine import make_engine
    from limes.db.unit_of_work import SqlUnitOfWork
    from limes.interop.cir.adapters.sql import SqlIdentityRepository
    from limes.interop.cir.models import SourceSystem
    from tests.unit.interop.mid.test_service import identity_file

    engine = make_engine(sqlite_database_url)
    with SqlUnitOfWork(engine) as uow:
        repository = SqlIdentityRepository(uow.connection)
        # A VIS file, then an EES file: a link joins data of two systems (Art 27-28).
        repository.add(identity_file("C1", "KOVALENKO", system=SourceSystem.VIS), ())
        repository.add(identity_file("C2", "KOVALENKA", document="FB7654321"), ())
    engine.dispose()
    monkeypatch.setenv("LIMES_DATABASE_URL", sqlite_database_url)
    monkeypatch.setenv("LIMES_EES__FALLBACK_PATH", str(tmp_path / "fallback.sqlite"))
    first = run_limes("mid", "run", stdin="")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "2 change(s) read: 2 record(s) compared, 0 erased; 1 link(s) created "
        "(white 0, yellow 1); 1 awaiting verification"
    )
    again = run_limes("mid", "run", stdin="")
    assert again.stdout.startswith("0 change(s) read")


def test_mid_run_reports_an_unreachable_database_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIMES_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    monkeypatch.setenv("LIMES_EES__FALLBACK_PATH", str(tmp_path / "fallback.sqlite"))
    result = run_limes("mid", "run", stdin="")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
