"""Person tokens: minted by a key with tokens:write, short-lived, dead with their key, for an
admin only by an admin key, and refused when expired, tampered, of another algorithm,
generation or organization, or of a deactivated person."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from app.api.app import create_app
from app.domain.access import Scope
from app.settings import Settings
from tests.conftest import Live, live_settings
from tests.support.credentials import caller_of, jwt_segment, refusal_of, signing_key
from tests.support.live import runtime, serve_in_thread
from tests.support.postgres import as_app_role
from tests.support.tenants import Tenant


def _mint(tenant: Tenant, person_id: str, key: str | None = None, **extra: object) -> str:
    response = tenant.call(
        "POST", "/v1/person-tokens", key=key, json={"person_id": person_id, **extra}
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    token: str = response.json()["token"]
    return token


def test_a_token_acts_for_its_person_until_it_expires(live: Live, tenant: Tenant) -> None:
    person = tenant.person()
    token = _mint(tenant, person["id"], ttl_seconds=120)
    status, me = caller_of(tenant, token)
    assert status == 200 and me["person"]["id"] == person["id"]
    live.clock.pinned = live.clock() + timedelta(seconds=121)
    response = tenant.call("GET", "/v1/me", key=token)
    assert response.status_code == 401 and response.json()["code"] == "token_expired"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_default_lifetime_is_fifteen_minutes_and_at_most_twelve_hours(tenant: Tenant) -> None:
    person = tenant.person()
    claims = jwt.decode(_mint(tenant, person["id"]), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    too_long = tenant.call(
        "POST", "/v1/person-tokens", json={"person_id": person["id"], "ttl_seconds": 12 * 3600 + 1}
    )
    assert too_long.status_code == 422


def test_deactivated_people_lose_access_at_once(tenant: Tenant) -> None:
    person = tenant.person()
    token = _mint(tenant, person["id"])
    assert caller_of(tenant, token)[0] == 200
    tenant.call("POST", f"/v1/people/{person['id']}/deactivate")
    assert "deactivated" in refusal_of(tenant, token)
    refused = tenant.call("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert refused.status_code == 422 and refused.json()["code"] == "person_inactive"


FORGERIES = [
    "tampered",
    "alg_none",
    "hs512",
    "wrong_secret",
    "master_secret",
    "other_org",
    "other_key",
    "not_person",
    "no_key_claim",
    "iat_in_the_future",
    "lifetime_beyond_maximum",
    "iat_not_a_number",
    "kid_unknown",
    "kid_not_a_generation",
    "kid_missing",
    "alg_not_a_string",
    "junk",
]


@pytest.mark.parametrize("forgery", FORGERIES)
def test_untrustworthy_tokens_are_refused(live: Live, tenant: Tenant, forgery: str) -> None:
    """Forgeries signed with the real key of the generation where the point is a claim."""
    person = tenant.person()
    token = _mint(tenant, person["id"])
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    key = signing_key(live, header["kid"])
    other = live.tenant()
    now = int(time.time())

    def signed(changes: dict[str, Any], **headers: Any) -> str:
        merged = {k: v for k, v in {**claims, **changes}.items() if v is not None}
        return jwt.encode(merged, key, algorithm="HS256", headers={**header, **headers})

    head, _, signature = token.split(".")
    forgeries: dict[str, Callable[[], str]] = {
        "tampered": lambda: ".".join(
            [head, jwt_segment({**claims, "sub": other.person()["id"]}), signature]
        ),
        "alg_none": lambda: (
            f"{jwt_segment({'alg': 'none', 'kid': header['kid']})}.{jwt_segment(claims)}."
        ),
        "hs512": lambda: jwt.encode(claims, key * 2, algorithm="HS512", headers=header),
        "wrong_secret": lambda: jwt.encode(claims, "x" * 48, algorithm="HS256", headers=header),
        # The master secret itself signs nothing: keys are derived per generation.
        "master_secret": lambda: jwt.encode(
            claims,
            runtime(live.app).settings.signing_secret(),
            algorithm="HS256",
            headers=header,
        ),
        "other_org": lambda: signed({"org": str(other.org_id)}),
        "other_key": lambda: signed({"key": _key_id(other, other.admin_key)}),
        "not_person": lambda: signed({"typ": "refresh"}),
        "no_key_claim": lambda: signed({"key": None}),
        "iat_in_the_future": lambda: signed({"iat": now + 3600, "exp": now + 4000}),
        "lifetime_beyond_maximum": lambda: signed({"iat": now - 60, "exp": now + 12 * 3600}),
        "iat_not_a_number": lambda: signed({"iat": True}),
        "kid_unknown": lambda: signed({}, kid="999"),
        "kid_not_a_generation": lambda: signed({}, kid="../../etc/passwd"),
        "kid_missing": lambda: jwt.encode(claims, key, algorithm="HS256"),
        "alg_not_a_string": lambda: (
            jwt_segment({"alg": ["HS256", "RS256"], "kid": "1"})
            + f".{jwt_segment(claims)}.{signature}"
        ),
        "junk": lambda: "not-a-token",
    }
    detail = refusal_of(tenant, forgeries[forgery]())
    assert detail and "Traceback" not in detail


def _key_id(tenant: Tenant, key: str) -> str:
    me = tenant.call("GET", "/v1/me", key=key).json()
    return str(me["service_key"]["id"])


def test_people_cannot_mint_or_manage_keys(tenant: Tenant) -> None:
    person = tenant.person()
    token = _mint(tenant, person["id"])
    for method, path in (("POST", "/v1/person-tokens"), ("GET", "/v1/service-keys")):
        response = tenant.call(method, path, key=token, json={"person_id": person["id"]})
        assert response.status_code == 403 and response.json()["code"] == "service_key_only"
    key = tenant.key(Scope.PEOPLE_READ)
    response = tenant.call("POST", "/v1/person-tokens", key=key, json={"person_id": person["id"]})
    assert response.status_code == 403 and response.json()["required_scope"] == "tokens:write"


def test_only_an_admin_key_mints_for_an_admin(tenant: Tenant) -> None:
    admin = tenant.person(role="admin")
    minter = tenant.key(Scope.TOKENS_WRITE)
    refused = tenant.call("POST", "/v1/person-tokens", key=minter, json={"person_id": admin["id"]})
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "admin_token_needs_admin_key"
    token = _mint(tenant, admin["id"], key=tenant.admin_key)
    assert caller_of(tenant, token)[1]["person"]["role"] == "admin"


def test_a_member_promoted_after_minting_does_not_carry_admin_power(tenant: Tenant) -> None:
    """The attack: a tokens:write + people:write key mints for a member, then promotes
    them; the token must not become an admin's."""
    member = tenant.person()
    minter = tenant.key(Scope.TOKENS_WRITE, Scope.PEOPLE_WRITE)
    token = _mint(tenant, member["id"], key=minter)
    promoted = tenant.call(
        "PATCH", f"/v1/people/{member['id']}", key=minter, json={"role": "admin"}
    )
    assert promoted.status_code == 200, promoted.text
    assert "admin" in refusal_of(tenant, token)
    policy = tenant.call("PATCH", "/v1/policy", key=token, json={"grace_days": 5})
    assert policy.status_code == 401


