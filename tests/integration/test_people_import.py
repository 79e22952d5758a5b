"""The CSV directory sync, run as people run it: `rapport people import` and the ten-line
script of docs/provisioning.md, each in its own process against the served app's database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.domain.access import Scope
from tests.conftest import Live

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "examples" / "sync_directory.py"
CSV = """external_id,email,name,timezone,manager_external_id,manager_email,role
e2,bo@example.com,Bo,,,al@example.com,
e1,al@example.com,Al,Europe/Paris,,,admin
e3,,Cy,,e2,,
"""


def _rapport(live: Live, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAPPORT_DATABASE_URL": live.database_url}
    command = [str(Path(sys.executable).parent / "rapport"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_rapport_people_import(live: Live, tmp_path: Path) -> None:
    tenant = live.tenant()
    file = tmp_path / "people.csv"
    file.write_text(CSV, encoding="utf-8")
    dry = _rapport(live, "people", "import", str(file), "--org", str(tenant.org_id), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert len(json.loads(dry.stdout)["people"]["created"]) == 3
    assert tenant.call("GET", "/v1/people").json()["data"] == []

    done = _rapport(live, "people", "import", str(file), "--org", str(tenant.org_id))
    assert done.returncode == 0, done.stderr
    people = {p["external_id"]: p for p in tenant.call("GET", "/v1/people").json()["data"]}
    assert people["e3"]["manager_id"] == people["e2"]["id"]
    assert people["e1"]["role"] == "admin" and people["e3"]["email"] is None
    trail = tenant.call("GET", "/v1/audit-events").json()["data"]
    assert [(e["operation"], e["method"]) for e in trail] == [("cli_people_import", "CLI")]

    file.write_text(CSV + "e4,,Dee,Moon/Base,nobody,,\n", encoding="utf-8")
    refused = _rapport(live, "people", "import", str(file), "--org", str(tenant.org_id))
    assert refused.returncode == 1
    assert "line 5: unknown_manager" in refused.stderr
    assert "line 5: unknown_timezone" in refused.stderr

    file.write_text("external_id,name,salary\nx,X,1\n", encoding="utf-8")
    unknown = _rapport(live, "people", "import", str(file), "--org", str(tenant.org_id))
    assert unknown.returncode != 0 and "salary" in unknown.stderr


def _script(env: dict[str, str], file: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), str(file)]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_the_documented_csv_script(live: Live, tmp_path: Path) -> None:
    documented = (ROOT / "docs" / "provisioning.md").read_text(encoding="utf-8")
    source = SCRIPT.read_text(encoding="utf-8")
    assert source.strip() in documented, "docs/provisioning.md shows the script as it is"
    assert len(source.strip().splitlines()) <= 10
    tenant = live.tenant()
    file = tmp_path / "people.csv"
    file.write_text(CSV, encoding="utf-8")
    env = {
        **os.environ,
        "RAPPORT_URL": live.base_url,
        "RAPPORT_KEY": tenant.key(Scope.PEOPLE_WRITE),
    }
    synced = _script(env, file)
    assert synced.returncode == 0, synced.stderr
    assert len(json.loads(synced.stdout)["people"]["created"]) == 3
    again = _script(env, file)
    assert all(not changes for changes in json.loads(again.stdout)["people"].values())
