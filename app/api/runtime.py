"""What a running app holds: its engine, its clock, what it needs to verify credentials,
its rate limiter, the buffer of read audit records, the webhook delivery worker, the
scheduler and the live hub (subscriptions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection

from app.api.rate_limiting import RateLimiter
from app.api.rest.event_data import RestRenderer
from app.domain.clock import Clock
from app.services.credential_cache import KeyCache, SignInCache
from app.services.id_tokens import IdentityProviders
from app.services.live import LiveHub
from app.services.person_sign_in import Credentials
from app.services.read_audit import ReadAuditLog
from app.services.scheduler import Scheduler
from app.services.token_signing import SigningKeys
from app.services.webhook_delivery import WebhookWorker
from app.services.webhook_endpoints import UrlPolicy
from app.settings import Settings


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    credentials: Credentials
    read_audit: ReadAuditLog
    rate_limiter: RateLimiter
    webhooks: WebhookWorker
    scheduler: Scheduler
    live: LiveHub
    renderer: RestRenderer = field(default_factory=RestRenderer)

    @property
    def webhook_urls(self) -> UrlPolicy:
        return UrlPolicy(allow_private=self.settings.webhooks_allow_private)


def credentials_for(settings: Settings) -> Credentials:
    """Every cache of trust in this process lives `key_cache_seconds`."""
    return Credentials(
        keys=KeyCache(settings.key_cache_seconds),
        sign_ins=SignInCache(settings.key_cache_seconds),
        signing_keys=SigningKeys(
            settings.signing_secret(), cache_seconds=settings.key_cache_seconds
        ),
        providers=IdentityProviders(
            cache_seconds=settings.oidc_jwks_cache_seconds,
            refetch_seconds=settings.oidc_jwks_refetch_seconds,
            timeout_seconds=settings.oidc_jwks_timeout_seconds,
            allow_http_loopback=settings.oidc_allow_http_loopback,
        ),
    )


def runtime_of(request: HTTPConnection) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime
