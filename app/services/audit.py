"""Recording and reading the audit trail."""

from __future__ import annotations

from app.domain.audit import AuditEvent
from app.domain.paging import Page, PageRequest
from app.domain.queries import AuditFilter
from app.services.context import UseCase, new_id


def event_of(uc: UseCase, operation: str, method: str, record_ids: dict[str, str]) -> AuditEvent:
    """One line: the operation, the ids it addressed, the caller and the instant."""
    return AuditEvent(
        id=new_id(),
        org_id=uc.org_id,
        at=uc.now,
        operation=operation,
        method=method,
        record_ids=record_ids,
        actor_key_id=uc.caller.key_id,
        actor_person_id=uc.caller.person_id,
    )


async def record(uc: UseCase, operation: str, method: str, record_ids: dict[str, str]) -> None:
    """A change's line, in the change's own transaction: it is committed with the change or
    not at all. (Reads are recorded by app.services.read_audit, off the request path.)"""
    await uc.uow.audit.add(event_of(uc, operation, method, record_ids))


async def list_events(uc: UseCase, filters: AuditFilter, request: PageRequest) -> Page[AuditEvent]:
    """For admin service keys only (the access layer refuses person tokens): the trail names
    private notes' ids and who rated what."""
    return await uc.uow.audit.list_page(uc.org_id, filters, request)
