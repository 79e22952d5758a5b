"""`rapport tokens rotate-secret`: new person tokens are signed with a new key, old ones
are honoured until they expire, on every process; a retired generation stops verifying
once every token it could have signed has expired."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from app.api.app import create_app
from tests.conftest import Live, live_settings
from tests.support.credentials import signing_key
from tests.support.live import runtime, serve_in_thread
from tests.support.postgres import as_app_role
from tests.support.processes import RAPPORT, rapport_env
from tests.support.tenants import Tenant


def _app_url(live: Live) -> str:
    url = live.database_url
    return url if url.startswith("sqlite") else as_app_role(url)


@pytest.fixture
def fresh_process(live: Live) -> Iterator[httpx.Client]:
    """Another process on the same database, which has cached no signing generation."""
    app = create_app(live_settings(_app_url(live)), clock=live.clock)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield http


def _mint(http: httpx.Client, tenant: Tenant, person_id: str) -> str:
    response = http.post(
        "/v1/person-tokens",
        headers={"Authorization": f"Bearer {tenant.admin_key}"},
        json={"person_id": person_id},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def _status(http: httpx.Client, token: str) -> int:
    return http.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_rotation_signs_new_tokens_anew_and_honours_old_ones(
    live: Live, tenant: Tenant, fresh_process: httpx.Client
) -> None:
    person = tenant.person()
    old_token = _mint(tenant.http, tenant, person["id"])
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    old_key = signing_key(live, old_kid)
    rotated = subprocess.run(
        [str(RAPPORT), "tokens", "rotate-secret"],
        env=rapport_env(database_url=_app_url(live)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert rotated.returncode == 0, rotated.stderr
    new_kid = rotated.stdout.strip()
    assert int(new_kid) > int(old_kid)
    # A process that has not seen the rotation before signs with the new generation …
    new_token = _mint(fresh_process, tenant, person["id"])
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    # … and every process accepts both: a kid it does not know yet makes it look again.
    for http in (tenant.http, fresh_process):
        assert _status(http, old_token) == 200
        assert _status(http, new_token) == 200
    # Once the longest-lived token of the old generation has expired, the old generation
    # signs nothing that is accepted, whatever the token claims.
    grace = runtime(live.app).credentials.signing_keys.grace
    retired_at = datetime.now(UTC)
    for after, expected in (
        (grace - timedelta(minutes=5), 200),
        (grace + timedelta(seconds=1), 401),
    ):
        live.clock.pinned = retired_at + after
        now = int(live.clock().timestamp())
        claims = {**jwt.decode(old_token, options={"verify_signature": False}), "iat": now}
        forged = jwt.encode({**claims, "exp": now + 600}, old_key, "HS256", {"kid": old_kid})
        assert _status(tenant.http, forged) == expected, after
