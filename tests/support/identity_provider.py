"""A local OpenID Connect issuer for the tests: key pairs made in the test, a JWKS served
over HTTP on 127.0.0.1, and ID tokens signed with those keys."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.support.tenants import Tenant

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: PrivateKey

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            data = json.loads(RSAAlgorithm.to_jwk(public))
        else:
            data = json.loads(ECAlgorithm.to_jwk(public))
        return {**data, "kid": self.kid, "use": "sig", "alg": self.algorithm}


def rsa_key(kid: str | None = None) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(kid or f"rsa-{uuid4().hex[:8]}", "RS256", private)


def ec_key(kid: str | None = None) -> SigningKey:
    return SigningKey(
        kid or f"ec-{uuid4().hex[:8]}", "ES256", ec.generate_private_key(ec.SECP256R1())
    )


@dataclass
class Issuer:
    """An identity provider: its issuer URL, its published keys and how it answers."""

    base_url: str
    keys: list[SigningKey] = field(default_factory=list)
    answer: str = "jwks"  # "jwks", "error" (HTTP 500) or "garbage" (not JSON)
    fetches: int = 0
    # One account per email address, with its stable subject id, as a provider keeps them.
    accounts: dict[str, str] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/jwks.json"

    def subject_of(self, email: str) -> str:
        """The subject id of the provider's account with this email (made on first use)."""
        return self.accounts.setdefault(email.casefold(), f"account-{uuid4().hex}")

    def sign_in_settings(self, audience: str, **extra: Any) -> dict[str, Any]:
        return {
            "mode": "oidc",
            "issuer": self.issuer,
            "audience": audience,
            "jwks_url": self.jwks_url,
            **extra,
        }

    def id_token(
        self,
        audience: str | list[str],
        *,
        key: SigningKey | None = None,
        lifetime: int = 600,
        headers: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        """An ID token signed with `key` (the first published key by default), for the
        account of its `email` claim unless it names a `sub`."""
        key = key or self.keys[0]
        now = int(time.time())
        email = claims.get("email")
        payload = {
            "iss": self.issuer,
            "aud": audience,
            "sub": self.subject_of(email) if isinstance(email, str) else uuid4().hex,
            "iat": now,
            "exp": now + lifetime,
            **claims,
        }
        header = {"kid": key.kid, **(headers or {})}
        return jwt.encode(payload, key.private, algorithm=key.algorithm, headers=header)


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            issuer.fetches += 1
            if self.path != "/jwks.json" or issuer.answer == "error":
                self.send_response(500 if issuer.answer == "error" else 404)
                self.end_headers()
                return
            if issuer.answer == "garbage":
                body = b"<html>maintenance</html>"
            else:
                body = json.dumps({"keys": [key.jwk() for key in issuer.keys]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on what Rapport does."""

    return Handler


@contextmanager
def local_issuer(*keys: SigningKey) -> Iterator[Issuer]:
    """An issuer whose JWKS is served on a free loopback port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    issuer = Issuer(f"http://127.0.0.1:{server.server_address[1]}", list(keys or [rsa_key()]))
    server.RequestHandlerClass = _handler(issuer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def new_audience() -> str:
    """A client id of its own for each test (an (issuer, audience) pair serves one
    organization)."""
    return f"rapport-{uuid4().hex[:10]}"


def enable_oidc(tenant: Tenant, issuer: Issuer, **extra: Any) -> str:
    """Switch the tenant to OpenID Connect sign-in with this issuer; returns the audience."""
    audience = new_audience()
    response = tenant.call("PUT", "/v1/sign-in", json=issuer.sign_in_settings(audience, **extra))
    assert response.status_code == 200, response.text
    return audience
