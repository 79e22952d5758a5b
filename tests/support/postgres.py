"""Finding a PostgreSQL server for the suite, or starting a throwaway one.

Order: RAPPORT_TEST_DATABASE_URL, then 127.0.0.1:5432, then a temporary cluster from the
local binaries. No server at all is an error, never a skip.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from tests.support.live import free_port

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _answers(url: str) -> bool:
    try:
        connection = await asyncpg.connect(_plain(url), timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


@contextmanager
def _throwaway_cluster() -> Iterator[str]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = shutil.which("initdb") or (binaries[-1] if binaries else None)
    if initdb is None:
        raise RuntimeError(
            "No PostgreSQL answers (RAPPORT_TEST_DATABASE_URL or 127.0.0.1:5432) and no local"
            " binaries (initdb) exist to start one; the suite needs PostgreSQL."
        )
    bin_dir = Path(initdb).parent
    workdir = Path(tempfile.mkdtemp(prefix="rapport-pg-"))
    data = workdir / "data"
    port = free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(workdir, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "start",
            "-l",
            str(workdir / "log"),
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """An admin URL of a PostgreSQL server that answers."""
    for candidate in (os.environ.get("RAPPORT_TEST_DATABASE_URL"), DEFAULT_URL):
        if candidate and asyncio.run(_answers(candidate)):
            yield _plain(candidate)
            return
    with _throwaway_cluster() as url:
        yield url


APP_ROLE = "rapport_app"


def ensure_app_role(admin_url: str) -> None:
    """The non-owner role the app connects as, so row-level security applies to it."""

    async def create() -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            exists = await connection.fetchval(
                "SELECT 1 FROM pg_roles WHERE rolname = $1", APP_ROLE
            )
            if not exists:
                await connection.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
        except asyncpg.DuplicateObjectError:
            pass  # created meanwhile by a parallel run
        finally:
            await connection.close()

    asyncio.run(create())


def as_app_role(url: str) -> str:
    """The same database, reached as the app's role (trust authentication)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("@", 1)[-1]
    return f"{scheme}://{APP_ROLE}@{host}"


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards."""
    name = f"rapport_test_{uuid.uuid4().hex[:12]}"

    async def execute(sql: str) -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
