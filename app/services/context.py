"""Who acts and when: passed to every use case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from app.domain.identifiers import new_id
from app.domain.privacy import Caller
from app.services.ports.unit_of_work import UnitOfWork

__all__ = ["Caller", "ContentReads", "ServiceContext", "new_id"]


@dataclass(slots=True)
class ContentReads:
    """Whether a request's use cases returned content (agenda items, notes, ratings,
    commitments, templates, a meeting's follow-up): a service key's read of content goes to
    the audit trail (privacy contract, rule 6; app.api.pipeline.finish)."""

    returned: bool = False


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """What every use case needs: the transaction, the caller and the current instant. A
    use case that returns content says so (`returns_content`), whichever surface called it."""

    uow: UnitOfWork
    caller: Caller
    now: datetime
    content_reads: ContentReads = field(default_factory=ContentReads, compare=False)

    @property
    def org_id(self) -> UUID:
        return self.caller.org_id

    def returns_content(self) -> None:
        self.content_reads.returned = True

    @property
    def returned_content(self) -> bool:
        return self.content_reads.returned
