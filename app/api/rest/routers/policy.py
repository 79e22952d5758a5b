"""The organization's cadence policy."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import PairsRead, PolicyWrite
from app.api.problems import problem_responses
from app.api.rest.responses import one
from app.api.rest.schemas.settings import PolicyOut, PolicyUpdate
from app.services import settings_admin as service

router = APIRouter(prefix="/v1/policy", tags=["policy"])


@router.get("", operation_id="policy-get", response_model=PolicyOut, responses=problem_responses())
async def get_policy(uc: PairsRead) -> Response:
    """The cadence policy every pair and meeting is checked against."""
    return one(PolicyOut, await service.policy(uc))


@router.patch(
    "",
    operation_id="policy-update",
    response_model=PolicyOut,
    responses=problem_responses(
        "nothing_to_change", "admin_only", "null_field", "inconsistent_policy"
    ),
)
async def update_policy(body: PolicyUpdate, uc: PolicyWrite) -> Response:
    """Change policy figures; they must stay consistent (min <= target/default <= max)."""
    changes = body.model_dump(exclude_unset=True)
    return one(PolicyOut, await service.update_policy(uc, changes))
