"""Person tokens: minted by a key with tokens:write, short-lived, and refused when expired,
tampered, of another algorithm or organization, or of a deactivated person."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest

from app.api.app import create_app
from app.domain.access import Scope
from app.settings import Settings
from tests.conftest import Live
from tests.support.live import runtime
from tests.support.tenants import Tenant


def _secret(live: Live) -> str:
    return runtime(live.app).settings.signing_secret()


def _mint(tenant: Tenant, person_id: str, **extra: object) -> dict[str, object]:
    response = tenant.call("POST", "/v1/person-tokens", json={"person_id": person_id, **extra})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, object] = response.json()
    return body


def _me(tenant: Tenant, token: str) -> tuple[int, dict[str, object]]:
    response = tenant.call("GET", "/v1/me", key=token)
    return response.status_code, response.json()


def test_a_token_acts_for_its_person_until_it_expires(live: Live, tenant: Tenant) -> None:
    person = tenant.person()
    issued = _mint(tenant, person["id"], ttl_seconds=120)
    status, me = _me(tenant, str(issued["token"]))
    assert status == 200 and me["person"]["id"] == person["id"]  # type: ignore[index]
    live.clock.pinned = live.clock() + timedelta(seconds=121)
    status, problem = _me(tenant, str(issued["token"]))
    assert status == 401 and problem["code"] == "invalid_credential"
    assert "expired" in str(problem["detail"])


def test_default_lifetime_is_fifteen_minutes_and_at_most_twelve_hours(tenant: Tenant) -> None:
    person = tenant.person()
    token = str(_mint(tenant, person["id"])["token"])
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    too_long = tenant.call(
        "POST", "/v1/person-tokens", json={"person_id": person["id"], "ttl_seconds": 12 * 3600 + 1}
    )
    assert too_long.status_code == 422


def test_deactivated_people_lose_access_at_once(tenant: Tenant) -> None:
    person = tenant.person()
    token = str(_mint(tenant, person["id"])["token"])
    assert _me(tenant, token)[0] == 200
    tenant.call("POST", f"/v1/people/{person['id']}/deactivate")
    status, problem = _me(tenant, token)
    assert status == 401 and "deactivated" in str(problem["detail"])
    refused = tenant.call("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert refused.status_code == 422 and refused.json()["code"] == "person_inactive"


def _forge(claims: dict[str, object], secret: str, algorithm: str) -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def _segment(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "forgery", ["tampered", "alg_none", "hs512", "wrong_secret", "other_org", "not_person", "junk"]
)
def test_untrustworthy_tokens_are_refused(live: Live, tenant: Tenant, forgery: str) -> None:
    person = tenant.person()
    token = str(_mint(tenant, person["id"])["token"])
    claims = jwt.decode(token, options={"verify_signature": False})
    secret = _secret(live)
    other = live.tenant()
    header, _, signature = token.split(".")
    forgeries: dict[str, Callable[[], str]] = {
        "tampered": lambda: ".".join(
            [header, _segment({**claims, "sub": other.person()["id"]}), signature]
        ),
        "alg_none": lambda: f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}.",
        "hs512": lambda: _forge(claims, secret, "HS512"),
        "wrong_secret": lambda: _forge(claims, "x" * 48, "HS256"),
        "other_org": lambda: _forge({**claims, "org": str(other.org_id)}, secret, "HS256"),
        "not_person": lambda: _forge({**claims, "typ": "refresh"}, secret, "HS256"),
        "junk": lambda: "not-a-token",
    }
    forged = forgeries[forgery]()
    status, problem = _me(tenant, forged)
    assert status == 401, problem
    assert problem["code"] == "invalid_credential"
    assert problem["detail"]


def test_people_cannot_mint_or_manage_keys(tenant: Tenant) -> None:
    person = tenant.person()
    token = str(_mint(tenant, person["id"])["token"])
    for method, path in (("POST", "/v1/person-tokens"), ("GET", "/v1/service-keys")):
        response = tenant.call(method, path, key=token, json={"person_id": person["id"]})
        assert response.status_code == 403 and response.json()["code"] == "service_key_only"
    key = tenant.key(Scope.PEOPLE_READ)
    response = tenant.call("POST", "/v1/person-tokens", key=key, json={"person_id": person["id"]})
    assert response.status_code == 403 and response.json()["required_scope"] == "tokens:write"


def test_production_refuses_to_start_without_a_strong_secret() -> None:
    with pytest.raises(ValueError, match="RAPPORT_TOKEN_SECRET"):
        create_app(Settings(environment="production", token_secret="short"))
    create_app(
        Settings(environment="production", token_secret="s" * 48, database_url="postgresql://db/r")
    )
