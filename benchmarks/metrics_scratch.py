"""The metrics benchmark's scratch database (`rapport_bench_metrics_<random>`), migrated and
given an organization and a `metrics:read` key through the CLI; dropped on the way out."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from rest_api import BenchError, cli, database_url, log

from app.domain.policy import Policy


async def _run(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_database(server_url: str, *, jit: bool, keep: bool) -> Iterator[str]:
    name = f"rapport_bench_metrics_{secrets.token_hex(4)}"
    asyncio.run(_run(server_url, f'CREATE DATABASE "{name}"'))
    url = database_url(server_url, name)
    log(f"created database {name}")
    try:
        if not jit:
            asyncio.run(_run(server_url, f'ALTER DATABASE "{name}" SET jit = off'))
        yield url
    finally:
        if keep:
            log(f"kept database {url}")
        else:
            asyncio.run(_run(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            log(f"dropped database {name}")


@dataclass(frozen=True, slots=True)
class Scratch:
    db_url: str
    env: dict[str, str]
    org_id: UUID
    key: str


def prepare(server_url: str, stack: ExitStack, *, jit: bool, keep: bool) -> Scratch:
    """Migrated, with an organization (default policy) and a `metrics:read` key."""
    db_url = stack.enter_context(scratch_database(server_url, jit=jit, keep=keep))
    env = {
        **os.environ,
        "RAPPORT_DATABASE_URL": db_url,
        "RAPPORT_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }
    cli(["migrate"], env)
    org_id = cli(["orgs", "create", "Metrics benchmark"], env)
    key = cli(
        ["keys", "create", "--org", org_id, "--scope", "metrics:read", "--name", "bench"], env
    )
    return Scratch(db_url, env, UUID(org_id), key)


async def read_policy(db_url: str, org_id: UUID) -> Policy:
    connection = await asyncpg.connect(db_url)
    try:
        row = await connection.fetchrow("SELECT * FROM policies WHERE org_id = $1", org_id)
    finally:
        await connection.close()
    if row is None:
        raise BenchError("the organization has no policy")
    return Policy(**{name: row[name] for name in Policy.__dataclass_fields__})
