"""Events out, on PostgreSQL: how fast committed changes reach a webhook receiver, what the
outbox costs a write, how late deliveries are at a steady 200 events/s, and what the
scheduler costs at 10,000 pairs.

    .venv/bin/python benchmarks/webhooks.py          # or: make bench-webhooks

Steps (a scratch database, migrated as its owner; Rapport served with `rapport serve
--workers 2` connected as the app's role `rapport_app`, so row-level security applies, with
the webhook delivery process `rapport serve` starts beside its workers on PostgreSQL; a
receiver on 127.0.0.1 answering 204, in a process of its own (webhooks_receiver.py); the
scratch database, the servers and the load loops come from harness/):

1. write throughput (POST /v1/people, 8 at a time) with no endpoint and with one, rounds
   alternating in ABBA order (so a drift in the machine's load falls on both): the ratio
   is the outbox's cost on a write, as deployed (goal: under 10%); with the servers' CPU
   per write in each (the delivery process's included), which says how much of the cost
   is delivering on the same cores;
2. events per second from the first write to the receiver's last 2xx, with 1 endpoint and
   with 20 (every event to each), for a burst of writes;
3. commit-to-delivery latency (the write's response to the receiver's arrival) with API
   writes asked at a steady RATE, one endpoint: the rate reached, p50, p99 and max;
4. the same with the events committed at a steady RATE straight through the outbox, as a
   request's transaction commits them (webhooks_outbox.py), for when the API cannot write
   that fast on the machine: the rate reached, p50, p99, max (goal: p99 under 1 s at 200
   events/s);
5. the scheduler's cost per minute at 10,000 pairs (benchmarks/webhooks_scheduler.py).

Settings: RAPPORT_BENCH_DATABASE_URL, _WRITES (burst size, 1000), _SECONDS (per write
round, 8), _ROUNDS (2), _RATE (200), _RATE_SECONDS (15), _WORKERS (2), _PAIRS (10000),
_EVENTS_PER_COMMIT (the generator's events per transaction, 1), _ONLY=outbox (step 4 alone,
a line: rate reached, p50 / p99 / max), _KEEP=1, _ROLE=owner (serve as the tables' owner,
for comparison). A quick check:
RAPPORT_BENCH_WRITES=100 RAPPORT_BENCH_SECONDS=2 RAPPORT_BENCH_ROUNDS=1 RAPPORT_BENCH_RATE=20
RAPPORT_BENCH_RATE_SECONDS=3 RAPPORT_BENCH_PAIRS=500 (about two minutes).
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from uuid import UUID

import httpx
from harness import (
    BENCH_DIR,
    BenchError,
    Scratch,
    Server,
    closed_loop,
    cpu_seconds,
    log,
    machine_load,
    percentile,
    prepare,
    run_main,
    serve,
    serve_rapport,
    server_url,
    setting,
)
from webhooks_outbox import generate
from webhooks_scheduler import SchedulerCost, measure

CONCURRENCY = 8
_emails = itertools.count(1)


class Receiver:
    """The receiver in its own process (webhooks_receiver.py), asked what arrived."""

    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.pid = pid
        self.http = httpx.AsyncClient(base_url=url, timeout=60)

    async def reset(self) -> None:
        (await self.http.post("/reset")).raise_for_status()

    async def delivered(self) -> int:
        return int((await self.http.get("/delivered")).text)

    async def arrivals(self) -> dict[str, dict[str, float]]:
        found: dict[str, dict[str, float]] = (await self.http.get("/arrivals")).json()
        return found


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
    client: httpx.AsyncClient, receiver: Receiver, writes: int, endpoints: int
) -> float:
    """Events per second from the first write to the last delivery of `writes` events to
    each of `endpoints`."""
    await receiver.reset()
    started = time.time()
    queue = list(range(writes))
    ids: list[str] = []

    async def writer() -> None:
        while queue:
            queue.pop()
            ids.append((await write(client))[0])

    await asyncio.gather(*(writer() for _ in range(CONCURRENCY)))
    arrived = await _all_arrived(receiver, ids, endpoints)
    return writes / (max(arrived.values()) - started)


async def _all_arrived(receiver: Receiver, ids: list[str], endpoints: int) -> dict[str, float]:
    """When each record's event had reached every endpoint, once all have."""
    deadline = time.monotonic() + 600
    while True:
        if await receiver.delivered() >= len(ids) * endpoints:
            seen = await receiver.arrivals()
            if all(len(seen.get(record, {})) >= endpoints for record in ids):
                return {record: max(seen[record].values()) for record in ids}
        if time.monotonic() > deadline:
            raise BenchError("deliveries did not all arrive within 10 minutes")
        await asyncio.sleep(0.1)


@dataclass(frozen=True, slots=True)
class Paced:
    """A steady rate asked for: the rate reached and the commit-to-delivery latencies."""

    rate: float
    events: int
    p50: float
    p99: float
    worst: float


