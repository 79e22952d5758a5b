"""Configuration from the environment (prefix RAPPORT_)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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
MAX_TOKEN_TTL_SECONDS = 12 * 3600


class Settings(BaseSettings):
    """Every setting the service reads; the README lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./rapport.db",
        description="SQLAlchemy URL: sqlite:///path (embedded) or postgresql://user@host/db.",
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="`production` refuses to start without a strong RAPPORT_TOKEN_SECRET.",
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
        description="Signs person tokens (HS256); at least 32 characters. Required in"
        " production; in development a random one is made per process when unset.",
    )
    token_ttl_seconds: int = Field(
        default=900, ge=60, le=MAX_TOKEN_TTL_SECONDS, description="Default person token life."
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
        """Refuse to start in production without a strong token secret."""
        if self.environment != "production":
            return
        secret = self.token_secret.get_secret_value() if self.token_secret else ""
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(
                "RAPPORT_TOKEN_SECRET must be set to at least"
                f" {MIN_SECRET_LENGTH} random characters when RAPPORT_ENVIRONMENT=production"
                " (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )

    def signing_secret(self) -> str:
        """The token secret, or (development only) a random one for this process."""
        if self.token_secret is not None:
            return self.token_secret.get_secret_value()
        return _process_secret()

    @property
    def async_database_url(self) -> str:
        return async_database_url(self.database_url)


@lru_cache(maxsize=1)
def _process_secret() -> str:
    return secrets.token_urlsafe(48)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
