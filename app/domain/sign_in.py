"""How an organization's people sign in: person tokens minted by its service keys, or
OpenID Connect ID tokens of its own identity provider, verified by Rapport (product.md,
privacy contract rule 5)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from app.domain.errors import InvalidInput

# An ID token is verified with its provider's public key: no shared secret, so a leaked
# Rapport database or configuration cannot forge one.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class SignInMode(StrEnum):
    TOKENS = "tokens"
    OIDC = "oidc"


class PersonClaim(StrEnum):
    """Which person an ID token names: `email` reads the `email` claim; `external_id` reads
    `sub` (the provider's subject id, which the directory sync records as `external_id`)."""

    EMAIL = "email"
    EXTERNAL_ID = "external_id"


@dataclass(frozen=True, slots=True)
class SignIn:
    org_id: UUID
    mode: SignInMode = SignInMode.TOKENS
    issuer: str | None = None
    audience: str | None = None
    jwks_url: str | None = None
    person_claim: PersonClaim = PersonClaim.EMAIL

    @property
    def mints_tokens(self) -> bool:
        """With OpenID Connect on, no service key may act as a person."""
        return self.mode is SignInMode.TOKENS

    def replaced(self, fields: dict[str, Any], *, allow_http_loopback: bool) -> SignIn:
        """The whole configuration replaced (PUT), checked."""
        updated = replace(SignIn(self.org_id), **fields)
        updated.check(allow_http_loopback=allow_http_loopback)
        return updated

    def check(self, *, allow_http_loopback: bool) -> None:
        missing = [
            name
            for name in ("issuer", "audience", "jwks_url")
            if self.mode is SignInMode.OIDC and not getattr(self, name)
        ]
        if missing:
            raise InvalidInput(
                f"OpenID Connect sign-in needs {', '.join(missing)}.",
                code="oidc_incomplete",
                field=missing[0],
            )
        if self.issuer is not None:
            check_provider_url("issuer", self.issuer, allow_http_loopback=allow_http_loopback)
        if self.jwks_url is not None:
            check_provider_url("jwks_url", self.jwks_url, allow_http_loopback=allow_http_loopback)


def _refuse(field: str, why: str) -> InvalidInput:
    return InvalidInput(f"{field} {why}", code="unsafe_provider_url", field=field)


def check_provider_url(field: str, url: str, *, allow_http_loopback: bool) -> None:
    """An identity provider's URL is https on a public host. Rapport fetches the JWKS
    itself, so an internal address here would let an admin key probe the private network
    (server-side request forgery); http is allowed on loopback only in development."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # a malformed port raises here
    except ValueError as error:
        raise _refuse(field, "is not a URL.") from error
    if not host or parts.username is not None or parts.password is not None:
        raise _refuse(field, "must be an absolute URL with a host and no user information.")
    if parts.fragment or (field == "issuer" and parts.query):
        raise _refuse(field, "must not carry a fragment (nor, for the issuer, a query).")
    loopback_allowed = allow_http_loopback and host in LOOPBACK_NAMES
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_allowed):
        raise _refuse(field, "must use https.")
    if not loopback_allowed:
        if host.rstrip(".").lower() == "localhost" or host.endswith(".localhost"):
            raise _refuse(field, "must name a public host, not loopback.")
        if not is_public_address(host):
            raise _refuse(field, "must name a public host, not a private or reserved address.")


def is_public_address(host: str) -> bool:
    """True for host names (resolved and checked again when fetched) and globally
    routable IP addresses; False for loopback, private, link-local and reserved ones."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return is_global_ip(host)


def is_global_ip(text: str) -> bool:
    """A resolved address is globally routable (an IPv4-mapped IPv6 address is judged as
    the IPv4 address it maps; anything unparsable is not)."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
