"""Recording and reading the audit trail."""

from __future__ import annotations

from app.domain.audit import AuditEvent
from app.domain.paging import Page, PageRequest
from app.domain.queries import AuditFilter
from app.services.context import ServiceContext, new_id


def event_of(
    ctx: ServiceContext, operation: str, method: str, record_ids: dict[str, str]
) -> AuditEvent:
    """One line: the operation, the ids it addressed, the caller and the instant."""
    return AuditEvent(
        id=new_id(),
        org_id=ctx.org_id,
        at=ctx.now,
        operation=operation,
        method=method,
        record_ids=record_ids,
        actor_key_id=ctx.caller.key_id,
        actor_person_id=ctx.caller.person_id,
    )


async def record(
    ctx: ServiceContext, operation: str, method: str, record_ids: dict[str, str]
) -> None:
    """A change's line, in the change's own transaction: it is committed with the change or
    not at all. (Reads are recorded by app.services.read_audit, off the request path.)"""
    await ctx.uow.audit.add(event_of(ctx, operation, method, record_ids))


async def list_events(
    ctx: ServiceContext, filters: AuditFilter, request: PageRequest
) -> Page[AuditEvent]:
    """For admin service keys only (the access layer refuses person tokens): the trail names
    private notes' ids and who rated what."""
    return await ctx.uow.audit.list_page(ctx.org_id, filters, request)
