"""Configuration from the environment (prefix RAPPORT_)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
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


class Settings(BaseSettings):
    """Every setting the service reads; the README lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./rapport.db",
        description="SQLAlchemy URL: sqlite:///path (embedded) or postgresql://user@host/db.",
    )
    environment: Literal["development", "production"] = Field(
        default="development", description="`production` hides nothing more but logs as JSON."
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    db_pool_size: int = Field(default=10, ge=1, description="Connections per process (PG).")
    key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process trusts a service key lookup; revocation takes effect"
        " on every replica within this time (at once on the replica that revoked it).",
    )

    @property
    def async_database_url(self) -> str:
        return async_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