async def lateness(receiver: Receiver, committed: dict[str, float], rate: float) -> Paced:
    arrived = await _all_arrived(receiver, list(committed), 1)
    latencies = [max(0.0, arrived[record] - at) for record, at in committed.items()]
    return Paced(
        rate,
        len(latencies),
        statistics.median(latencies),
        percentile(latencies, 0.99),
        max(latencies),
    )


async def paced(
    client: httpx.AsyncClient, receiver: Receiver, rate: float, seconds: float
) -> Paced:
    """API writes asked at a steady `rate`: the rate reached, the latencies."""
    await receiver.reset()
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
    return await lateness(receiver, committed, achieved)


async def paced_outbox(receiver: Receiver, scratch: Scratch, rate: float, seconds: float) -> Paced:
    """Events committed straight through the outbox at a steady `rate`
    (webhooks_outbox.py): the rate reached, the latencies."""
    await receiver.reset()
    people_each = int(setting("EVENTS_PER_COMMIT", "1"))
    generated = await generate(scratch.app_url, UUID(scratch.org_id), rate, seconds, people_each)
    return await lateness(receiver, generated.committed, generated.rate)


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


async def writes_and_cpu(
    client: httpx.AsyncClient, server: Server, receiver: Receiver, seconds: float
) -> Round:
    """A round of writes: writes per second, the servers' CPU per write (the delivery
    process's included) and the receiver's, which shares the machine's cores."""
    pids = (server.process.pid, receiver.pid)
    before = [cpu_seconds(pid) for pid in pids]
    written = await closed_loop([partial(write, client)] * CONCURRENCY, seconds)
    after = [cpu_seconds(pid) for pid in pids]
    per_write = [
        None if start is None or end is None else (end - start) / max(1, written.requests)
        for start, end in zip(before, after, strict=True)
    ]
    return Round(written.requests_per_second, per_write[0], per_write[1])


@dataclass(frozen=True, slots=True)
class Round:
    writes_per_second: float
    cpu_per_write: float | None  # seconds of the servers' CPU
    receiver_cpu_per_write: float | None


@dataclass(slots=True)
class Results:
    without: list[Round] = field(default_factory=list)
    with_one: list[Round] = field(default_factory=list)
    events_1: float = 0.0
    events_20: float = 0.0
    api: Paced | None = None
    outbox: Paced | None = None

    def median(self, rounds: list[Round], measure: str = "writes_per_second") -> float | None:
        values = [getattr(r, measure) for r in rounds]
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None


