"""Commitments: the action items a pair follows up on."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import ContentRead, ContentWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, IfNoneMatch, current, versioned, with_etag
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many
from app.api.schemas.common import Instant, PageOut
from app.api.schemas.content import CommitmentCreate, CommitmentOut, CommitmentUpdate
from app.domain.commitments import CommitmentStatus
from app.domain.queries import CommitmentFilter
from app.services import commitments as service
from app.services import visible_records

router = APIRouter(prefix="/v1/commitments", tags=["commitments"])


@router.post(
    "",
    operation_id="commitments-create",
    status_code=201,
    response_model=CommitmentOut,
    responses=with_etag(
        {
            **problem_responses(
                "unknown_reference",
                "not_a_participant",
                "pair_ended",
                "meeting_closed",
            ),
            **links(
                201,
                GetCommitment=to("commitments-get", commitment_id=CREATED_ID),
                UpdateCommitment=to("commitments-update", commitment_id=CREATED_ID),
            ),
        },
        201,
    ),
)
async def create_commitment(body: CommitmentCreate, ctx: ContentWrite) -> Response:
    """Record an action item owned by one of the pair's two people."""
    commitment = await service.create_commitment(ctx, **body.model_dump())
    return versioned(
        CommitmentOut, commitment, status=201, location=f"/v1/commitments/{commitment.id}"
    )


@router.get(
    "",
    operation_id="commitments-list",
    response_model=PageOut[CommitmentOut],
    responses=problem_responses("invalid_cursor"),
)
async def list_commitments(
    ctx: ContentRead,
    paging: Paging,
    pair_id: UUID | None = None,
    owner_id: UUID | None = None,
    meeting_id: UUID | None = None,
    status: CommitmentStatus | None = None,
    overdue: bool | None = None,
    updated_since: Instant | None = None,
) -> Response:
    """Commitments, oldest first (sort key `created_at`, then `id`); `overdue=true` keeps
    open ones due before today (UTC)."""
    filters = CommitmentFilter(
        pair_id, owner_id, meeting_id, status, ctx.now.date() if overdue else None, updated_since
    )
    return many(CommitmentOut, await service.list_commitments(ctx, filters, paging))


@router.get(
    "/{commitment_id}",
    operation_id="commitments-get",
    response_model=CommitmentOut,
    responses=with_etag(problem_responses("not_found"), conditional_read=True),
)
async def get_commitment(
    commitment_id: UUID, ctx: ContentRead, if_none_match: IfNoneMatch = None
) -> Response:
    """One commitment."""
    return current(
        CommitmentOut, await visible_records.commitment(ctx, commitment_id), if_none_match
    )


@router.patch(
    "/{commitment_id}",
    operation_id="commitments-update",
    response_model=CommitmentOut,
    responses=with_etag(
        problem_responses(
            "nothing_to_change",
            "not_found",
            "null_field",
            "not_a_participant",
            "precondition_failed",
            "precondition_required",
        )
    ),
)
async def update_commitment(
    commitment_id: UUID, body: CommitmentUpdate, ctx: ContentWrite, expected: IfMatch
) -> Response:
    """Edit, complete (`status: done`), drop or reopen a commitment."""
    changes = body.model_dump(exclude_unset=True)
    updated = await service.update_commitment(ctx, commitment_id, changes, expected)
    return versioned(CommitmentOut, updated)
