"""GET and PUT /v1/sign-in: the default, validation that changes nothing, and the longest
values every database stores and indexes."""

from __future__ import annotations

import pytest

from tests.support.tenants import Tenant

OIDC = {
    "mode": "oidc",
    "issuer": "https://login.example.com/tenant",
    "audience": "rapport-frontend",
    "jwks_url": "https://login.example.com/tenant/jwks.json",
}


def test_people_sign_in_with_person_tokens_until_an_admin_chooses(tenant: Tenant) -> None:
    response = tenant.call("GET", "/v1/sign-in")
    assert response.status_code == 200
    assert response.json() == {
        "mode": "tokens",
        "issuer": None,
        "audience": None,
        "jwks_url": None,
        "person_claim": "email",
    }


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"jwks_url": None}, "oidc_incomplete"),
        ({"audience": None}, "oidc_incomplete"),
        ({"jwks_url": "http://login.example.com/jwks.json"}, "unsafe_provider_url"),
        ({"jwks_url": "https://169.254.169.254/latest/meta-data"}, "unsafe_provider_url"),
        ({"jwks_url": "https://[fd00::1]/jwks.json"}, "unsafe_provider_url"),
        ({"issuer": "https://login.example.com/?tenant=1"}, "unsafe_provider_url"),
        ({"person_claim": "name"}, "validation_error"),
        ({"mode": "saml"}, "validation_error"),
        ({"extra": 1}, "unknown_field"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    tenant: Tenant, change: dict[str, object], code: str
) -> None:
    body = {key: value for key, value in {**OIDC, **change}.items() if value is not None}
    response = tenant.call("PUT", "/v1/sign-in", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert tenant.call("GET", "/v1/sign-in").json()["mode"] == "tokens"


def _incompressible(length: int) -> str:
    """Distinct four-byte characters, which no compression shortens much."""
    return "".join(chr(0x1F300 + (i * 7919) % 4000) for i in range(length))


def test_the_longest_values_are_stored_and_read_back(tenant: Tenant) -> None:
    """Four-byte characters at every maximum length still fit PostgreSQL's index rows."""
    host = "https://login.example.com/"
    settings = {
        "mode": "oidc",
        "issuer": host + _incompressible(300 - len(host)),
        "audience": _incompressible(255),
        "jwks_url": host + _incompressible(2000 - len(host)),
        "person_claim": "external_id",
    }
    response = tenant.call("PUT", "/v1/sign-in", json=settings)
    assert response.status_code == 200, response.text
    assert tenant.call("GET", "/v1/sign-in").json() == settings
    too_long = {**settings, "issuer": settings["issuer"] + "x"}
    assert tenant.call("PUT", "/v1/sign-in", json=too_long).status_code == 422
