"""The scratch database: created beside the configured server, migrated and set up as
the owner, reached by the servers as the serving role; raw connections, rows to COPY into
the app's tables, and the statements an engine sends."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.persistence.tables import metadata
from harness.common import APP_ROLE, OWNER, ROOT, BenchError, log, serving_role

# --- databases -----------------------------------------------------------------------------


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def as_role(url: str, role: str) -> str:
    """The same database, reached as `role` (trust authentication, as on this machine)."""
    if role == OWNER:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))


@asynccontextmanager
async def connected(
    url: str, settings: dict[str, str] | None = None
) -> AsyncIterator[asyncpg.Connection]:
    """One raw asyncpg connection (with these server settings), closed on the way out."""
    connection = await asyncpg.connect(url, server_settings=settings)
    try:
        yield connection
    finally:
        await connection.close()


def execute(url: str, *statements: str) -> None:
    async def run() -> None:
        async with connected(url) as connection:
            for statement in statements:
                await connection.execute(statement)

    asyncio.run(run())


def ensure_app_role(server_url: str) -> None:
    """Create `rapport_app` (LOGIN, not a superuser, no BYPASSRLS) if the server lacks it;
    it must exist before migrating, which grants it the tables."""
    execute(
        server_url,
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}')"
        f" THEN CREATE ROLE {APP_ROLE} LOGIN; END IF; END $$",
    )


@contextmanager
def scratch_database(
    server_url: str, prefix: str, *, keep: bool, jit: bool = True
) -> Iterator[str]:
    """A fresh database beside the configured one (its owner's URL), dropped on the way out."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    execute(server_url, f'CREATE DATABASE "{name}"')
    url = database_url(server_url, name)
    log(f"created database {name}")
    try:
        if not jit:
            execute(server_url, f'ALTER DATABASE "{name}" SET jit = off')
        yield url
    finally:
        if keep:
            log(f"kept database {url}")
        else:
            execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"dropped database {name}")


def rapport_cli() -> str:
    beside = Path(sys.executable).parent / "rapport"
    if beside.exists():
        return str(beside)
    found = shutil.which("rapport") or str(ROOT / ".venv" / "bin" / "rapport")
    if not Path(found).exists():
        raise BenchError("no `rapport` command: run this with the project's .venv/bin/python")
    return found


def cli(args: Sequence[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [rapport_cli(), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"rapport {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout.strip()


@dataclass(frozen=True, slots=True)
class Scratch:
    """A migrated scratch database with an organization and a service key."""

    db_url: str  # as the owner: migrating, COPY, the CLI
    app_url: str  # as the serving role: servers and in-process measurements of the app
    role: str  # the serving role
    env: dict[str, str]  # the CLI's environment (owner)
    app_env: dict[str, str]  # the servers' environment (serving role)
    org_id: str
    key: str
    logs: Path  # the servers' logs, removed with the scratch database

    @property
    def name(self) -> str:
        return urlsplit(self.db_url).path.lstrip("/")


def prepare(
    stack: ExitStack,
    server_url: str,
    *,
    prefix: str = "rapport_bench",
    scopes: Sequence[str] = ("admin",),
    keep: bool = False,
    jit: bool = True,
) -> Scratch:
    """Create, migrate and register the scratch database (dropped when `stack` closes)."""
    role = serving_role()
    ensure_app_role(server_url)
    db_url = stack.enter_context(scratch_database(server_url, prefix, keep=keep, jit=jit))
    env = {**BUDGETS_OUT_OF_REACH, **os.environ, "RAPPORT_LOG_LEVEL": "warning"}
    env["PYTHONUNBUFFERED"] = "1"
    owner_env = {**env, "RAPPORT_DATABASE_URL": db_url}
    cli(["migrate"], owner_env)
    org_id = cli(["orgs", "create", "Benchmark"], owner_env)
    scope_args = [arg for scope in scopes for arg in ("--scope", scope)]
    key = cli(["keys", "create", "--org", org_id, *scope_args, "--name", "bench"], owner_env)
    app_url = as_role(db_url, role)
    logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapport-bench-")))
    log(f"organization {org_id}, key {key[:8]}..., servers connect as {role}")
    return Scratch(db_url, app_url, role, owner_env, {**env, "RAPPORT_DATABASE_URL": app_url},
                   org_id, key, logs)  # fmt: skip


# Benchmarks measure throughput, not the rate limits: the budgets are raised out of reach
# (the limiter still counts every request) unless the environment sets them.
BUDGETS_OUT_OF_REACH = {
    "RAPPORT_RATE_LIMIT_KEY": "100000000/second",
    "RAPPORT_RATE_LIMIT_ORGANIZATION": "100000000/second",
}


@dataclass(frozen=True, slots=True)
class CopyTable:
    """Rows to COPY into one of the app's tables, its columns read from the app's metadata
    (so no benchmark restates them): `row(**values)` orders a row's values, the nullable
    columns left out being NULL."""

    name: str
    columns: tuple[str, ...]
    required: frozenset[str]  # the columns that are NOT NULL

    @classmethod
    def of(cls, name: str) -> CopyTable:
        columns = metadata.tables[name].columns
        required = frozenset(column.name for column in columns if not column.nullable)
        return cls(name, tuple(column.name for column in columns), required)

    def row(self, **values: object) -> tuple[object, ...]:
        unknown = set(values).difference(self.columns)
        missing = self.required.difference(values)
        if unknown or missing:
            raise BenchError(
                f"{self.name}: unknown columns {sorted(unknown)}, missing {sorted(missing)}"
            )
        return tuple(values.get(name) for name in self.columns)

    async def copy(self, connection: asyncpg.Connection, rows: list[tuple[object, ...]]) -> int:
        await connection.copy_records_to_table(self.name, records=rows, columns=self.columns)
        return len(rows)


class StatementCounter:
    """The SQL statements an engine sends, as the driver receives them (an executemany
    counts once); `count` is reset by the caller between the steps it measures."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._counted)

    def _counted(self, *_args: object) -> None:
        self.count += 1
