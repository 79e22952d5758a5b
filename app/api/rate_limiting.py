"""Rate limits per credential and per organization, as the `limits` package's sliding window
counters: counted in memory by each process (app.api.rate_counts), or in Redis by every
replica together, with `limits` (RAPPORT_RATE_LIMIT_STORAGE).

Every authenticated request costs one from two budgets — its credential's (a service key,
or a person) and its organization's — and is told where it stands in `RateLimit-Policy` and
`RateLimit` headers (draft-ietf-httpapi-ratelimit-headers); over either budget it gets
`429 rate_limited` with `Retry-After`. While Redis cannot be reached each process counts on
its own, says so once in the log, and tries Redis again every few seconds."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from limits import RateLimitItem
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from app.api.problems import ApiProblem
from app.api.rate_counts import SlidingWindowCounts
from app.api.request_log import add_response_header
from app.domain.privacy import Caller
from app.domain.rate_limits import RateLimitSetting
from app.measurements import RATE_LIMITED
from app.services.credential_cache import TtlCache
from app.services.rate_limit_settings import Budgets, budget
from app.settings import Settings

logger = logging.getLogger("rapport.rate_limits")
SettingReader = Callable[[UUID], Awaitable[RateLimitSetting]]
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class _Standing:
    name: str
    item: RateLimitItem
    allowed: bool
    remaining: int
    reset_seconds: int


class RateLimiter:
    """One per process."""

    def __init__(self, settings: Settings) -> None:
        self.defaults = Budgets(
            budget(settings.rate_limit_key), budget(settings.rate_limit_organization)
        )
        self._local = SlidingWindowCounts()
        self._shared: SlidingWindowCounterRateLimiter | None = None
        if settings.rate_limit_storage:
            # No retries inside one request: a lost Redis is noticed at once, and tried
            # again every REDIS_RETRY_SECONDS.
            connection: dict[str, Any] = {"retry": Retry(NoBackoff(), 0)}
            storage = RedisStorage(
                f"async+{settings.rate_limit_storage}",
                wrap_exceptions=True,
                implementation="redispy",
                key_prefix="rapport-rate-limits",
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                **connection,
            )
            self._shared = SlidingWindowCounterRateLimiter(storage)
        self._shared_lost_at: float | None = None
        self._organizations = TtlCache[UUID, Budgets](settings.key_cache_seconds)

    def forget(self, org_id: UUID) -> None:
        """The organization changed its budgets: read them again on its next request."""
        self._organizations.forget(org_id)

    async def admit(self, caller: Caller, setting_of: SettingReader) -> None:
        """Count the request; refuse it with 429 when a budget is spent. `setting_of` reads
        the organization's own budgets when this process has not cached them."""
        budgets = await self._budgets(caller.org_id, setting_of)
        who = caller.key_id or caller.person_id
        asked = (
            ("key", budgets.per_key, (str(caller.org_id), "key", str(who))),
            ("organization", budgets.per_organization, (str(caller.org_id), "organization")),
        )
        standings = await self._count(asked)
        add_response_header(
            "RateLimit-Policy",
            ", ".join(f'"{s.name}";q={s.item.amount};w={s.item.get_expiry()}' for s in standings),
        )
        add_response_header(
            "RateLimit",
            ", ".join(f'"{s.name}";r={s.remaining};t={s.reset_seconds}' for s in standings),
        )
        spent = [s for s in standings if not s.allowed]
        if spent:
            for standing in spent:
                RATE_LIMITED.labels(standing.name).inc()
            names = " and ".join(f"the {s.name} budget ({s.item})" for s in spent)
            raise ApiProblem(
                "rate_limited",
                f"Too many requests: {names} is spent; retry after the Retry-After seconds.",
                headers={"Retry-After": str(max(s.reset_seconds for s in spent))},
            )

    async def _budgets(self, org_id: UUID, setting_of: SettingReader) -> Budgets:
        cached = self._organizations.get(org_id)
        if cached is None:
            cached = self.defaults.within(await setting_of(org_id))
            self._organizations.put(org_id, cached)
        return cached

    async def _count(
        self, asked: tuple[tuple[str, RateLimitItem, tuple[str, ...]], ...]
    ) -> list[_Standing]:
        shared = self._usable_shared()
        if shared is not None:
            try:
                standings = await _count_shared(shared, asked)
            except StorageError:
                self._lose_shared()
            else:
                self._regain_shared()
                return standings
        return _count_local(self._local, asked)

    def _usable_shared(self) -> SlidingWindowCounterRateLimiter | None:
        lost = self._shared_lost_at
        if lost is not None and time.monotonic() - lost < REDIS_RETRY_SECONDS:
            return None
        return self._shared

    def _lose_shared(self) -> None:
        if self._shared_lost_at is None:
            logger.warning("rate-limit store unavailable: each process counts on its own")
        self._shared_lost_at = time.monotonic()

    def _regain_shared(self) -> None:
        if self._shared_lost_at is not None:
            logger.warning("rate-limit store available again: replicas share one count")
            self._shared_lost_at = None


async def _count_shared(
    limiter: SlidingWindowCounterRateLimiter,
    asked: tuple[tuple[str, RateLimitItem, tuple[str, ...]], ...],
) -> list[_Standing]:
    """Spend one from each budget in turn, up to the first that is spent (a request the
    credential's budget refuses costs its organization nothing), then read where each
    stands: in Redis, the reads at once."""
    allowed: list[bool] = []
    refused = False
    for _, item, ids in asked:
        fits = refused or await limiter.hit(item, *ids)  # not counted once refused
        refused = refused or not fits
        allowed.append(fits)
    stats = await asyncio.gather(*(limiter.get_window_stats(item, *ids) for _, item, ids in asked))
    now = time.time()
    return [
        _Standing(name, item, ok, max(0, stat.remaining), max(1, math.ceil(stat.reset_time - now)))
        for (name, item, _), ok, stat in zip(asked, allowed, stats, strict=True)
    ]


def _count_local(
    counts: SlidingWindowCounts, asked: tuple[tuple[str, RateLimitItem, tuple[str, ...]], ...]
) -> list[_Standing]:
    """The same in this process's memory."""
    now = time.time()
    allowed: list[bool] = []
    refused = False
    for _, item, ids in asked:
        fits = refused or counts.hit(item, ids, now)
        refused = refused or not fits
        allowed.append(fits)
    standings = []
    for (name, item, ids), ok in zip(asked, allowed, strict=True):
        standing = counts.standing(item, ids, now)
        reset = max(1, math.ceil(standing.reset_seconds))
        standings.append(_Standing(name, item, ok, standing.remaining, reset))
    return standings
