"""Configuration from the environment (prefix RAPPORT_)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain.access import MAX_TOKEN_TTL_SECONDS

_ASYNC_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def async_database_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite://` URLs and pick the async driver."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    return f"{_ASYNC_DRIVERS.get(scheme, scheme)}://{rest}"


MIN_SECRET_LENGTH = 32
DEVELOPMENT_SECRET_FILE = Path(".rapport") / "token-secret"


class UnsafeSettings(ValueError):
    """Production refuses to start with this configuration; the message says what to set."""


class Settings(BaseSettings):
    """Every setting the service reads; the README lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./rapport.db",
        description="SQLAlchemy URL: sqlite:///path (embedded) or postgresql://user@host/db.",
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="`production` refuses to start without a strong RAPPORT_TOKEN_SECRET"
        " or with development-only settings.",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    db_pool_size: int = Field(default=20, ge=1, description="Connections per process (PG).")
    key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process trusts a service key lookup; revocation takes effect"
        " on every replica within this time (at once on the replica that revoked it).",
    )

    token_secret: SecretStr | None = Field(
        default=None,
        description="The master secret from which person tokens' signing keys are derived"
        " (HS256); at least 32 random characters. Required in production. In development,"
        " when unset, one secret is created once in ./.rapport/token-secret (mode 0600,"
        " git-ignored) and shared by every worker and restart started in that directory.",
    )
    token_ttl_seconds: int = Field(
        default=900, ge=60, le=MAX_TOKEN_TTL_SECONDS, description="Default person token life."
    )
    oidc_jwks_cache_seconds: float = Field(
        default=300,
        gt=0,
        description="How long a process keeps an identity provider's JWKS before fetching it"
        " again (a token with an unknown `kid` fetches it sooner).",
    )
    oidc_jwks_refetch_seconds: float = Field(
        default=30,
        ge=0,
        description="At most one fetch of a JWKS per this many seconds for tokens with an"
        " unknown `kid`, so forged tokens cannot make Rapport hammer the identity provider.",
    )
    oidc_jwks_timeout_seconds: float = Field(
        default=5, gt=0, description="Timeout of one JWKS fetch."
    )
    oidc_allow_http_loopback: bool = Field(
        default=False,
        description="Development and tests only: accept `http://` JWKS URLs on 127.0.0.1,"
        " ::1 or localhost. Refused in production.",
    )

    # Limits and failure: the HTTP server and the database connection (docs/security.md).
    http_keep_alive_seconds: int = Field(
        default=5, ge=1, le=75, description="An idle keep-alive connection is closed after this."
    )
    http_header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=75,
        description="A request's line and headers must arrive within this time (from the"
        " connection or the first byte of the request); a partial request gets 408.",
    )
    http_max_header_bytes: int = Field(
        default=64 * 1024,
        ge=8 * 1024,
        le=1024 * 1024,
        description="Request line and headers together; beyond it a long URL gets 414, long"
        " headers 431.",
    )
    http_send_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A client that reads nothing of a response for this long is disconnected.",
    )
    db_connect_timeout_seconds: float = Field(
        default=1.5,
        gt=0,
        description="Connecting (and checking an idle pooled connection) gives up after this;"
        " the request answers 503 database_unavailable.",
    )
    db_statement_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A statement the database does not answer within this time is abandoned"
        " (503 database_unavailable), so a vanished server cannot hold requests forever.",
    )

    def check_production_ready(self) -> None:
        """Refuse to start in production without a strong token secret or with
        development-only settings."""
        if self.environment != "production":
            return
        secret = self.token_secret.get_secret_value() if self.token_secret else ""
        if len(secret) < MIN_SECRET_LENGTH:
            raise UnsafeSettings(
                "RAPPORT_TOKEN_SECRET must be set to at least"
                f" {MIN_SECRET_LENGTH} random characters when RAPPORT_ENVIRONMENT=production"
                " (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if self.oidc_allow_http_loopback:
            raise UnsafeSettings(
                "RAPPORT_OIDC_ALLOW_HTTP_LOOPBACK is for development and tests; unset it"
                " when RAPPORT_ENVIRONMENT=production."
            )

    def signing_secret(self) -> str:
        """The master token secret, or (development only) the one kept in
        ./.rapport/token-secret, so that every worker and every restart agree."""
        if self.token_secret is not None:
            return self.token_secret.get_secret_value()
        return development_secret(DEVELOPMENT_SECRET_FILE.resolve())

    @property
    def async_database_url(self) -> str:
        return async_database_url(self.database_url)


@lru_cache(maxsize=4)
def development_secret(path: Path) -> str:
    """Read the development secret, creating it first if needed. Workers starting at once
    race safely: the file is written under a temporary name and published with a hard
    link, which fails if another worker published first, so it is never seen half-written."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise UnsafeSettings(f"{path} holds no usable token secret; delete it to make a new one.")
    return secret


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
