"""The audit trail, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.api.access import AuditRead
from app.api.problems import problem_responses
from app.api.rest.responses import Paging, many
from app.api.schemas.common import Instant, Output, PageOut
from app.domain.queries import AuditFilter
from app.services import audit

router = APIRouter(prefix="/v1/audit-events", tags=["access"])


class AuditEventOut(Output):
    id: UUID
    at: datetime
    operation: str
    method: str
    record_ids: dict[str, Any]
    actor_key_id: UUID | None
    actor_person_id: UUID | None


@router.get(
    "",
    operation_id="audit-events-list",
    response_model=PageOut[AuditEventOut],
    responses=problem_responses("service_key_only", "invalid_cursor"),
)
async def list_audit_events(
    ctx: AuditRead,
    paging: Paging,
    actor_key_id: UUID | None = None,
    actor_person_id: UUID | None = None,
    operation: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z-]+$")] = None,
    since: Instant | None = None,
) -> Response:
    """Every change and every content read by a service key: operation, record ids, caller
    and time, oldest first (sort key `at`, then `id`). Never the content itself."""
    filters = AuditFilter(actor_key_id, actor_person_id, operation, since)
    return many(AuditEventOut, await audit.list_events(ctx, filters, paging))
