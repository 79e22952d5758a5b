"""The organization's request budgets (admin keys)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.access import AdminRead, AdminWrite
from app.api.problems import problem_responses
from app.api.runtime import runtime_of
from app.api.schemas.rate_limits import RateLimitsIn, RateLimitsOut
from app.domain.rate_limits import RateLimitSetting
from app.services import rate_limit_settings as service
from app.services.rate_limit_settings import Budgets

router = APIRouter(prefix="/v1", tags=["access"])


def _out(setting: RateLimitSetting, defaults: Budgets) -> Response:
    effective = defaults.within(setting)
    body = RateLimitsOut(
        per_key=setting.per_key,
        per_organization=setting.per_organization,
        effective_per_key=str(effective.per_key),
        effective_per_organization=str(effective.per_organization),
    )
    return Response(body.model_dump_json(), media_type="application/json")


@router.get(
    "/rate-limits",
    operation_id="rate-limits-get",
    response_model=RateLimitsOut,
    responses=problem_responses("service_key_only"),
)
async def get_rate_limits(ctx: AdminRead, request: Request) -> Response:
    """The organization's request budgets: its own choice and what is in force."""
    defaults = runtime_of(request).rate_limiter.defaults
    return _out(await service.rate_limits(ctx), defaults)


@router.put(
    "/rate-limits",
    operation_id="rate-limits-replace",
    response_model=RateLimitsOut,
    responses=problem_responses("service_key_only", "invalid_rate_limit"),
)
async def replace_rate_limits(body: RateLimitsIn, ctx: AdminWrite, request: Request) -> Response:
    """Lower the organization's budgets below the service's (null: the service's default),
    for instance to keep one integration from spending what the others need. In force at
    once on this replica, within the key cache time on the others."""
    limiter = runtime_of(request).rate_limiter
    setting = await service.replace_rate_limits(
        ctx, body.per_key, body.per_organization, limiter.defaults
    )
    limiter.forget(ctx.org_id)
    return _out(setting, limiter.defaults)
