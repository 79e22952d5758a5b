"""Schemathesis over the whole committed OpenAPI document, authenticated, all checks."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.api.contract import OPENAPI_PATH
from app.domain.access import KEY_PREFIX, Scope
from tests.conftest import Live
from tests.contract.calls import fresh_key, restore_budgets
from tests.contract.world_rules import ContractWorld

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
        # A schema-valid request is accepted, unless it names a record that does not exist
        # (404) or conflicts with the state of one (409; a generated If-None-Match or
        # If-Match naming the record's version, 304, or another, 412): the document states
        # every other constraint, in its schemas or, for rules over the stored data, the
        # clock or the configuration, in words (tests/contract/world_rules.py brings
        # positive cases within those).
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "304", "404", "409", "412"]}
        },
    }
)
schema = schemathesis.openapi.from_path(OPENAPI_PATH, config=CONFIG)


@pytest.fixture(scope="session")
def contract_world(live: Live) -> ContractWorld:
    """One organization for every generated call, owning the contract key (all scopes),
    with the records generated references are pointed at."""
    tenant = live.tenant()
    tenant.store_key(CONTRACT_KEY, frozenset({Scope.ADMIN}))
    return ContractWorld.build(live, tenant)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_honours_its_contract(
    case: schemathesis.Case,  # type: ignore[type-arg]
    live: Live,
    contract_world: ContractWorld,
) -> None:
    credential = contract_world.prepare(case)
    case.headers.update(fresh_key(case))
    case.call_and_validate(base_url=live.base_url, headers=credential)
    contract_world.restore(case)
    if case.operation.path == "/v1/rate-limits":
        restore_budgets(live, contract_world.tenant)


def test_api_honours_its_contract_across_linked_calls(live: Live) -> None:
    """Stateful runs along the document's links: create a pair, schedule, then reschedule,
    cancel or complete, rate, take notes… every response checked. Each scenario gets its own
    organization, so scenarios replay the same way."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            tenant = live.tenant()
            self.key = tenant.admin_key
            self.world = ContractWorld.build(live, tenant)

        def before_call(self, case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            credential = self.world.prepare(case)
            self.credential = credential or {"Authorization": f"Bearer {self.key}"}
            case.headers.update(fresh_key(case))

        def after_call(self, response: Any, case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            self.world.restore(case)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:  # type: ignore[type-arg]
            return {"base_url": live.base_url, "headers": self.credential}

    Workflow.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
