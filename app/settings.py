"""Configuration from the environment (prefix RAPPORT_)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
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


ENV_PREFIX = "RAPPORT_"


class Settings(BaseSettings):
    """Every setting the service reads; docs/configuration.md is generated from this class
    (`make configuration`), so each description is written for an operator."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./rapport.db",
        description="`sqlite:///path` (embedded) or `postgresql://user:pass@host:port/db`"
        " (the asyncpg driver is chosen for you).",
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="`production` refuses to start with unsafe settings (see below).",
    )
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = Field(
        default="INFO", description="Logging level of the server (any case)."
    )
    db_pool_size: int = Field(
        default=20,
        ge=1,
        description="PostgreSQL connections each process keeps (and as many overflow ones).",
    )
    key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process trusts a service key lookup; revocation takes effect"
        " on every replica within this time (at once on the replica that revoked it); 0 disables"
        " the cache.",
    )

    token_secret: SecretStr | None = Field(
        default=None,
        description="Signs person tokens (HS256); at least 32 characters. Required in"
        " production; in development a random one is made per process when unset.",
    )
    token_ttl_seconds: int = Field(
        default=900, ge=60, le=MAX_TOKEN_TTL_SECONDS, description="Default person token lifetime."
    )

    # Serving: what `rapport serve` binds and how it stops.
    host: str = Field(
        default="127.0.0.1",
        description="Interface `rapport serve` binds (the image sets `0.0.0.0`).",
    )
    port: int = Field(default=8000, ge=1, le=65535, description="Port `rapport serve` binds.")
    workers: int = Field(default=1, ge=1, description="Worker processes of `rapport serve`.")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies (comma-separated addresses, or `*`) whose `X-Forwarded-For` and"
        " `X-Forwarded-Proto` headers are trusted: set the load balancer's.",
    )
    worker_healthcheck_seconds: int = Field(
        default=30,
        ge=1,
        description="With several workers, how long the supervisor waits for a worker to answer"
        " its health check before it kills and replaces it (cutting its requests off): long"
        " enough for a starting or CPU-starved worker, short enough to replace a hung one.",
    )
    shutdown_grace_seconds: int = Field(
        default=30,
        ge=0,
        description="On SIGTERM the server stops accepting connections and lets requests in"
        " flight finish for at most this long, then exits.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def check_production_ready(self) -> None:
        """Refuse to start in production with any unsafe setting, naming every one at once."""
        if self.environment != "production":
            return
        broken = [rule.requirement for rule in PRODUCTION_RULES if not rule.holds(self)]
        if broken:
            raise SettingsRefused(
                "refusing to start with RAPPORT_ENVIRONMENT=production: " + "; ".join(broken)
            )

    def signing_secret(self) -> str:
        """The token secret, or (development only) a random one for this process."""
        if self.token_secret is not None:
            return self.token_secret.get_secret_value()
        return _process_secret()

    @property
    def async_database_url(self) -> str:
        return async_database_url(self.database_url)


class SettingsRefused(ValueError):
    """Settings the service will not start with; the message is one line for an operator."""


@dataclass(frozen=True)
class ProductionRule:
    """What production demands of the settings; docs/configuration.md lists every rule."""

    requirement: str
    holds: Callable[[Settings], bool]


def _strong_secret(settings: Settings) -> bool:
    secret = settings.token_secret.get_secret_value() if settings.token_secret else ""
    return len(secret) >= MIN_SECRET_LENGTH


PRODUCTION_RULES: tuple[ProductionRule, ...] = (
    ProductionRule(
        f"RAPPORT_TOKEN_SECRET must be set to at least {MIN_SECRET_LENGTH} random characters"
        " (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')",
        _strong_secret,
    ),
    ProductionRule(
        "RAPPORT_DATABASE_URL must point at PostgreSQL (SQLite has no row-level security,"
        " and in a container its file is lost with the container)",
        lambda settings: not settings.database_url.startswith("sqlite"),
    ),
)


def _describe(error: ValidationError) -> str:
    problems = []
    for detail in error.errors():
        field = "_".join(str(part) for part in detail["loc"])
        secret = Settings.model_fields[field].annotation in (SecretStr, SecretStr | None)
        shown = "" if secret else f" (got {detail.get('input')!r})"
        problems.append(f"{ENV_PREFIX}{field.upper()}: {detail['msg']}{shown}")
    return "invalid settings: " + "; ".join(problems)


def load_settings() -> Settings:
    """The settings from the environment; a bad value is one readable line, not a traceback."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsRefused(_describe(error)) from None


@lru_cache(maxsize=1)
def _process_secret() -> str:
    return secrets.token_urlsafe(48)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
