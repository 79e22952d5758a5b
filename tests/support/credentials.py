"""Person credentials in tests: the service's signing keys (for forgeries that carry a
valid signature), hand-built JWT parts, and what /v1/me answers to a credential."""

from __future__ import annotations

import base64
import json
from typing import Any

from app.persistence.unit_of_work import unit_of_work
from tests.conftest import Live
from tests.support.live import runtime
from tests.support.tenants import Tenant

ME_QUERY = "{ me { kind person { id email } } }"


def signing_key(live: Live, kid: str) -> bytes:
    """The key of a signing generation as the live app derives it (it must still verify)."""

    async def derive() -> bytes | None:
        async with unit_of_work(live.engine, write=False) as uow:
            keys = runtime(live.app).credentials.signing_keys
            return await keys.verifying(uow, kid, live.clock())

    key = live.portal.call(derive)
    assert key is not None, f"generation {kid} does not verify"
    return key


def jwt_segment(data: dict[str, Any]) -> str:
    """One base64url part of a JWT, for tokens built by hand."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def caller_of(tenant: Tenant, credential: str) -> tuple[int, dict[str, Any]]:
    """GET /v1/me with a credential: its status and body."""
    response = tenant.call("GET", "/v1/me", key=credential)
    return response.status_code, response.json()


def refusal_of(tenant: Tenant, credential: str, code: str = "invalid_credential") -> str:
    """The credential is refused with 401 and this code; returns the problem's detail."""
    status, problem = caller_of(tenant, credential)
    assert (status, problem["code"]) == (401, code), problem
    return str(problem["detail"])
