"""What the contract tests do to each generated call before and after sending it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import schemathesis

from app.api.idempotency import KEY_HEADER, KEY_PATTERN
from app.domain.rate_limits import RateLimitSetting
from app.persistence.unit_of_work import unit_of_work
from tests.conftest import Live
from tests.support.live import runtime
from tests.support.tenants import Tenant


def fresh_key(case: schemathesis.Case) -> dict[str, str]:  # type: ignore[type-arg]
    """Each generated call is a new request: a valid generated Idempotency-Key becomes a
    fresh one, so that no call replays another's answer or is refused as a reuse of its key
    (docs/retries.md). An invalid one is kept: its 400 is what a negative case checks."""
    generated = case.headers.get(KEY_HEADER) if case.headers is not None else None
    if generated is None or not re.fullmatch(KEY_PATTERN, str(generated)):
        return {}
    return {KEY_HEADER: str(uuid4())}


def restore_budgets(live: Live, tenant: Tenant) -> None:
    """A generated call may lower the organization's budgets to a few requests; later calls
    test their own operations, not the budget the generator chose."""

    async def restore() -> None:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(tenant.org_id)
            await uow.rate_limits.save(RateLimitSetting(tenant.org_id), datetime.now(UTC))

    live.portal.call(restore)
    runtime(live.app).rate_limiter.forget(tenant.org_id)


def restore_optional_if_match(live: Live, tenant: Tenant) -> None:
    """A generated policy may require If-Match; later calls, which send none, test their
    own operations rather than that refusal."""

    async def restore() -> None:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(tenant.org_id)
            policy = await uow.policies.get(tenant.org_id)
            if policy.require_if_match:
                optional = replace(policy, require_if_match=False)
                await uow.policies.save_over(optional, datetime.now(UTC), None)

    live.portal.call(restore)
