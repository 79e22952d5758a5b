"""scim2-tester's conformance checks (discovery, CRUD, PATCH) against the served app."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import ScimProvider
from scim2_tester import Status, check_server

from app.domain.access import Scope
from tests.conftest import Live


def _client(live: Live) -> SyncSCIMClient:
    key = live.tenant().key(Scope.SCIM)
    http = httpx2.Client(
        base_url=f"{live.base_url}/scim/v2",
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    # An empty description: the checker builds its models from what /Schemas publishes.
    return SyncSCIMClient(http, provider=ScimProvider())


@pytest.mark.parametrize("tags", [{"discovery"}, {"crud"}, {"patch"}, {"misc"}])
def test_check_server_passes(live: Live, tags: set[str]) -> None:
    results = check_server(_client(live), include_tags=tags)
    failed = [
        f"{r.resource_type} {r.title}: {r.reason}"
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED)
    ]
    assert results
    assert not failed, "\n".join(failed)
