"""What a running app holds: its engine, its clock, its credential cache and the buffer of
read audit records."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from uuid import UUID

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.access import ServiceKey
from app.domain.clock import Clock
from app.services.read_audit import ReadAuditLog
from app.settings import Settings


@dataclass(slots=True)
class KeyCache:
    """Recently verified service keys by digest, so a hot path skips the lookup.

    Entries live `ttl` seconds; revoking a key forgets it at once in this process.
    """

    ttl: float
    entries: dict[str, tuple[ServiceKey, float]] = field(default_factory=dict)

    def get(self, digest: str) -> ServiceKey | None:
        entry = self.entries.get(digest)
        if entry is None:
            return None
        key, expires = entry
        if expires < time.monotonic():
            del self.entries[digest]
            return None
        return key

    def put(self, key: ServiceKey) -> None:
        if self.ttl > 0:
            self.entries[key.digest] = (key, time.monotonic() + self.ttl)

    def forget(self, key_id: UUID) -> None:
        for digest, (key, _) in list(self.entries.items()):
            if key.id == key_id:
                del self.entries[digest]


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    keys: KeyCache
    read_audit: ReadAuditLog


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime
