"""Development mode without RAPPORT_TOKEN_SECRET: every worker and every restart share one
secret, kept in ./.rapport/token-secret (mode 0600); production refuses to start without
a strong secret, in one line. Runs once (SQLite in a temporary directory)."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

from app.settings import development_secret
from tests.support.processes import RAPPORT, ServedProcess, rapport_env, rapport_serve

WORKERS = 2
ROUNDS = 8
USES = 5


def _run(workdir: Path, command: list[str], **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=workdir,
        env=rapport_env(**settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _cli(workdir: Path, *args: str, **settings: str) -> str:
    done = _run(workdir, [str(RAPPORT), *args], **settings)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _wait_for_workers(served: ServedProcess) -> None:
    deadline = time.monotonic() + 60
    while served.log_text().count("Application startup complete") < WORKERS:
        assert time.monotonic() < deadline, served.log_text()
        time.sleep(0.1)


def _fresh(base_url: str, method: str, path: str, bearer: str, **kwargs: object) -> httpx.Response:
    """One request on a new connection, so the kernel may hand it to any worker."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        return http.request(
            method,
            path,
            headers={"Authorization": f"Bearer {bearer}"},
            **kwargs,  # type: ignore[arg-type]
        )


def test_every_worker_and_every_restart_accept_a_token_minted_through_any(tmp_path: Path) -> None:
    database = {"database_url": f"sqlite:///{tmp_path / 'rapport.db'}"}
    _cli(tmp_path, "migrate", **database)
    org = _cli(tmp_path, "orgs", "create", "Workers", **database)
    key = _cli(tmp_path, "keys", "create", "--org", org, "--scope", "admin", **database)
    with rapport_serve(tmp_path, workers=WORKERS, **database) as served:
        _wait_for_workers(served)
        person = _fresh(
            served.base_url, "POST", "/v1/people", key, json={"email": "w@example.com", "name": "W"}
        )
        assert person.status_code == 201, person.text
        tokens = []
        for _ in range(ROUNDS):
            minted = _fresh(
                served.base_url,
                "POST",
                "/v1/person-tokens",
                key,
                json={"person_id": person.json()["id"]},
            )
            assert minted.status_code == 200, minted.text
            tokens.append(minted.json()["token"])
            statuses = [
                _fresh(served.base_url, "GET", "/v1/me", tokens[-1]).status_code
                for _ in range(USES)
            ]
            assert statuses == [200] * USES, statuses
    secret_file = tmp_path / ".rapport" / "token-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    with rapport_serve(tmp_path, workers=1, **database) as restarted:
        assert _fresh(restarted.base_url, "GET", "/v1/me", tokens[0]).status_code == 200


def test_workers_starting_at_once_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / ".rapport" / "token-secret"
    with ProcessPoolExecutor(max_workers=6) as pool:
        secrets = set(pool.map(development_secret, [path] * 24))
    assert len(secrets) == 1
    assert [p.name for p in path.parent.iterdir()] == ["token-secret"]  # no drafts left


def test_production_refuses_to_start_without_a_secret_in_one_line(tmp_path: Path) -> None:
    settings = {"environment": "production", "database_url": f"sqlite:///{tmp_path / 'x.db'}"}
    for command in (
        [str(RAPPORT), "serve", "--port", "1"],
        [sys.executable, "-c", "import app.api.main"],
    ):
        done = _run(tmp_path, command, **settings)
        assert done.returncode != 0
        lines = (done.stdout + done.stderr).strip().splitlines()
        assert len(lines) == 1 and "RAPPORT_TOKEN_SECRET" in lines[0], lines
    assert not (tmp_path / ".rapport").exists()
