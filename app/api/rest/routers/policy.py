"""The organization's cadence policy."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import PairsRead, PolicyWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, IfNoneMatch, current, versioned, with_etag
from app.api.schemas.settings import PolicyOut, PolicyUpdate
from app.services import settings_admin as service

router = APIRouter(prefix="/v1/policy", tags=["policy"])


@router.get(
    "",
    operation_id="policy-get",
    response_model=PolicyOut,
    responses=with_etag(problem_responses(), conditional_read=True),
)
async def get_policy(ctx: PairsRead, if_none_match: IfNoneMatch = None) -> Response:
    """The cadence policy every pair and meeting is checked against."""
    return current(PolicyOut, await service.policy(ctx), if_none_match)


@router.patch(
    "",
    operation_id="policy-update",
    response_model=PolicyOut,
    responses=with_etag(
        problem_responses(
            "nothing_to_change",
            "admin_only",
            "null_field",
            "inconsistent_policy",
            "precondition_failed",
            "precondition_required",
        )
    ),
)
async def update_policy(body: PolicyUpdate, ctx: PolicyWrite, expected: IfMatch) -> Response:
    """Change policy figures; they must stay consistent (min <= target/default <= max).
    `require_if_match: true` makes every edit (PATCH) name the version it changes."""
    changes = body.model_dump(exclude_unset=True)
    return versioned(PolicyOut, await service.update_policy(ctx, changes, expected))
