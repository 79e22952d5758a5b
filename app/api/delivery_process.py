"""`rapport deliver`: the webhook delivery worker in a process of its own.

On PostgreSQL, `rapport serve` runs one beside its workers (app.cli.delivery_supervisor), so
a delivery never waits behind requests in a worker's event loop: one endpoint's events go
out one after the other, and each answer is acted on as soon as it arrives. The process
hears every replica's commits through its own LISTENing connection (app.services.live) and
shares the queue with the other replicas' delivery processes the way workers always have
(claims skip and lease). SIGTERM or SIGINT stops it after the deliveries in flight."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

import uvloop

from app.api.app import live_listener, serving_engine
from app.domain.clock import Clock, system_clock
from app.services.live import LiveHub, LiveLimits
from app.services.webhook_delivery import WebhookWorker
from app.services.webhook_endpoints import UrlPolicy
from app.settings import Settings

PARENT_CHECK_SECONDS = 1.0


async def deliver_until_stopped(
    settings: Settings, stop: asyncio.Event, *, clock: Clock = system_clock
) -> None:
    """Deliver until `stop` is set, then let the deliveries in flight finish."""
    engine = serving_engine(settings)
    webhooks = WebhookWorker(engine, clock, UrlPolicy(settings.webhooks_allow_private))
    limits = LiveLimits(settings.live_subscriptions_per_person, settings.live_queue_size)
    live = LiveHub(live_listener(settings, engine), limits, on_events=webhooks.wake)
    await live.start()
    webhooks.start()
    try:
        await stop.wait()
    finally:
        await live.stop()
        await webhooks.stop()
        await engine.dispose()


def run(settings: Settings, *, stop_with_parent: bool) -> None:
    """The process's body: deliver until a stop signal (or, with `stop_with_parent`, until
    the process that started it is gone, as when `rapport serve` was killed)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        watching = asyncio.create_task(_parent_gone(stop)) if stop_with_parent else None
        try:
            await deliver_until_stopped(settings, stop)
        finally:
            if watching is not None:
                watching.cancel()

    uvloop.run(main())  # the serving workers' event loop too (uvicorn's "auto")


async def _parent_gone(stop: asyncio.Event) -> None:
    parent = os.getppid()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            stop.set()
