"""Service keys and the scopes that grant them access."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

KEY_PREFIX = "rpt_"
# A person token lives at most 12 hours; an `iat` further than a minute ahead of the
# service's clock is not a clock difference but a forgery or a broken issuer.
MAX_TOKEN_TTL_SECONDS = 12 * 3600
MAX_CLOCK_SKEW_SECONDS = 60


class Scope(StrEnum):
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    PAIRS_READ = "pairs:read"
    PAIRS_WRITE = "pairs:write"
    MEETINGS_READ = "meetings:read"
    MEETINGS_WRITE = "meetings:write"
    CONTENT_READ = "content:read"
    CONTENT_WRITE = "content:write"
    METRICS_READ = "metrics:read"
    POLICY_WRITE = "policy:write"
    TOKENS_WRITE = "tokens:write"
    SCIM = "scim"
    WEBHOOKS = "webhooks"
    ADMIN = "admin"


@dataclass(slots=True)
class ServiceKey:
    id: UUID
    org_id: UUID
    name: str
    prefix: str
    digest: str
    scopes: frozenset[Scope]
    created_at: datetime
    updated_at: datetime
    revoked_at: datetime | None

    def grants(self, scope: Scope) -> bool:
        """`admin` stands for every scope."""
        return Scope.ADMIN in self.scopes or scope in self.scopes


def new_key_secret() -> str:
    """A fresh key: shown once, stored only as its digest."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
