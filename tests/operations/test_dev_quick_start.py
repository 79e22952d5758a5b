"""`rapport dev` keeps its admin key across restarts, so a front end a developer has open
keeps working when `make run` restarts; `--new-key` replaces it."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx

from app.services.quick_start import dev_key_file
from tests.conftest import Live
from tests.support.commands import RAPPORT, environment, serving


@dataclass
class QuickStart:
    key: str
    banner: str
    base_url: str


@contextmanager
def _dev(env: dict[str, str], cwd: Path, org_name: str, *args: str) -> Iterator[QuickStart]:
    command = [str(RAPPORT), "dev", "--org-name", org_name, *args]
    with serving(env, command, ready="/readyz", cwd=cwd) as server:
        key_line = server.wait_for_line("Admin key")
        yield QuickStart(key_line.split()[-1], "".join(server.output), server.base_url)


def _status(run: QuickStart, key: str) -> int:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.get(f"{run.base_url}/v1/pairs", headers=headers, timeout=30).status_code


def test_the_quick_start_key_survives_restarts_until_a_new_one_is_asked(
    live: Live, tmp_path: Path
) -> None:
    env = environment(live.database_url)
    org_name = f"Quick start {uuid4().hex[:8]}"
    key_file = dev_key_file(live.database_url)
    if not key_file.is_absolute():
        key_file = tmp_path / key_file
    key_file.unlink(missing_ok=True)

    with _dev(env, tmp_path, org_name) as first:
        assert "(new)" in first.banner
        assert _status(first, first.key) == 200
    assert key_file.read_text().strip() == first.key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    with _dev(env, tmp_path, org_name) as second:
        assert second.key == first.key
        assert "kept across restarts" in second.banner
        assert _status(second, first.key) == 200

    with _dev(env, tmp_path, org_name, "--new-key") as third:
        assert third.key != first.key
        assert _status(third, third.key) == 200
        assert _status(third, first.key) == 401
    assert key_file.read_text().strip() == third.key


def test_a_kept_key_that_no_longer_works_is_replaced(live: Live, tmp_path: Path) -> None:
    env = environment(live.database_url)
    key_file = dev_key_file(live.database_url)
    if not key_file.is_absolute():
        key_file = tmp_path / key_file
    key_file.write_text("rpt_revoked_or_from_another_database\n")

    with _dev(env, tmp_path, f"Quick start {uuid4().hex[:8]}") as run:
        assert run.key != "rpt_revoked_or_from_another_database"
        assert "(new)" in run.banner
        assert _status(run, run.key) == 200
