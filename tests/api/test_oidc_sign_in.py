"""OpenID Connect sign-in: Rapport verifies the ID tokens of an organization's own identity
provider (a local issuer: keys made here, a JWKS served on 127.0.0.1), and with it on no
service key can act as a person."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import Live
from tests.support.credentials import ME_QUERY, caller_of, jwt_segment, refusal_of
from tests.support.identity_provider import (
    Issuer,
    enable_oidc,
    local_issuer,
    new_audience,
    rsa_key,
)
from tests.support.tenants import Tenant


def test_an_id_token_signs_its_person_in_on_rest_and_graphql(
    tenant: Tenant, issuer: Issuer
) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    for key in issuer.keys:  # RS256 and ES256
        token = issuer.id_token(audience, key=key, email=person["email"].upper())
        status, me = caller_of(tenant, token)
        assert status == 200, me
        assert me["kind"] == "person" and me["person"]["id"] == person["id"]
    graph = tenant.call("POST", "/graphql", key=token, json={"query": ME_QUERY}).json()
    assert graph["data"]["me"]["person"]["id"] == person["id"], graph


def test_the_subject_can_name_the_person_by_external_id(tenant: Tenant, issuer: Issuer) -> None:
    subject = f"hris-{uuid4().hex[:8]}"
    person = tenant.person(external_id=subject)
    audience = enable_oidc(tenant, issuer, person_claim="external_id")
    status, me = caller_of(tenant, issuer.id_token(audience, sub=subject, email="unrelated@x.org"))
    assert status == 200 and me["person"]["id"] == person["id"]
    refusal_of(tenant, issuer.id_token(audience, email=person["email"]))


def test_tokens_that_do_not_check_out_are_refused(tenant: Tenant, issuer: Issuer) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    email = person["email"]
    impostor = rsa_key(kid=issuer.keys[0].kid)  # same kid, another key
    refusals = {
        "bad signature": issuer.id_token(audience, key=impostor, email=email),
        "wrong audience": issuer.id_token(new_audience(), email=email),
        "wrong issuer": issuer.id_token(audience, email=email, iss="https://evil.example"),
        "unknown person": issuer.id_token(audience, email="nobody@example.com"),
        "no email": issuer.id_token(audience),
        "unverified email": issuer.id_token(audience, email=email, email_verified=False),
        "issued in the future": issuer.id_token(audience, email=email, iat=2**40),
        "other client (azp)": issuer.id_token(audience, email=email, azp="another-client"),
        "several audiences, no azp": issuer.id_token([audience, "another-client"], email=email),
        "unknown kid": issuer.id_token(audience, key=rsa_key(), email=email),
    }
    for case, token in refusals.items():
        status, problem = caller_of(tenant, token)
        assert (status, problem["code"]) == (401, "invalid_credential"), (case, problem)
    expired = issuer.id_token(audience, email=email, lifetime=-10)
    assert "expired" in refusal_of(tenant, expired, code="token_expired")
    several = issuer.id_token([audience, "another-client"], email=email, azp=audience)
    assert caller_of(tenant, several)[0] == 200


def test_a_deactivated_person_cannot_sign_in(tenant: Tenant, issuer: Issuer) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    token = issuer.id_token(audience, email=person["email"])
    assert caller_of(tenant, token)[0] == 200
    tenant.call("POST", f"/v1/people/{person['id']}/deactivate")
    assert "deactivated" in refusal_of(tenant, token)


def test_a_new_key_at_the_issuer_is_fetched_when_a_token_names_it(
    tenant: Tenant, issuer: Issuer
) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    assert caller_of(tenant, issuer.id_token(audience, email=person["email"]))[0] == 200
    fetched = issuer.fetches
    rotated = rsa_key()
    issuer.keys = [rotated]  # the issuer rotates: the old key is gone, a new kid appears
    status, me = caller_of(tenant, issuer.id_token(audience, key=rotated, email=person["email"]))
    assert status == 200, me
    assert issuer.fetches == fetched + 1


def _unavailable(tenant: Tenant, token: str) -> None:
    response = tenant.call("GET", "/v1/me", key=token)
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "identity_provider_unavailable"
    assert int(response.headers["retry-after"]) > 0


@pytest.mark.parametrize("answer", ["error", "garbage"])
def test_a_provider_answering_badly_is_503_not_500(
    tenant: Tenant, issuer: Issuer, answer: str
) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    issuer.answer = answer
    _unavailable(tenant, issuer.id_token(audience, email=person["email"]))


def test_a_provider_that_is_down_is_503_not_500(tenant: Tenant) -> None:
    person = tenant.person()
    with local_issuer() as issuer:
        audience = enable_oidc(tenant, issuer)
        token = issuer.id_token(audience, email=person["email"])
    _unavailable(tenant, token)


def test_with_oidc_on_no_service_key_can_act_as_a_person(tenant: Tenant, issuer: Issuer) -> None:
    person = tenant.person()
    minted = tenant.call("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert minted.status_code == 200
    old_token = minted.json()["token"]
    enable_oidc(tenant, issuer)
    refused = tenant.call("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert refused.status_code == 403 and refused.json()["code"] == "oidc_sign_in_only"
    assert "OpenID Connect" in refusal_of(tenant, old_token)
    graph = tenant.call("POST", "/graphql", key=old_token, json={"query": ME_QUERY})
    assert graph.status_code == 401
    back = tenant.call("PUT", "/v1/sign-in", json={"mode": "tokens"})
    assert back.status_code == 200 and back.json()["mode"] == "tokens"
    assert caller_of(tenant, old_token)[0] == 200


def test_an_id_token_reaches_only_the_organization_of_its_issuer_and_audience(
    live: Live, tenant: Tenant, issuer: Issuer
) -> None:
    other = live.tenant()
    email = f"same.person.{uuid4().hex[:6]}@example.com"
    mine, theirs = tenant.person(email=email), other.person(email=email)
    audience = enable_oidc(tenant, issuer)
    with local_issuer() as attacker:
        # The other organization's own provider signs tokens naming this one's issuer or
        # audience: they reach no one.
        other_audience = enable_oidc(other, attacker)
        forged_issuer = attacker.id_token(audience, email=email, iss=issuer.issuer)
        refusal_of(tenant, forged_issuer)
        refusal_of(tenant, attacker.id_token(audience, email=email))
        # Each provider's genuine token names the person of its own organization.
        theirs_token = attacker.id_token(other_audience, email=email)
        assert caller_of(other, theirs_token)[1]["person"]["id"] == theirs["id"]
        mine_token = issuer.id_token(audience, email=email)
        assert caller_of(tenant, mine_token)[1]["person"]["id"] == mine["id"]
        # The other organization cannot claim this one's issuer and audience.
        taken = other.call("PUT", "/v1/sign-in", json=issuer.sign_in_settings(audience))
        assert taken.status_code == 409 and taken.json()["code"] == "sign_in_in_use"


def test_algorithm_and_key_confusion_is_refused(tenant: Tenant, issuer: Issuer) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    genuine = jwt.decode(
        issuer.id_token(audience, email=person["email"]), options={"verify_signature": False}
    )
    public_pem = (
        issuer.keys[0]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {"kid": issuer.keys[0].kid}
    with local_issuer() as attacker:
        forgeries = {
            # The issuer's public key used as an HMAC secret.
            "hs256 with the public key": _hmac(genuine, public_pem, header),
            "alg none": _unsigned(genuine, header),
            # A key set named by the token itself is never fetched.
            "jku": attacker.id_token(
                audience,
                email=person["email"],
                iss=issuer.issuer,
                headers={"jku": attacker.jwks_url, "kid": attacker.keys[0].kid},
            ),
            "no kid": jwt.encode(genuine, issuer.keys[0].private, algorithm="RS256"),
            # Unverified claims choose the organization: odd ones must not break the lookup.
            "nul in iss": _unsigned({**genuine, "iss": "https://x\u0000"}, {"alg": "RS256"}),
            "nul in aud": _unsigned({**genuine, "aud": ["a\u0000", 7]}, {"alg": "ES256"}),
            "huge iss": _unsigned({**genuine, "iss": "i" * 5_000}, {"alg": "RS256"}),
            "iss not a string": _unsigned({**genuine, "iss": {"a": 1}}, {"alg": "RS256"}),
            # A genuine signature over an email no column can hold.
            "nul in email": issuer.id_token(audience, email="a\u0000@example.com"),
        }
        for case, token in forgeries.items():
            status, problem = caller_of(tenant, token)
            assert (status, problem.get("code")) == (401, "invalid_credential"), (case, problem)
        assert attacker.fetches == 0


def _hmac(claims: dict[str, Any], secret: bytes, header: dict[str, Any]) -> str:
    signing_input = f"{jwt_segment({'alg': 'HS256', 'typ': 'JWT', **header})}.{jwt_segment(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def _unsigned(claims: dict[str, Any], header: dict[str, Any]) -> str:
    """A token with the given header (alg `none` unless it names another) and no
    signature."""
    return f"{jwt_segment({'alg': 'none', **header})}.{jwt_segment(claims)}."
