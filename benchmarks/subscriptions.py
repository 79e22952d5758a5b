"""Live subscriptions on PostgreSQL: one agenda change fanned out to 1,000 subscribers of
one meeting on one server process, and changes made through one process delivered to a
subscriber of another.

    .venv/bin/python benchmarks/subscriptions.py     # or: make bench-subscriptions

Steps (a scratch database, migrated as its owner; Rapport served with `rapport serve
--workers 1` connected as the app's role `rapport_app`, so row-level security applies; the
scratch database and the servers come from harness/):

1. fan-out: SUBSCRIBERS WebSocket connections (graphql-transport-ws) to one process, each
   with one `meetingChanged` subscription to the same meeting, half as the pair's lead and
   half as its member (two person tokens: the work per credential is shared within a
   fan-out); then CHANGES agenda items added through the API, one at a time: the delay from
   the request's start to each subscriber's message (p50, p95, max), and the server's RSS
   growth per connection (VmRSS before connecting and after every subscriber got a change);
2. across processes: a second process; a subscriber on the first, CROSS changes made
   through the second one at a time: the delay from the request's start to the message
   (p50, p95; goal: p95 under 200 ms).

The per-person limit is raised for step 1 (RAPPORT_LIVE_SUBSCRIPTIONS_PER_PERSON):
its default, 50, would refuse the 51st subscription of one person on one process.

Settings: RAPPORT_BENCH_DATABASE_URL, _SUBSCRIBERS (1000), _CHANGES (5), _CROSS (100),
_KEEP=1, _ROLE=owner (serve as the tables' owner, for comparison). A quick check:
RAPPORT_BENCH_SUBSCRIBERS=100 RAPPORT_BENCH_CROSS=20 (under a minute).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from contextlib import AsyncExitStack, ExitStack
from datetime import UTC, datetime, timedelta

import httpx
from harness import (
    BenchError,
    Scratch,
    cpu_seconds,
    create,
    log,
    percentile,
    prepare,
    rss_kib,
    run_main,
    serve_rapport,
    server_url,
    setting,
)
from websockets.asyncio.client import ClientConnection, connect

MEETING_CHANGED = """
subscription Changed($id: UUID!) {
  meetingChanged(meetingId: $id) { eventType agendaItem { id title } }
}
"""
WAIT = 60.0


class Seeded:
    """A pair, its meeting and a person token for each of its two people."""

    def __init__(self, base_url: str, key: str) -> None:
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        ) as client:
            lead = create(client, "/v1/people", {"email": "lead@bench.example", "name": "Lead"})
            member = create(
                client,
                "/v1/people",
                {"email": "member@bench.example", "name": "Member", "manager_id": lead},
            )
            pairs = client.get("/v1/pairs", params={"member_id": member}).json()["data"]
            starts_at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
            self.meeting = create(
                client, "/v1/meetings", {"pair_id": pairs[0]["id"], "starts_at": starts_at}
            )
            self.member = member
            self.tokens = [self._token(client, person) for person in (lead, member)]

    @staticmethod
    def _token(client: httpx.Client, person: str) -> str:
        response = client.post("/v1/person-tokens", json={"person_id": person})
        if response.status_code != 200:
            raise BenchError(f"minting a token answered {response.status_code}")
        return str(response.json()["token"])


async def subscriber(base_url: str, token: str, meeting: str) -> ClientConnection:
    """A connection with one meetingChanged subscription (operation id "m")."""
    socket = await connect(
        base_url.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=WAIT,
        max_queue=None,
    )
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    acknowledged = json.loads(await asyncio.wait_for(socket.recv(), WAIT))
    if acknowledged.get("type") != "connection_ack":
        raise BenchError(f"connection_init answered {acknowledged}")
    subscribe = {"query": MEETING_CHANGED, "variables": {"id": meeting}}
    await socket.send(json.dumps({"id": "m", "type": "subscribe", "payload": subscribe}))
    return socket


async def arrival(socket: ClientConnection, title: str) -> float:
    """When the message about the item titled `title` arrived (time.monotonic)."""
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), WAIT))
        if message.get("type") != "next":
            continue
        item = message["payload"]["data"]["meetingChanged"]["agendaItem"] or {}
        if item.get("title") == title:
            return time.monotonic()


async def change(client: httpx.AsyncClient, seeded: Seeded, title: str) -> float:
    """Add an agenda item; when the request started (time.monotonic)."""
    started = time.monotonic()
    response = await client.post(
        f"/v1/meetings/{seeded.meeting}/agenda-items",
        json={"title": title, "author_id": seeded.member},
    )
    if response.status_code != 201:
        raise BenchError(f"adding an item answered {response.status_code}: {response.text}")
    return started


async def heard_by_all(
    client: httpx.AsyncClient, seeded: Seeded, sockets: list[ClientConnection], title: str
) -> list[float]:
    """One change; each subscriber's delay from the request's start to its message."""
    waiting = [asyncio.create_task(arrival(socket, title)) for socket in sockets]
    started = await change(client, seeded, title)
    return [at - started for at in await asyncio.gather(*waiting)]


async def registered(
    client: httpx.AsyncClient, seeded: Seeded, sockets: list[ClientConnection]
) -> None:
    """Probe changes until every subscriber hears one (a client cannot know when its
    subscription is registered on the server)."""
    for attempt in range(30):
        title = f"probe {attempt}"
        waiting = [asyncio.create_task(arrival(socket, title)) for socket in sockets]
        await change(client, seeded, title)
        _, pending = await asyncio.wait(waiting, timeout=5)
        for task in pending:
            task.cancel()
        if not pending:
            return
    raise BenchError("not every subscriber heard a change")


async def fan_out(scratch: Scratch, base_url: str, pid: int, seeded: Seeded) -> dict[str, float]:
    count, changes = int(setting("SUBSCRIBERS", "1000")), int(setting("CHANGES", "5"))
    headers = {"Authorization": f"Bearer {scratch.key}"}
    async with (
        httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client,
        AsyncExitStack() as sockets_open,
    ):
        before = rss_kib(pid)
        sockets = []
        for number in range(count):
            token = seeded.tokens[number % 2]
            socket = await subscriber(base_url, token, seeded.meeting)
            sockets.append(await sockets_open.enter_async_context(socket))
        log(f"{count} subscribers connected")
        await registered(client, seeded, sockets)
        after = rss_kib(pid)
        delays: list[float] = []
        cpu_before = cpu_seconds(pid) or 0.0
        for number in range(changes):
            delays += await heard_by_all(client, seeded, sockets, f"fan-out {number}")
            log(f"change {number + 1}: max {max(delays[-count:]) * 1000:.0f} ms")
        server_cpu = ((cpu_seconds(pid) or 0.0) - cpu_before) / changes
    return {
        "subscribers": count,
        "changes": changes,
        "p50": statistics.median(delays),
        "p95": percentile(delays, 0.95),
        "max": max(delays),
        "rss_per_connection_kib": (after - before) / count,
        "server_cpu_per_change": server_cpu,
        "rss_before_mib": before / 1024,
        "rss_after_mib": after / 1024,
    }


async def across(scratch: Scratch, first: str, second: str, seeded: Seeded) -> dict[str, float]:
    cross = int(setting("CROSS", "100"))
    headers = {"Authorization": f"Bearer {scratch.key}"}
    async with (
        httpx.AsyncClient(base_url=second, headers=headers, timeout=60) as client,
        await subscriber(first, seeded.tokens[0], seeded.meeting) as socket,
    ):
        await registered(client, seeded, [socket])
        delays: list[float] = []
        for number in range(cross):
            delays += await heard_by_all(client, seeded, [socket], f"across {number}")
    return {
        "changes": cross,
        "p50": statistics.median(delays),
        "p95": percentile(delays, 0.95),
        "max": max(delays),
    }


def report(fan: dict[str, float], cross: dict[str, float]) -> str:
    def ms(value: float) -> str:
        return f"{value * 1000:.0f} ms"

    return "\n".join(
        [
            "| measure | value | goal |",
            "|---|---|---|",
            f"| fan-out: {fan['subscribers']:.0f} subscribers of one meeting, one process,"
            f" {fan['changes']:.0f} changes: delay p50 / p95 / max | {ms(fan['p50'])} /"
            f" {ms(fan['p95'])} / {ms(fan['max'])} | |",
            f"| server CPU per change (the request and {fan['subscribers']:.0f} messages) |"
            f" {ms(fan['server_cpu_per_change'])} | |",
            f"| server RSS before / after connecting | {fan['rss_before_mib']:.0f} MiB /"
            f" {fan['rss_after_mib']:.0f} MiB | |",
            f"| RSS per connection (one subscription each) |"
            f" {fan['rss_per_connection_kib']:.0f} KiB | |",
            f"| across processes, {cross['changes']:.0f} changes: delay p50 / p95 / max |"
            f" {ms(cross['p50'])} / {ms(cross['p95'])} / {ms(cross['max'])} | p95 < 200 ms |",
        ]
    )


def main() -> int:
    with ExitStack() as stack:
        scratch = prepare(
            stack, server_url(), prefix="rapport_bench_live",
            keep=setting("KEEP", "") == "1", jit=False,
        )  # fmt: skip
        limits = {"RAPPORT_LIVE_SUBSCRIPTIONS_PER_PERSON": "100000"}
        first = stack.enter_context(serve_rapport(scratch, 1, limits))
        log(f"rapport on {first.url} as {scratch.role}")
        seeded = Seeded(first.url, scratch.key)
        fan = asyncio.run(fan_out(scratch, first.url, first.process.pid, seeded))
        second = stack.enter_context(serve_rapport(scratch, 1, limits))
        cross = asyncio.run(across(scratch, first.url, second.url, seeded))
    print(report(fan, cross))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
