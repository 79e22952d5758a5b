"""Events out, on PostgreSQL: how fast committed changes reach a webhook receiver, what the
outbox costs a write, how late deliveries are at a steady 200 events/s, and what the
scheduler costs at 10,000 pairs.

    .venv/bin/python benchmarks/webhooks.py          # or: make bench-webhooks

Steps (a scratch database, migrated as its owner; Rapport served with `rapport serve
--workers 2` connected as the app's role `rapport_app`, so row-level security applies; a
receiver on 127.0.0.1 answering 204; the scratch database, the servers and the load loops
come from harness/):

1. write throughput (POST /v1/people, 8 at a time) with no endpoint and with one, rounds
   alternating: the ratio is the outbox's cost on a write (goal: under 10%);
2. events per second from the first write to the receiver's last 2xx, with 1 endpoint and
   with 20 (every event to each), for a burst of writes;
3. commit-to-delivery latency (the write's response to the receiver's arrival) at a steady
   200 writes per second, one endpoint: p50 and p99 (goal: p99 under 1 s);
4. the scheduler's cost per minute at 10,000 pairs (benchmarks/webhooks_scheduler.py).

Settings: RAPPORT_BENCH_DATABASE_URL, _WRITES (burst size, 1000), _SECONDS (per write
round, 8), _ROUNDS (2), _RATE (200), _RATE_SECONDS (15), _WORKERS (2), _PAIRS (10000),
_KEEP=1, _ROLE=owner (serve as the tables' owner, for comparison). A quick check:
RAPPORT_BENCH_WRITES=100 RAPPORT_BENCH_SECONDS=2 RAPPORT_BENCH_ROUNDS=1 RAPPORT_BENCH_RATE=20
RAPPORT_BENCH_RATE_SECONDS=3 RAPPORT_BENCH_PAIRS=500 (about a minute).
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import sys
import time
from contextlib import ExitStack
from functools import partial
from uuid import UUID

import httpx
from harness import (
    BenchError,
    closed_loop,
    log,
    percentile,
    prepare,
    run_main,
    serve_in_thread,
    serve_rapport,
    server_url,
    setting,
)
from webhooks_receiver import Arrivals, receiver_app
from webhooks_scheduler import SchedulerCost, measure

CONCURRENCY = 8
_emails = itertools.count(1)


async def write(client: httpx.AsyncClient) -> tuple[str, float]:
    """One person created; (its id, when the committed answer arrived)."""
    number = next(_emails)
    response = await client.post(
        "/v1/people", json={"email": f"w{number}@bench.example", "name": f"W {number}"}
    )
    if response.status_code != 201:
        raise BenchError(f"POST /v1/people answered {response.status_code}: {response.text}")
    return str(response.json()["id"]), time.time()


async def writes_per_second(client: httpx.AsyncClient, seconds: float) -> float:
    """Writes per second, CONCURRENCY at a time, for `seconds`."""
    writers = [partial(write, client)] * CONCURRENCY
    return (await closed_loop(writers, seconds)).requests_per_second


async def burst(
    client: httpx.AsyncClient, arrivals: Arrivals, writes: int, endpoints: int
) -> float:
    """Events per second from the first write to the last delivery of `writes` events to
    each of `endpoints`."""
    arrivals.reset()
    started = time.time()
    queue = list(range(writes))
    ids: list[str] = []

    async def writer() -> None:
        while queue:
            queue.pop()
            ids.append((await write(client))[0])

    await asyncio.gather(*(writer() for _ in range(CONCURRENCY)))
    last = await _all_arrived(arrivals, ids, endpoints)
    return writes / (last - started)


async def _all_arrived(arrivals: Arrivals, ids: list[str], endpoints: int) -> float:
    deadline = time.monotonic() + 600
    while True:
        times = [arrivals.complete(record, endpoints) for record in ids]
        if all(t is not None for t in times):
            return max(t for t in times if t is not None)
        if time.monotonic() > deadline:
            raise BenchError("deliveries did not all arrive within 10 minutes")
        await asyncio.sleep(0.1)


async def paced(
    client: httpx.AsyncClient, arrivals: Arrivals, rate: float, seconds: float
) -> tuple[float, float, float]:
    """(achieved writes/s, p50, p99 commit-to-delivery seconds) at a steady `rate`."""
    arrivals.reset()
    committed: dict[str, float] = {}
    tasks: list[asyncio.Task[None]] = []
    # A server slower than the rate would pile requests up without end: at most this many
    # wait at once (the achieved rate then says how far below the rate it stayed).
    outstanding = asyncio.Semaphore(4 * CONCURRENCY)

    async def one() -> None:
        async with outstanding:
            record, at = await write(client)
        committed[record] = at

    started = time.monotonic()
    for number in range(int(rate * seconds)):
        delay = started + number / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    achieved = len(committed) / (time.monotonic() - started)
    await _all_arrived(arrivals, list(committed), 1)
    latencies = [
        max(0.0, (arrivals.complete(record, 1) or at) - at) for record, at in committed.items()
    ]
    return achieved, statistics.median(latencies), percentile(latencies, 0.99)


_paths = itertools.count(1)


async def endpoints(client: httpx.AsyncClient, receiver: str, count: int) -> list[str]:
    """New endpoints, each on a path of its own."""
    made = []
    for _ in range(count):
        response = await client.post(
            "/v1/webhook-endpoints",
            json={"url": f"{receiver}/hook/{next(_paths)}", "event_types": ["person.created"]},
        )
        if response.status_code != 201:
            raise BenchError(f"creating an endpoint answered {response.status_code}")
        made.append(str(response.json()["id"]))
    return made


async def run_http(base_url: str, key: str, receiver: str, arrivals: Arrivals) -> dict[str, float]:
    results: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=60, limits=limits
    ) as client:
        seconds, rounds = float(setting("SECONDS", "8")), int(setting("ROUNDS", "2"))
        await writes_per_second(client, 2)  # warm-up
        without, with_one = [], []
        first: list[str] = []
        for number in range(rounds):
            without.append(await writes_per_second(client, seconds))
            first = first or await endpoints(client, receiver, 1)
            await client.patch(f"/v1/webhook-endpoints/{first[0]}", json={"enabled": True})
            with_one.append(await writes_per_second(client, seconds))
            await client.patch(f"/v1/webhook-endpoints/{first[0]}", json={"enabled": False})
            log(f"round {number + 1}: {without[-1]:.0f} vs {with_one[-1]:.0f} writes/s")
        results["writes_without"] = statistics.median(without)
        results["writes_with"] = statistics.median(with_one)
        await client.patch(f"/v1/webhook-endpoints/{first[0]}", json={"enabled": True})
        writes = int(setting("WRITES", "1000"))
        results["events_1"] = await burst(client, arrivals, writes, 1)
        log(f"1 endpoint: {results['events_1']:.0f} events/s")
        more = await endpoints(client, receiver, 19)
        results["events_20"] = await burst(client, arrivals, writes // 4, 20)
        log(f"20 endpoints: {results['events_20']:.0f} events/s")
        for endpoint in more:
            await client.patch(f"/v1/webhook-endpoints/{endpoint}", json={"enabled": False})
        rate = float(setting("RATE", "200"))
        achieved, p50, p99 = await paced(
            client, arrivals, rate, float(setting("RATE_SECONDS", "15"))
        )
        results.update(rate=achieved, p50=p50, p99=p99)
        log(f"{achieved:.0f} writes/s: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    return results


def report(results: dict[str, float], cost: SchedulerCost) -> str:
    ratio = results["writes_with"] / results["writes_without"]
    lines = [
        "| measure | value | goal |",
        "|---|---|---|",
        f"| writes/s, no endpoint | {results['writes_without']:.0f} | |",
        f"| writes/s, one endpoint | {results['writes_with']:.0f} | |",
        f"| write throughput with / without | {ratio:.2f} | > 0.90 |",
        f"| events/s commit to 2xx, 1 endpoint | {results['events_1']:.0f} | |",
        f"| events/s commit to 2xx, 20 endpoints | {results['events_20']:.0f}"
        f" ({results['events_20'] * 20:.0f} deliveries/s) | |",
        f"| steady rate achieved (writes/s) | {results['rate']:.0f} | 200 |",
        f"| commit to delivery p50 / p99 | {results['p50'] * 1000:.0f} ms /"
        f" {results['p99'] * 1000:.0f} ms | p99 < 1 s |",
        f"| scheduler, {cost.pairs:,} pairs: a minute's tick (median / max) |"
        f" {cost.minute_ms_median:.1f} ms / {cost.minute_ms_max:.1f} ms,"
        f" {cost.minute_statements_median:.0f} statements | |",
        f"| scheduler: events in a simulated hour | {cost.events_in_hour} | |",
        f"| scheduler: a day without ticks, then one | {cost.day_jump_seconds:.2f} s,"
        f" {cost.day_jump_events} events | |",
        f"| scheduler: every watch due at once (first start) | {cost.first_settle_seconds:.1f} s"
        " | |",
        f"| full scan of every pair's cadence state (one statement) | {cost.full_scan_ms:.0f} ms"
        " | |",
    ]
    return "\n".join(lines)


def main() -> int:
    """Scratch database and organization from the harness (as the servers' role); Rapport may
    deliver to the receiver on 127.0.0.1."""
    with ExitStack() as stack:
        scratch = prepare(
            stack, server_url(), prefix="rapport_bench_webhooks",
            keep=setting("KEEP", "") == "1", jit=False,
        )  # fmt: skip
        arrivals = Arrivals()
        workers = int(setting("WORKERS", "2"))
        with (
            serve_in_thread(receiver_app(arrivals)) as receiver,
            serve_rapport(scratch, workers, {"RAPPORT_WEBHOOKS_ALLOW_PRIVATE": "true"}) as server,
        ):
            log(f"rapport on {server.url} as {scratch.role}, receiver on {receiver}")
            results = asyncio.run(run_http(server.url, scratch.key, receiver, arrivals))
        # The server has stopped: its scheduler does not tick beside the measured one.
        pairs = int(setting("PAIRS", "10000"))
        log(f"scheduler: {pairs:,} pairs")
        org_id = UUID(scratch.org_id)
        cost = asyncio.run(measure(scratch.app_url, scratch.db_url, org_id, pairs))
    print(report(results, cost))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
