"""Configuration from the environment (prefix RAPPORT_)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

import limits
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain.access import MAX_TOKEN_TTL_SECONDS
from app.production_rules import MIN_SECRET_LENGTH, PRODUCTION_RULES

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


def is_sqlite(url: str) -> bool:
    return async_database_url(url).startswith("sqlite")


DEVELOPMENT_SECRET_FILE = Path(".rapport") / "token-secret"


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
    log_format: Literal["json", "console"] = Field(
        default="json",
        description="`json`: one JSON object per line (timestamp, level, event, request id,"
        " and for each request its organization, caller kind, operation, status and"
        " duration). `console`: the same, aligned for people (`rapport dev` uses it).",
    )
    metrics_access: Literal["open", "token", "off"] = Field(
        default="token",
        description="Who may read `/metrics` (Prometheus): `token` needs"
        " `Authorization: Bearer` RAPPORT_METRICS_TOKEN (401 otherwise, and always while it is"
        " unset), `open` anyone (`rapport dev` uses it), `off` nobody (404).",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="The bearer token Prometheus sends to `/metrics` when"
        " RAPPORT_METRICS_ACCESS=token; at least 32 characters.",
    )
    db_pool_size: int = Field(
        default=20,
        ge=1,
        description="PostgreSQL connections each process keeps; when all are busy, requests"
        " queue for one (`RAPPORT_DB_POOL_WAIT_SECONDS`).",
    )
    db_pool_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a request waits for one of its process's PostgreSQL connections"
        " when all are busy (in turn); beyond it answers 503"
        " database_unavailable.",
    )
    db_prepared_statements: bool = Field(
        default=True,
        description="false behind pgbouncer in transaction mode (before pgbouncer 1.21): the"
        " driver then keeps no prepared statement across statements and names each one"
        " uniquely, since the next transaction may run on another server connection"
        " (docs/deployment.md).",
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
        description="The master secret from which person tokens' signing keys are derived"
        " (HS256); at least 32 random characters. Required in production. In development,"
        " when unset, one secret is created once in ./.rapport/token-secret (mode 0600,"
        " git-ignored) and shared by every worker and restart started in that directory.",
    )
    token_ttl_seconds: int = Field(
        default=900, ge=60, le=MAX_TOKEN_TTL_SECONDS, description="Default person token lifetime."
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
    http_max_body_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=64 * 1024,
        description="A request body larger than this is refused with 413 before it is read"
        " whole (the largest legitimate one, a directory sync of 20,000 people, stays well"
        " below the default).",
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
    graphql_time_budget_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="A GraphQL request that runs longer starts no further field: it is"
        " answered with a `time_budget_exceeded` error and keeps none of its work.",
    )

    # Rate limits (docs/limits.md): budgets in the `limits` package's notation.
    rate_limit_key: str = Field(
        default="100/second",
        description="Requests one credential (a service key, or a person) may make; e.g."
        " `100/second`, `5000/hour`, `10 per 2 seconds`. Organizations may lower theirs.",
    )
    rate_limit_organization: str = Field(
        default="6000/minute",
        description="Requests all the credentials of one organization may make together.",
    )
    rate_limit_storage: str | None = Field(
        default=None,
        description="Unset: each process counts on its own (in memory). `redis://host:port/db`"
        " (or `rediss://`): every replica shares one count. While Redis cannot be reached,"
        " each process counts on its own again and says so once in the log.",
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

    dev_sign_in: bool = Field(
        default=False,
        description="Development only (`rapport dev` sets it): the reference front end at"
        " `/app` lists the organization's people and mints a person token for the one"
        " chosen, with the admin key `rapport dev` keeps beside its database. Otherwise"
        " `/app` asks for a person token and the minting route answers 404. Refused in"
        " production.",
    )

    # Live subscriptions (docs/realtime.md).
    live_database_url: str | None = Field(
        default=None,
        description="Where each process's one LISTENing connection for live subscriptions"
        " goes (PostgreSQL): straight to the database, not through a transaction-mode"
        " pooler such as pgbouncer, which cannot hold a LISTEN. Unset: `database_url`.",
    )
    live_subscriptions_per_connection: int = Field(
        default=20,
        ge=1,
        description="Subscriptions one WebSocket connection may hold at once.",
    )
    live_subscriptions_per_person: int = Field(
        default=50,
        ge=1,
        description="Subscriptions one person (whatever tokens they use) or one service key"
        " may hold at once across the connections of one server process.",
    )
    live_idle_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A WebSocket connection that holds no subscription for this long after"
        " its connection_init was acknowledged is closed (code 4000).",
    )
    live_connection_init_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A WebSocket connection must send `connection_init` within this time, or"
        " is closed (code 4408).",
    )
    live_queue_size: int = Field(
        default=100,
        ge=1,
        description="Changes queued for one subscriber that reads slower than they come;"
        " past this the queue is dropped and the subscriber is told to resync.",
    )
    live_ping_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often the LISTENing connection is checked (a lost one is replaced,"
        " and subscribers are told to resync).",
    )

    webhook_delivery: Literal["own_process", "serving_processes", "elsewhere"] = Field(
        default="own_process",
        description="Where webhooks are delivered from. `own_process`: on PostgreSQL, `rapport"
        " serve` starts `rapport deliver` beside its workers (and starts it again if it"
        " exits), so deliveries never wait behind requests in a worker's event loop;"
        " on SQLite the serving process delivers. `serving_processes`: each worker delivers."
        " `elsewhere`: this process delivers nothing (`rapport deliver` runs on its own).",
    )
    webhooks_allow_private: bool = Field(
        default=False,
        description="Development and tests only: webhook endpoints may use http and private,"
        " loopback or reserved addresses (a receiver on the same machine or network)."
        " Refused in production.",
    )

    @field_validator("rate_limit_key", "rate_limit_organization")
    @classmethod
    def _a_budget(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError:
            raise ValueError("must be a budget such as 100/second or 6000/minute") from None
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _a_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value

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
        raise SettingsRefused(f"{path} holds no usable token secret; delete it to make a new one.")
    return secret


class SettingsRefused(ValueError):
    """Settings the service will not start with; the message is one line for an operator."""


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
def get_settings() -> Settings:
    return load_settings()
