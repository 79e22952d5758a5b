"""A client that stops reading a CSV export holds no database connection and no transaction:
the rows are read a chunk per short transaction, and a client that reads nothing for the
send timeout is disconnected. `rapport serve` runs in a process of its own on PostgreSQL (as
`rapport_app`) with a small pool; the stalled readers are raw sockets with a small receive
window that send the request and never read. Slow, PostgreSQL only (`pg_stat_activity`):
runs once."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest

from app.domain.access import Scope
from app.domain.identifiers import new_id
from app.domain.people import email_key, username_key
from app.persistence.database import create_engine
from app.persistence.migrate import upgrade_to_head
from tests.support.postgres import APP_ROLE, as_app_role, ensure_app_role, scratch_database
from tests.support.server import (
    closed_by_server,
    connect,
    rapport_serve,
    received_some,
    wait_for,
)
from tests.support.tenants import create_key, create_org

pytestmark = pytest.mark.slow

PAIRS = 20_000  # the export (about 5 MB) outgrows the sockets' buffers, so readers stall
PEOPLE = 150  # enough distinct (lead, member) couples for the pairs
STALLED_READERS = 5
BUSY_STATES = ("active", "idle in transaction", "idle in transaction (aborted)")


@dataclass
class Exporting:
    database_url: str
    admin_key: str


@pytest.fixture(scope="module")
def exporting(postgres_admin_url: str) -> Iterator[Exporting]:
    ensure_app_role(postgres_admin_url)
    with scratch_database(postgres_admin_url) as url:
        upgrade_to_head(url)
        yield Exporting(url, asyncio.run(_seed(url)))


async def _seed(url: str) -> str:
    engine = create_engine(url, pool_size=1)
    try:
        org_id = await create_org(engine, "Exports")
        secret = await create_key(engine, org_id, frozenset({Scope.ADMIN}))
    finally:
        await engine.dispose()
    connection = await asyncpg.connect(url)
    try:
        await _copy_pairs(connection, org_id)
    finally:
        await connection.close()
    return secret


PEOPLE_COLUMNS = (
    "id", "org_id", "email", "email_key", "name", "timezone", "role", "active", "created_at",
    "updated_at", "username", "username_key",
)  # fmt: skip
PAIR_COLUMNS = (
    "id", "org_id", "lead_id", "member_id", "kind", "cadence_days", "duration_minutes",
    "status", "source", "started_at", "created_at", "updated_at",
)  # fmt: skip


async def _copy_pairs(connection: asyncpg.Connection, org_id: UUID) -> None:
    now = datetime.now(UTC)
    people = [new_id() for _ in range(PEOPLE)]
    emails = [f"p{number}@example.com" for number in range(PEOPLE)]
    await connection.copy_records_to_table(
        "people",
        columns=PEOPLE_COLUMNS,
        records=[
            (
                pid,
                org_id,
                email,
                email_key(email),
                email,
                "UTC",
                "member",
                True,
                now,
                now,
                email,
                username_key(email),
            )
            for pid, email in zip(people, emails, strict=True)
        ],
    )
    couples = [(lead, member) for lead in people for member in people if lead != member]
    await connection.copy_records_to_table(
        "pairs",
        columns=PAIR_COLUMNS,
        records=[
            (new_id(), org_id, lead, member, "mentorship", 14, 30, "active", "manual") + (now,) * 3
            for lead, member in couples[:PAIRS]
        ],
    )


def _sessions(exporting: Exporting) -> list[str]:
    """The states of the app's sessions on the export's database."""

    async def states() -> list[str]:
        connection = await asyncpg.connect(exporting.database_url)
        try:
            rows = await connection.fetch(
                "SELECT state FROM pg_stat_activity WHERE datname = current_database()"
                " AND usename = $1",
                APP_ROLE,
            )
        finally:
            await connection.close()
        return [str(row["state"]) for row in rows]

    return asyncio.run(states())


def _quiet(exporting: Exporting) -> bool:
    """The app's sessions are all idle twice in a row: the exports read what they could
    send and their readers stalled."""
    for _ in range(2):
        if any(state in BUSY_STATES for state in _sessions(exporting)):
            return False
        time.sleep(0.5)
    return True


def _serve(
    exporting: Exporting, tmp_path: Path, send_timeout: float
) -> AbstractContextManager[str]:
    settings = {
        "RAPPORT_DATABASE_URL": as_app_role(exporting.database_url),
        "RAPPORT_DB_POOL_SIZE": "2",  # four connections in all: fewer than the readers
        "RAPPORT_HTTP_SEND_TIMEOUT_SECONDS": str(send_timeout),
        "RAPPORT_LOG_LEVEL": "WARNING",
    }
    return rapport_serve(settings, tmp_path / "server.log")


def _stall(base_url: str, key: str, count: int = STALLED_READERS) -> list[socket.socket]:
    """Readers that ask for the whole export and never read; once each has been answered
    (its export began)."""
    readers = []
    for _ in range(count):
        sock = connect(base_url, receive_buffer=4096)
        sock.sendall(
            b"GET /v1/metrics/pairs?format=csv HTTP/1.1\r\nHost: rapport\r\n"
            b"Authorization: Bearer " + key.encode() + b"\r\n\r\n"
        )
        readers.append(sock)
    assert wait_for(lambda: all(received_some(sock) for sock in readers))
    return readers


def test_stalled_readers_hold_no_connection(exporting: Exporting, tmp_path: Path) -> None:
    with _serve(exporting, tmp_path, send_timeout=600) as base_url:
        readers = _stall(base_url, exporting.admin_key)
        try:
            assert wait_for(lambda: _quiet(exporting)), _sessions(exporting)
            with httpx.Client(base_url=base_url, timeout=20) as client:
                headers = {"Authorization": f"Bearer {exporting.admin_key}"}
                for path in ("/v1/people", "/v1/pairs", "/v1/metrics/summary?scope=org"):
                    response = client.get(path, headers=headers)
                    assert response.status_code == 200, response.text
                export = client.get("/v1/metrics/pairs?format=csv", headers=headers)
                assert export.status_code == 200
                assert export.text.count("\r\n") == PAIRS + 1
                assert len(export.content) > 4 * 1024 * 1024  # more than the buffers hold
            # A short transaction of the app's own may be caught between two statements;
            # one that an export holds would stay open while its reader stalls.
            assert wait_for(lambda: "idle in transaction" not in _sessions(exporting))
            assert not any(closed_by_server(sock) for sock in readers)  # still stalled
        finally:
            for sock in readers:
                sock.close()


def test_a_reader_that_takes_nothing_is_disconnected(exporting: Exporting, tmp_path: Path) -> None:
    with _serve(exporting, tmp_path, send_timeout=1) as base_url:
        (reader,) = _stall(base_url, exporting.admin_key, count=1)
        try:
            assert wait_for(lambda: closed_by_server(reader))
        finally:
            reader.close()
