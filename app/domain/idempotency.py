"""Idempotency keys (Stripe's semantics): a retried POST with the same key is answered with
the response its first attempt gave, for a day; the same key on another request is refused.

The stored answer belongs to one credential (a service key or a person) and one key; its
`fingerprint` says which request it answered (method, path and body)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

RETENTION = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A first attempt's answer, as replayed to every retry within RETENTION."""

    fingerprint: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    expires_at: datetime


def fingerprint(method: str, target: str, body: bytes) -> str:
    """What identifies a request for its key: a retry must send the same method, path and
    query, and byte-identical body."""
    digest = hashlib.sha256()
    for part in (method.encode("ascii"), target.encode("utf-8")):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    digest.update(body)
    return digest.hexdigest()
