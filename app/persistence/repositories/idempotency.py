"""The stored answers of requests sent with an Idempotency-Key (app.domain.idempotency)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.idempotency import StoredResponse
from app.persistence.access_tables import IdempotencyKeyRow


def _lock_id(org_id: UUID, credential: str, key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory locks, one per (credential, key)."""
    digest = hashlib.sha256(f"{org_id}\n{credential}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class IdempotencyKeyRepository:
    table = IdempotencyKeyRow.__table__  # type: ignore[attr-defined]

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def try_lock(self, org_id: UUID, credential: str, key: str) -> bool:
        """Hold the key until this transaction ends, or False at once if another transaction
        holds it (PostgreSQL's transaction-level advisory lock). SQLite has one writer at a
        time: a writing transaction already holds every key."""
        if self.connection.dialect.name != "postgresql":
            return True
        held = await self.connection.scalar(
            text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": _lock_id(org_id, credential, key)}
        )
        return bool(held)

    async def find(self, org_id: UUID, credential: str, key: str) -> StoredResponse | None:
        t = self.table
        found = await self.connection.execute(
            select(t.c.fingerprint, t.c.status, t.c.headers, t.c.body, t.c.expires_at).where(
                t.c.org_id == org_id, t.c.credential == credential, t.c.idempotency_key == key
            )
        )
        row = found.first()
        if row is None:
            return None
        headers = [(str(name), str(value)) for name, value in row.headers]
        return StoredResponse(row.fingerprint, row.status, headers, bytes(row.body), row.expires_at)

    async def forget(self, org_id: UUID, credential: str, key: str) -> None:
        t = self.table
        await self.connection.execute(
            delete(t).where(
                t.c.org_id == org_id, t.c.credential == credential, t.c.idempotency_key == key
            )
        )

    async def store(
        self, org_id: UUID, credential: str, key: str, answer: StoredResponse, at: datetime
    ) -> None:
        await self.connection.execute(
            insert(self.table).values(
                org_id=org_id,
                credential=credential,
                idempotency_key=key,
                fingerprint=answer.fingerprint,
                status=answer.status,
                headers=[list(pair) for pair in answer.headers],
                body=answer.body,
                created_at=at,
                expires_at=answer.expires_at,
            )
        )

    async def purge(self, now: datetime) -> int:
        """Delete every answer kept past its day, of every organization (through
        rapport_purge_idempotency_keys on PostgreSQL, revision 0012, so that the app's role,
        confined to one organization, can purge them all)."""
        if self.connection.dialect.name == "postgresql":
            purged = await self.connection.execute(
                text("SELECT rapport_purge_idempotency_keys(:at)"), {"at": now}
            )
            return int(purged.scalar_one())
        deleted = await self.connection.execute(
            delete(self.table).where(self.table.c.expires_at <= now)
        )
        return int(deleted.rowcount)
