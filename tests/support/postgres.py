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


class ThrowawayCluster:
    """A PostgreSQL cluster of the suite's own (local binaries, trust authentication) that a
    test may stop and start again; never the shared server."""

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = shutil.which("initdb") or (binaries[-1] if binaries else None)
        if initdb is None:
            raise RuntimeError(
                "No PostgreSQL answers (RAPPORT_TEST_DATABASE_URL or 127.0.0.1:5432) and no"
                " local binaries (initdb) exist to start one; the suite needs PostgreSQL."
            )
        self.bin_dir = Path(initdb).parent
        self.workdir = Path(tempfile.mkdtemp(prefix="rapport-pg-"))
        self.data = self.workdir / "data"
        self.port = free_port()
        self.run_as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.workdir, "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin_dir / program), *args], check=check, capture_output=True
        )

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.workdir / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "start", "-l", log)

    def stop(self, mode: str = "fast") -> None:
        """Stop: `fast` ends every session (as a restart does), `immediate` crashes."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def throwaway_cluster() -> Iterator[ThrowawayCluster]:
    """A started throwaway cluster, removed afterwards."""
    cluster = ThrowawayCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@contextmanager
def postgres_server() -> Iterator[str]:
    """An admin URL of a PostgreSQL server that answers."""
    for candidate in (os.environ.get("RAPPORT_TEST_DATABASE_URL"), DEFAULT_URL):
        if candidate and asyncio.run(_answers(candidate)):
            yield _plain(candidate)
            return
    with throwaway_cluster() as cluster:
        yield cluster.admin_url


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
