"""The committed SDL is the schema the app serves, and schemathesis's GraphQL mode finds no
fault in it: every generated query and mutation answers without a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.api.graphql.sdl import SDL_PATH, sdl
from tests.conftest import Live
from tests.support.tenants import Tenant


def test_the_committed_sdl_matches_the_schema() -> None:
    assert SDL_PATH.read_text() == sdl(), "openapi/schema.graphql is stale: make graphql-schema"


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 10, "database": "none"},
        # Schema-valid input can still break a rule the SDL cannot state (a page of 0, a
        # cursor this API did not issue): those are refusals with REST's codes, like the
        # 422s the REST contract test accepts. Server errors and schema violations count.
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }
)
schema = schemathesis.graphql.from_path(SDL_PATH, config=CONFIG)


@pytest.fixture
def admin_token(tenant: Tenant) -> str:
    """A front end acting for a signed-in admin: every field and mutation can answer (no
    field is refused for the kind of credential) and the privacy contract is in play."""
    admin = tenant.person(role="admin")
    response = tenant.call(
        "POST", "/v1/person-tokens", json={"person_id": admin["id"], "ttl_seconds": 3600}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_graphql_honours_its_schema(
    case: schemathesis.Case,  # type: ignore[type-arg]
    live: Live,
    admin_token: str,
) -> None:
    response = case.call_and_validate(
        base_url=f"{live.base_url}/graphql", headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert response.status_code == 200, response.text  # the credential was accepted