def test_tokens_die_with_the_key_that_minted_them(tenant: Tenant) -> None:
    person = tenant.person()
    minter = tenant.key(Scope.TOKENS_WRITE)
    token = _mint(tenant, person["id"], key=minter)
    assert caller_of(tenant, token)[0] == 200
    key_id = _key_id(tenant, minter)
    assert tenant.call("DELETE", f"/v1/service-keys/{key_id}").status_code == 204
    assert "revoked" in refusal_of(tenant, token)
    graph = tenant.call("POST", "/graphql", key=token, json={"query": "{ me { kind } }"})
    assert graph.status_code == 401
    assert graph.json()["errors"][0]["extensions"]["code"] == "invalid_credential"


@pytest.fixture
def second_process(live: Live) -> Iterator[tuple[httpx.Client, FastAPI]]:
    """Another process on the same database: its own caches, its own signing keys."""
    url = live.database_url
    app = create_app(
        live_settings(url if url.startswith("sqlite") else as_app_role(url)), clock=live.clock
    )
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield http, app


def test_a_revocation_reaches_every_process_within_the_key_cache_time(
    tenant: Tenant, second_process: tuple[httpx.Client, FastAPI]
) -> None:
    there, app = second_process
    person = tenant.person()
    minter = tenant.key(Scope.TOKENS_WRITE)
    token = _mint(tenant, person["id"], key=minter)
    bearer = {"Authorization": f"Bearer {token}"}
    assert there.get("/v1/me", headers=bearer).status_code == 200  # now trusted a while
    assert tenant.call("DELETE", f"/v1/service-keys/{_key_id(tenant, minter)}").status_code == 204
    assert "revoked" in refusal_of(tenant, token)  # at once where it was revoked
    keys = runtime(app).credentials.keys
    later = keys.clock() + runtime(app).settings.key_cache_seconds + 0.001
    keys.by_id.clock = keys.by_digest.clock = lambda: later  # the cache time has passed
    refused = there.get("/v1/me", headers=bearer)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_production_refuses_to_start_without_a_strong_secret() -> None:
    for secret in (None, "short"):
        with pytest.raises(ValueError, match="RAPPORT_TOKEN_SECRET"):
            create_app(Settings(environment="production", token_secret=secret))
    with pytest.raises(ValueError, match="OIDC_ALLOW_HTTP_LOOPBACK"):
        create_app(
            Settings(environment="production", token_secret="s" * 48, oidc_allow_http_loopback=True)
        )
    create_app(
        Settings(environment="production", token_secret="s" * 48, database_url="postgresql://db/r")
    )


def test_the_clock_bounds_are_the_services_own(live: Live, tenant: Tenant) -> None:
    """A token issued a minute ahead (clock difference) is fine; further ahead is not."""
    person = tenant.person()
    token = _mint(tenant, person["id"])
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    key = signing_key(live, header["kid"])
    ahead = int(datetime.now().timestamp()) + 50
    fine = jwt.encode({**claims, "iat": ahead, "exp": ahead + 600}, key, "HS256", header)
    assert caller_of(tenant, fine)[0] == 200
