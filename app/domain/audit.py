"""The audit trail: who changed what, and which service keys read content, and when.
It names operations and record ids, never the content itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(slots=True)
class AuditEvent:
    id: UUID
    org_id: UUID
    at: datetime
    operation: str
    method: str
    record_ids: dict[str, str]
    actor_key_id: UUID | None
    actor_person_id: UUID | None
