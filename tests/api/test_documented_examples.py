"""Every curl example of README.md and docs/api.md runs as written against a live server.

The `sh` blocks that call curl are run in order, one bash session per file (so a
`TOKEN=$(curl ...)` serves the examples after it), against the real application served
by uvicorn on a free loopback port, with the demo's crossing points. Each HTTP call must
answer 2xx, as the examples document it, and what they show of the answers must hold.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from limes.bootstrap import build_app
from limes.sim.seed import CROSSING_POINTS
from tests.conftest import settings_in
from tests.e2e.conftest import serve

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = "http://127.0.0.1:8000"
# Every call goes through this function: it prints the body as curl would and logs the
# status and the arguments, one JSON line per call.
CURL_WRAPPER = r"""
curl() {
  local body status
  body=$(mktemp)
  status=$(command curl -o "$body" -w '%{http_code}' "$@")
  cat "$body"
  python3 -c 'import json,sys; print(json.dumps({"status": int(sys.argv[1]), "body": open(sys.argv[2]).read(), "args": sys.argv[3:]}))' \
    "$status" "$body" "$@" >> "$CALLS"
  rm -f "$body"
}
set -euo pipefail
"""


def curl_blocks(path: Path) -> list[str]:
    """The ```sh blocks of a Markdown file that call curl, in order."""
    text = path.read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [b for b in blocks if re.search(r"^\s*(\S+=\$\()?curl ", b, flags=re.M)]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    """The application with the demo's crossing points, as `limes demo` serves it."""
    app = build_app(settings_in(tmp_path))
    client = TestClient(app)  # no lifespan: the server below runs without it too
    token = client.post(
        "/api/v1/auth/sessions", json={"user": "admin", "password": "limes-demo"}
    ).json()["token"]
    for cp in CROSSING_POINTS:
        client.put(
            f"/api/v1/ees/crossing-points/{cp.code}",
            json={"name": cp.name, "country": cp.country, "border_type": cp.border_type},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
    with serve(app) as url:
        yield url


def run_examples(document: str, url: str, tmp_path: Path) -> list[dict[str, object]]:
    blocks = curl_blocks(ROOT / document)
    assert blocks, f"no curl example in {document}"
    script = CURL_WRAPPER + "\n".join(b.replace(DOCUMENTED, url) for b in blocks)
    calls = tmp_path / "calls.jsonl"
    calls.touch()
    done = subprocess.run(
        ["bash", "-c", script],
        env={"PATH": "/usr/bin:/bin", "CALLS": str(calls), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in calls.read_text().splitlines()]


pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def test_the_readme_examples_run_as_written(live: str, tmp_path: Path) -> None:
    calls = run_examples("README.md", live, tmp_path)
    assert len(calls) == 1
    assert calls[0]["status"] == 200, calls[0]
    answer = json.loads(str(calls[0]["body"]))
    assert answer["days_used"] == 47
    assert answer["stay_until"] == "2015-03-31"


def test_the_api_guide_examples_run_as_written(live: str, tmp_path: Path) -> None:
    calls = run_examples("docs/api.md", live, tmp_path)
    failed = [
        (c["status"], c["args"], c["body"]) for c in calls if not 200 <= int(c["status"]) < 300
    ]  # type: ignore[call-overload]
    assert not failed
    bodies = [json.loads(str(c["body"])) for c in calls]
    # The calculator, the visa, the sign-in.
    assert bodies[0]["stay_until"] == "2014-12-13"
    assert bodies[1]["limited_by"] == "visa_duration"
    assert "token" in bodies[2]
    # An entry, then its retry with the same key: replayed, the same record.
    entry, retry = bodies[3], bodies[4]
    assert [c["status"] for c in calls[3:5]] == [201, 200]
    assert retry["replayed"] is True
    assert retry["record_id"] == entry["record_id"]
    # The check at exit, the refusal, the overstayer list.
    assert bodies[5]["assessment"]["overstay_days"] == 0
    assert calls[6]["status"] == 201
    assert bodies[7] == []
    # The traveller's file and the notices to France (EES Art 34, 35).
    assert bodies[9]["responsible_state"] == "FRA"
    assert bodies[9]["entries"][0]["record_id"] == entry["record_id"]
    assert bodies[10] == []
    # The police identification, with the police's own token.
    assert "token" in bodies[11]
    assert bodies[12]["identified"] is False
