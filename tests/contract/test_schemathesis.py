"""Schemathesis over the whole committed OpenAPI document, authenticated, all checks."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.api.contract import OPENAPI_PATH
from app.api.idempotency import KEY_HEADER, KEY_PATTERN
from app.domain.access import KEY_PREFIX, Scope
from app.domain.rate_limits import RateLimitSetting
from app.persistence.unit_of_work import unit_of_work
from tests.conftest import Live
from tests.support.live import runtime
from tests.support.tenants import Tenant

# The key is known before the schema loads so that schemathesis treats every operation's
# security requirement as met; the fixture below stores it for one organization.
CONTRACT_KEY = KEY_PREFIX + "contract_" + secrets.token_urlsafe(16)

CONFIG = schemathesis.Config.from_dict(
    {
        # Credentials are supplied (below and per scenario), never generated: the route
        # matrix tests missing and invalid credentials on every operation.
        "generation": {
            "max-examples": 15,
            "database": "none",
            "with-security-parameters": False,
        },
        # Follow the document's own links only (no guessed ones).
        "phases": {"stateful": {"inference": {"algorithms": []}}},
        "auth": {"openapi": {"serviceKey": {"bearer": CONTRACT_KEY}}},
        # Schema-valid input can still break a domain rule (a past meeting, a cadence
        # outside the policy, an unknown reference): those are declared 422 problems. A
        # generated If-None-Match or If-Match can name the record's version (304) or another
        # (412); both are declared per operation.
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "304", "401", "403", "404", "409", "412", "422"]
            }
        },
    }
)
schema = schemathesis.openapi.from_path(OPENAPI_PATH, config=CONFIG)


@pytest.fixture(scope="session")
def contract_tenant(live: Live) -> Tenant:
    """One organization for every generated call, owning the contract key (all scopes)."""
    tenant = live.tenant()
    tenant.store_key(CONTRACT_KEY, frozenset({Scope.ADMIN}))
    return tenant


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_honours_its_contract(
    case: schemathesis.Case,  # type: ignore[type-arg]
    live: Live,
    contract_tenant: Tenant,
) -> None:
    case.headers.update(_fresh_key(case))
    case.call_and_validate(base_url=live.base_url)
    if case.operation.path == "/v1/rate-limits":
        _restore_budgets(live, contract_tenant)
    if case.operation.path == "/v1/policy":
        _restore_optional_if_match(live, contract_tenant)


def _fresh_key(case: schemathesis.Case) -> dict[str, str]:  # type: ignore[type-arg]
    """Each generated call is a new request: a valid generated Idempotency-Key becomes a
    fresh one, so that no call replays another's answer or is refused as a reuse of its key
    (docs/retries.md). An invalid one is kept: its 400 is what a negative case checks."""
    generated = case.headers.get(KEY_HEADER) if case.headers is not None else None
    if generated is None or not re.fullmatch(KEY_PATTERN, str(generated)):
        return {}
    return {KEY_HEADER: str(uuid4())}


def _restore_budgets(live: Live, tenant: Tenant) -> None:
    """A generated call may lower the organization's budgets to a few requests; later calls
    test their own operations, not the budget the generator chose."""

    async def restore() -> None:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(tenant.org_id)
            await uow.rate_limits.save(RateLimitSetting(tenant.org_id), datetime.now(UTC))

    live.portal.call(restore)
    runtime(live.app).rate_limiter.forget(tenant.org_id)


def test_api_honours_its_contract_across_linked_calls(live: Live) -> None:
    """Stateful runs along the document's links: create a pair, schedule, then reschedule,
    cancel or complete, rate, take notes… every response checked. Each scenario gets its own
    organization, so scenarios replay the same way."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.key = live.tenant().admin_key

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:  # type: ignore[type-arg]
            headers = {"Authorization": f"Bearer {self.key}", **_fresh_key(case)}
            return {"base_url": live.base_url, "headers": headers}

    Workflow.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )


def _restore_optional_if_match(live: Live, tenant: Tenant) -> None:
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
