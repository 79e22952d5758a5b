"""OpenID Connect ID tokens, verified by Rapport itself: the signature by a key of the
issuer's JWKS (fetched with PyJWT's PyJWKClient, cached, off the event loop), the issuer,
the audience, the lifetime against the service's clock, then the claim that names the
person."""

from __future__ import annotations

import logging
import socket
from collections import OrderedDict
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import jwt
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from app.domain.sign_in import (
    ASYMMETRIC_ALGORITHMS,
    LOOPBACK_NAMES,
    PersonClaim,
    SignIn,
    is_global_ip,
)
from app.domain.sign_in_bindings import MAX_SUBJECT_LENGTH
from app.services.person_tokens import InvalidToken, check_lifetime

logger = logging.getLogger("rapport.sign_in")
MAX_CLIENTS = 256
# The longest values the columns hold (sign_in_settings, people).
MAX_ISSUER_LENGTH, MAX_AUDIENCE_LENGTH, MAX_EMAIL_LENGTH = 300, 255, 320


class IdentityProviderUnavailable(Exception):
    """The issuer's keys cannot be had right now; the caller may retry."""


class _GuardedJwksClient(PyJWKClient):
    """PyJWKClient that refuses to fetch from a host resolving to a non-public address
    (loopback only when development allows it). PyJWKClient already refuses redirects and
    schemes other than http(s)."""

    def __init__(self, uri: str, *, allow_loopback: bool, **options: Any) -> None:
        super().__init__(uri, **options)
        self._allow_loopback = allow_loopback

    def fetch_data(self) -> Any:
        host = urlsplit(self.uri).hostname or ""
        if not (self._allow_loopback and host in LOOPBACK_NAMES):
            try:
                addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
            except OSError as error:
                raise PyJWKClientConnectionError("the JWKS host does not resolve") from error
            if not all(is_global_ip(str(address)) for address in addresses):
                logger.warning("JWKS fetch refused: %s resolves to a non-public address", host)
                raise PyJWKClientConnectionError("the JWKS host resolves to a non-public address")
        return super().fetch_data()


class IdentityProviders:
    """One JWKS client per JWKS URL in this process (bounded, least recently used go)."""

    def __init__(
        self,
        *,
        cache_seconds: float,
        refetch_seconds: float,
        timeout_seconds: float,
        allow_http_loopback: bool,
    ) -> None:
        self._options: dict[str, Any] = {
            "lifespan": cache_seconds,
            "cooldown_duration": refetch_seconds,
            "timeout": timeout_seconds,
            "allow_loopback": allow_http_loopback,
        }
        self._clients: OrderedDict[str, _GuardedJwksClient] = OrderedDict()

    def _client(self, jwks_url: str) -> _GuardedJwksClient:
        client = self._clients.get(jwks_url)
        if client is None:
            client = _GuardedJwksClient(jwks_url, **self._options)
            self._clients[jwks_url] = client
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
        self._clients.move_to_end(jwks_url)
        return client

    async def signing_key(self, jwks_url: str, kid: str) -> PyJWK:
        """The issuer's key named `kid` (an unknown `kid` fetches the JWKS again, at most
        once per refetch interval, so a rotation at the issuer is picked up)."""
        client = self._client(jwks_url)
        return await anyio.to_thread.run_sync(_signing_key, client, kid)


def _signing_key(client: PyJWKClient, kid: str) -> PyJWK:
    try:
        return client.get_signing_key(kid)
    except (PyJWKClientConnectionError, PyJWKSetError) as error:
        raise IdentityProviderUnavailable from error
    except PyJWKClientError as error:
        cache = client.jwk_set_cache
        if cache is not None and cache.get() is not None:
            raise InvalidToken("The token's kid names no key of the issuer's JWKS.") from error
        raise IdentityProviderUnavailable from error
    except (ValueError, OSError) as error:  # a body that is not JSON, a socket failure
        raise IdentityProviderUnavailable from error


def _plain(value: object, max_length: int) -> str | None:
    """A claim value a database column can hold and compare: text without NUL, within the
    column's length; anything else matches nothing."""
    if isinstance(value, str) and 0 < len(value) <= max_length and "\x00" not in value:
        return value
    return None


def route_of(claims: dict[str, Any]) -> tuple[str, list[str]] | None:
    """The (issuer, audiences) an unverified ID token claims, when they could name an
    organization's settings at all."""
    issuer = _plain(claims.get("iss"), MAX_ISSUER_LENGTH)
    audience = claims.get("aud")
    listed = audience if isinstance(audience, list) else [audience]
    audiences = [a for a in (_plain(each, MAX_AUDIENCE_LENGTH) for each in listed) if a]
    return (issuer, audiences) if issuer and audiences else None


def audiences_of(claims: dict[str, Any]) -> list[str]:
    audience = claims.get("aud")
    listed = audience if isinstance(audience, list) else [audience]
    return [value for value in listed if isinstance(value, str)]


async def verify(
    token: str, header: dict[str, Any], sign_in: SignIn, providers: IdentityProviders, now: datetime
) -> dict[str, Any]:
    """The token's claims, once everything about it checks out for this organization."""
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ASYMMETRIC_ALGORITHMS or not isinstance(kid, str):
        raise InvalidToken("ID tokens must be signed with an asymmetric algorithm and name a kid.")
    assert sign_in.jwks_url is not None
    key = await providers.signing_key(sign_in.jwks_url, kid)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[str(algorithm)],
            issuer=sign_in.issuer,
            audience=sign_in.audience,
            options={
                "verify_exp": False,
                "verify_iat": False,
                "require": ["iss", "aud", "exp", "iat", "sub"],
            },
        )
    except jwt.InvalidSignatureError as error:
        raise InvalidToken("The ID token's signature does not verify.") from error
    except jwt.InvalidIssuerError as error:
        raise InvalidToken("The ID token's issuer is not this organization's.") from error
    except jwt.InvalidAudienceError as error:
        raise InvalidToken("The ID token is meant for another audience.") from error
    except jwt.PyJWTError as error:
        raise InvalidToken("The ID token is malformed or lacks required claims.") from error
    # OpenID Connect Core 3.1.3.7: a token for several audiences must name this client as
    # its authorized party.
    authorized_party = claims.get("azp")
    several = len(audiences_of(claims)) > 1
    if (several or authorized_party is not None) and authorized_party != sign_in.audience:
        raise InvalidToken("The ID token was issued to another client (azp).")
    check_lifetime(claims, now, max_lifetime=None)
    return claims


def person_reference(claims: dict[str, Any], person_claim: PersonClaim) -> str:
    """The value naming the person: the verified email, or the subject id recorded as the
    person's external_id."""
    if person_claim is PersonClaim.EXTERNAL_ID:
        value = claims.get("sub")
    else:
        if claims.get("email_verified") is False:
            raise InvalidToken("The ID token's email is not verified by the issuer.")
        value = claims.get("email")
    reference = _plain(value, MAX_EMAIL_LENGTH)
    if reference is None:
        raise InvalidToken(f"The ID token has no usable {person_claim.value} for the person.")
    return reference


def account_of(claims: dict[str, Any]) -> tuple[str, str]:
    """The provider account of verified claims, `(iss, sub)`, that a person is pinned to."""
    issuer = _plain(claims.get("iss"), MAX_ISSUER_LENGTH)
    subject = _plain(claims.get("sub"), MAX_SUBJECT_LENGTH)
    if issuer is None or subject is None:
        raise InvalidToken("The ID token's subject (sub) is not a usable account identifier.")
    return issuer, subject
