"""Sign-in rules without a database: provider URLs (no server-side request forgery),
complete OpenID Connect settings, which signing generations verify, and which person a
provider account signs in as."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from app.domain.errors import InvalidInput
from app.domain.sign_in import SignIn, SignInMode, check_provider_url, is_global_ip
from app.domain.sign_in_bindings import SignInBinding, Verdict, verdict
from app.domain.token_generations import SigningGeneration, current_generation
from app.services.id_tokens import IdentityProviders, IdentityProviderUnavailable
from tests.support.identity_provider import local_issuer

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example.com/jwks",  # not https
        "https://10.0.0.7/jwks",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://127.0.0.1/jwks",  # loopback
        "https://[::1]/jwks",
        "https://[::ffff:127.0.0.1]/jwks",  # loopback behind an IPv4-mapped address
        "https://localhost/jwks",
        "https://api.localhost/jwks",
        "https://user:pass@idp.example.com/jwks",  # user information
        "https://idp.example.com/jwks#fragment",
        "https://idp.example.com:99999/jwks",  # malformed port
        "file:///etc/passwd",
        "idp.example.com/jwks",
        "http://127.0.0.1:8080/jwks",  # loopback over http: development only
    ],
)
def test_unsafe_provider_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_provider_url("jwks_url", url, allow_http_loopback=False)
    assert refused.value.code == "unsafe_provider_url"


def test_public_https_and_development_loopback_are_accepted() -> None:
    check_provider_url(
        "jwks_url", "https://idp.example.com/.well-known/jwks.json", allow_http_loopback=False
    )
    check_provider_url("jwks_url", "https://93.184.216.34/jwks", allow_http_loopback=False)
    check_provider_url("jwks_url", "http://127.0.0.1:8080/jwks", allow_http_loopback=True)
    with pytest.raises(InvalidInput):  # development allows loopback, not the private network
        check_provider_url("jwks_url", "http://10.0.0.7/jwks", allow_http_loopback=True)


def test_resolved_addresses_are_judged_strictly() -> None:
    assert is_global_ip("93.184.216.34") and is_global_ip("2606:2800:220:1::1")
    for address in (
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "fe80::1%eth0",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "not-an-ip",
    ):
        assert not is_global_ip(address), address


def test_oidc_needs_issuer_audience_and_jwks_url() -> None:
    org = uuid4()
    with pytest.raises(InvalidInput) as refused:
        SignIn(org).replaced(
            {"mode": SignInMode.OIDC, "issuer": "https://idp.example.com"},
            allow_http_loopback=False,
        )
    assert refused.value.code == "oidc_incomplete" and refused.value.extra["field"] == "audience"
    assert SignIn(org).replaced({"mode": SignInMode.TOKENS}, allow_http_loopback=False).mints_tokens


def _providers(*, allow_http_loopback: bool) -> IdentityProviders:
    return IdentityProviders(
        cache_seconds=60,
        refetch_seconds=0,
        timeout_seconds=5,
        allow_http_loopback=allow_http_loopback,
    )


def test_the_fetch_refuses_a_host_that_resolves_to_a_non_public_address() -> None:
    """A host name passes the URL check; its addresses are checked when the JWKS is
    fetched (here `localhost` serves a real JWKS, which only development may use)."""
    with local_issuer() as issuer:
        url = issuer.jwks_url.replace("127.0.0.1", "localhost")
        kid = issuer.keys[0].kid
        found = asyncio.run(_providers(allow_http_loopback=True).signing_key(url, kid))
        assert found.key_id == kid
        with pytest.raises(IdentityProviderUnavailable):
            asyncio.run(_providers(allow_http_loopback=False).signing_key(url, kid))
        assert issuer.fetches == 1


def _generation(number: int, retired: datetime | None = None) -> SigningGeneration:
    return SigningGeneration(number, "salt", NOW - timedelta(days=1), retired)


def test_a_retired_generation_verifies_until_its_tokens_have_expired() -> None:
    grace = timedelta(hours=12, seconds=5)
    retired = _generation(1, retired=NOW)
    assert _generation(2).verifies_at(NOW + timedelta(days=400), grace)
    assert retired.verifies_at(NOW + grace - timedelta(seconds=1), grace)
    assert not retired.verifies_at(NOW + grace, grace)
    assert (
        current_generation([retired, _generation(2), _generation(3, retired=NOW)]).generation == 2
    )
    with pytest.raises(LookupError):
        current_generation([retired])


def _binding(person: UUID, subject: str) -> SignInBinding:
    return SignInBinding(uuid4(), uuid4(), person, "https://idp.example.com", subject, NOW)


def test_a_bound_account_signs_in_as_its_person_whatever_its_claim_names() -> None:
    bound, claimed = uuid4(), uuid4()
    assert verdict(_binding(bound, "a"), None) is Verdict.BOUND
    assert verdict(_binding(bound, "a"), _binding(claimed, "b")) is Verdict.BOUND


def test_a_person_bound_to_another_account_is_refused_and_an_unbound_pair_binds() -> None:
    claimed = uuid4()
    assert verdict(None, _binding(claimed, "b")) is Verdict.OTHER_ACCOUNT
    assert verdict(None, None) is Verdict.BIND
