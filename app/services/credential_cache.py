"""What a process trusts for a few seconds without asking the database again: verified
service keys and organizations' sign-in settings. One time-to-live bounds how long a
revocation or a sign-in change takes to reach every process; the process that made the
change forgets at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

from app.domain.access import ServiceKey
from app.domain.sign_in import SignIn

K = TypeVar("K")
V = TypeVar("V")
MAX_ENTRIES = 10_000


@dataclass(slots=True)
class TtlCache(Generic[K, V]):
    """Entries live `ttl` seconds (0 disables the cache); the oldest go first when full."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    entries: dict[K, tuple[V, float]] = field(default_factory=dict)

    def get(self, key: K) -> V | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires < self.clock():
            del self.entries[key]
            return None
        return value

    def put(self, key: K, value: V) -> None:
        if self.ttl <= 0:
            return
        if len(self.entries) >= MAX_ENTRIES:
            del self.entries[next(iter(self.entries))]
        self.entries[key] = (value, self.clock() + self.ttl)

    def forget(self, key: K) -> None:
        self.entries.pop(key, None)


@dataclass(slots=True)
class KeyCache:
    """Recently verified service keys, by digest (a key presented) and by id (the key
    that minted a person token)."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    by_digest: TtlCache[str, ServiceKey] = field(init=False)
    by_id: TtlCache[UUID, ServiceKey] = field(init=False)

    def __post_init__(self) -> None:
        self.by_digest = TtlCache(self.ttl, self.clock)
        self.by_id = TtlCache(self.ttl, self.clock)

    def get(self, digest: str) -> ServiceKey | None:
        return self.by_digest.get(digest)

    def get_by_id(self, key_id: UUID) -> ServiceKey | None:
        return self.by_id.get(key_id)

    def put(self, key: ServiceKey) -> None:
        self.by_digest.put(key.digest, key)
        self.by_id.put(key.id, key)

    def forget(self, key_id: UUID) -> None:
        """A revoked key stops working at once in this process, and so do its tokens."""
        self.by_id.forget(key_id)
        for digest, (cached, _) in list(self.by_digest.entries.items()):
            if cached.id == key_id:
                self.by_digest.forget(digest)


SignInCache = TtlCache[UUID, SignIn]