async def run_http(server: Server, scratch: Scratch, receiver: Receiver) -> Results:
    results = Results()
    headers = {"Authorization": f"Bearer {scratch.key}"}
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(
        base_url=server.url, headers=headers, timeout=60, limits=limits
    ) as client:
        seconds, rounds = float(setting("SECONDS", "8")), int(setting("ROUNDS", "2"))
        await writes_per_second(client, 2)  # warm-up
        first = await endpoints(client, receiver.url, 1)
        await client.patch(f"/v1/webhook-endpoints/{first[0]}", json={"enabled": False})
        for number in range(rounds):
            # ABBA: a drift in the machine's load over the rounds falls on both kinds.
            for enabled in (False, True) if number % 2 == 0 else (True, False):
                await _write_round(client, server, receiver, first[0], seconds, enabled, results)
            log(
                f"round {number + 1}: {results.without[-1].writes_per_second:.0f} vs"
                f" {results.with_one[-1].writes_per_second:.0f} writes/s"
            )
        await client.patch(f"/v1/webhook-endpoints/{first[0]}", json={"enabled": True})
        writes = int(setting("WRITES", "1000"))
        results.events_1 = await burst(client, receiver, writes, 1)
        log(f"1 endpoint: {results.events_1:.0f} events/s")
        more = await endpoints(client, receiver.url, 19)
        results.events_20 = await burst(client, receiver, writes // 4, 20)
        log(f"20 endpoints: {results.events_20:.0f} events/s")
        for endpoint in more:
            await client.patch(f"/v1/webhook-endpoints/{endpoint}", json={"enabled": False})
        rate, rate_seconds = float(setting("RATE", "200")), float(setting("RATE_SECONDS", "15"))
        results.api = await paced(client, receiver, rate, rate_seconds)
        log(f"API writes at {results.api.rate:.0f}/s: {_latencies(results.api)}")
        results.outbox = await paced_outbox(receiver, scratch, rate, rate_seconds)
        log(f"outbox events at {results.outbox.rate:.0f}/s: {_latencies(results.outbox)}")
    return results


async def _write_round(
    client: httpx.AsyncClient,
    server: Server,
    receiver: Receiver,
    endpoint: str,
    seconds: float,
    enabled: bool,
    results: Results,
) -> None:
    """A round of writes without the endpoint, or with it (then its deliveries drained)."""
    if not enabled:
        results.without.append(await writes_and_cpu(client, server, receiver, seconds))
        return
    await client.patch(f"/v1/webhook-endpoints/{endpoint}", json={"enabled": True})
    results.with_one.append(await writes_and_cpu(client, server, receiver, seconds))
    await client.patch(f"/v1/webhook-endpoints/{endpoint}", json={"enabled": False})
    await _drained(receiver)


async def run_outbox_only(server: Server, scratch: Scratch, receiver: Receiver) -> Paced:
    """Step 4 alone (RAPPORT_BENCH_ONLY=outbox): one endpoint, events from the generator."""
    headers = {"Authorization": f"Bearer {scratch.key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
        await endpoints(client, receiver.url, 1)
    rate, rate_seconds = float(setting("RATE", "200")), float(setting("RATE_SECONDS", "15"))
    run = await paced_outbox(receiver, scratch, rate, rate_seconds)
    log(f"outbox events at {run.rate:.0f}/s: {_latencies(run)}")
    return run


async def _drained(receiver: Receiver) -> None:
    """The deliveries of a round with an endpoint have stopped arriving (the endpoint was
    disabled; what was claimed before finishes), so the next round runs without them."""
    last = -1
    while (now := await receiver.delivered()) != last:
        last = now
        await asyncio.sleep(1.0)


def _latencies(run: Paced) -> str:
    return (
        f"p50 {run.p50 * 1000:.0f} ms, p99 {run.p99 * 1000:.0f} ms,"
        f" max {run.worst * 1000:.0f} ms ({run.events} events)"
    )


def report(results: Results, cost: SchedulerCost) -> str:
    without, with_one = results.median(results.without), results.median(results.with_one)
    cpu_without = results.median(results.without, "cpu_per_write")
    cpu_with = results.median(results.with_one, "cpu_per_write")
    receiver_cpu = results.median(results.with_one, "receiver_cpu_per_write")
    assert without is not None and with_one is not None
    assert results.api is not None and results.outbox is not None
    lines = [
        "| measure | value | goal |",
        "|---|---|---|",
        f"| writes/s, no endpoint | {without:.0f} | |",
        f"| writes/s, one endpoint | {with_one:.0f} | |",
        f"| write throughput with / without | {with_one / without:.2f} | > 0.90 |",
        f"| servers' CPU per write, no endpoint / one endpoint | {_ms(cpu_without)} /"
        f" {_ms(cpu_with)} | |",
        f"| the receiver's CPU per write, one endpoint | {_ms(receiver_cpu)} | |",
        f"| events/s commit to 2xx, 1 endpoint | {results.events_1:.0f} | |",
        f"| events/s commit to 2xx, 20 endpoints | {results.events_20:.0f}"
        f" ({results.events_20 * 20:.0f} deliveries/s) | |",
        f"| API writes: steady rate reached (writes/s) | {results.api.rate:.0f} | |",
        f"| API writes: commit to delivery p50 / p99 / max | {_paced(results.api)} | |",
        f"| outbox generator: steady rate reached (events/s) | {results.outbox.rate:.0f} | 200 |",
        f"| outbox generator: commit to delivery p50 / p99 / max | {_paced(results.outbox)} |"
        " p99 < 1 s |",
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


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def _paced(run: Paced) -> str:
    return f"{run.p50 * 1000:.0f} ms / {run.p99 * 1000:.0f} ms / {run.worst * 1000:.0f} ms"


def main() -> int:
    """Scratch database and organization from the harness (as the servers' role); Rapport may
    deliver to the receiver on 127.0.0.1."""
    with ExitStack() as stack:
        scratch = prepare(
            stack, server_url(), prefix="rapport_bench_webhooks",
            keep=setting("KEEP", "") == "1", jit=False,
        )  # fmt: skip
        workers = int(setting("WORKERS", "2"))
        receiver_command = [
            sys.executable, "-m", "uvicorn", "webhooks_receiver:app", "--app-dir",
            str(BENCH_DIR), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        with (
            serve("receiver", receiver_command, scratch.app_env, scratch.logs) as receiver,
            serve_rapport(scratch, workers, {"RAPPORT_WEBHOOKS_ALLOW_PRIVATE": "true"}) as server,
        ):
            log(f"rapport on {server.url} as {scratch.role}, receiver on {receiver.url}")
            log(machine_load())
            if setting("ONLY", "") == "outbox":
                asked = Receiver(receiver.url, receiver.process.pid)
                run = asyncio.run(run_outbox_only(server, scratch, asked))
                log(machine_load())
                print(f"| outbox generator, 1 endpoint | {run.rate:.0f} events/s |"
                      f" {_paced(run)} |")  # fmt: skip
                return 0
            asked = Receiver(receiver.url, receiver.process.pid)
            results = asyncio.run(run_http(server, scratch, asked))
            log(machine_load())
        # The server has stopped: its scheduler does not tick beside the measured one.
        pairs = int(setting("PAIRS", "10000"))
        log(f"scheduler: {pairs:,} pairs")
        org_id = UUID(scratch.org_id)
        cost = asyncio.run(measure(scratch.app_url, scratch.db_url, org_id, pairs))
    print(report(results, cost))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
