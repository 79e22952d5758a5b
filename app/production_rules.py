"""What production demands of the settings: `RAPPORT_ENVIRONMENT=production` refuses to start
while any rule fails, naming every failed one (docs/configuration.md lists them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.settings import Settings

MIN_SECRET_LENGTH = 32


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
        "RAPPORT_OIDC_ALLOW_HTTP_LOOPBACK must be unset (it is for development and tests)",
        lambda settings: not settings.oidc_allow_http_loopback,
    ),
    ProductionRule(
        "RAPPORT_METRICS_ACCESS must not be `open` (anyone reaching the port would read the"
        " service's traffic): use `token` with RAPPORT_METRICS_TOKEN, or `off`",
        lambda settings: settings.metrics_access != "open",
    ),
    ProductionRule(
        f"RAPPORT_METRICS_TOKEN must be at least {MIN_SECRET_LENGTH} characters when set",
        lambda settings: (
            settings.metrics_token is None
            or len(settings.metrics_token.get_secret_value()) >= MIN_SECRET_LENGTH
        ),
    ),
    ProductionRule(
        "RAPPORT_DEV_SIGN_IN must be unset (it lets anyone reaching the port act as any person)",
        lambda settings: not settings.dev_sign_in,
    ),
    ProductionRule(
        "RAPPORT_WEBHOOKS_ALLOW_PRIVATE must be unset (it is for development and tests)",
        lambda settings: not settings.webhooks_allow_private,
    ),
    ProductionRule(
        "RAPPORT_DATABASE_URL must point at PostgreSQL (SQLite has no row-level security,"
        " and in a container its file is lost with the container)",
        lambda settings: not settings.database_url.startswith("sqlite"),
    ),
)
