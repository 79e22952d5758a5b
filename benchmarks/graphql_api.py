"""GraphQL benchmark: one nested query against the REST calls a front end would make for the
same screen, both served by Rapport on PostgreSQL.

    .venv/bin/python benchmarks/graphql_api.py          # or: make bench-graphql

The screen: 50 pairs, each with its last 5 meetings (with their follow-up commitments),
each meeting's agenda items and notes, and each pair's open commitments.

- GraphQL: one POST /graphql.
- REST: GET /v1/pairs, then per pair GET /v1/meetings?pair_id and
  GET /v1/commitments?pair_id&status=open, then per meeting its agenda items and notes:
  601 requests in three waves, at most 6 at a time per user (a browser's connections to one
  host).

Steps: create a scratch database beside the configured one, migrate it, create an
organization and an admin key with the CLI, serve Rapport, seed the screen's records through
REST, check that both ways return the same records, then let simulated users load the screen
in a loop, each way in turn, and print screens per second, p50 and p99 screen latency and
the server CPU per screen. Medians over the rounds. The server is stopped and the database
dropped whatever happens.

Environment (all optional):

    RAPPORT_BENCH_DATABASE_URL   PostgreSQL server; the scratch database is created beside it
                                 (postgresql://postgres@127.0.0.1:5432/postgres)
    RAPPORT_BENCH_SECONDS        measured seconds per way and round (10)
    RAPPORT_BENCH_ROUNDS         rounds, alternating the two ways (3)
    RAPPORT_BENCH_USERS          users loading the screen at once (4)
    RAPPORT_BENCH_WORKERS        uvicorn workers of the server (2)
    RAPPORT_BENCH_KEEP           1: keep the scratch database and print its URL
    RAPPORT_BENCH_JSON           a path to also write the results to, as JSON
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import rest_api as bench
import uvloop

PAIRS = 50
MEETINGS_PER_PAIR = 5
LEADS = 10
BROWSER_CONNECTIONS = 6

SCREEN = """
query Screen {
  pairs(first: 50) {
    nodes {
      id
      meetings(first: 5, newestFirst: true) {
        nodes {
          id
          startsAt
          followUp { id title }
          agendaItems { nodes { id title } }
          notes { nodes { id body } }
        }
      }
      commitments(status: OPEN) { nodes { id title } }
    }
  }
}
"""


@dataclass(frozen=True, slots=True)
class Config:
    seconds: int
    rounds: int
    users: int
    workers: int
    json_path: str | None

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ
        return cls(
            seconds=int(env.get("RAPPORT_BENCH_SECONDS", "10")),
            rounds=max(1, int(env.get("RAPPORT_BENCH_ROUNDS", "3"))),
            users=max(1, int(env.get("RAPPORT_BENCH_USERS", "4"))),
            workers=int(env.get("RAPPORT_BENCH_WORKERS", "2")),
            json_path=env.get("RAPPORT_BENCH_JSON") or None,
        )


# A screen's records, as comparable sets: (kind, id) of everything shown.
Screen = frozenset[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Result:
    way: str
    requests_per_screen: int
    screens_per_second: float
    p50_ms: float
    p99_ms: float
    screens: int
    cpu_ms_per_screen: float | None


# --- data --------------------------------------------------------------------------------------


def seed(client: httpx.Client) -> None:
    """Ten leads with five members each; every pair with five meetings (an agenda item and a
    shared note on each) and one open commitment."""
    tag = time.time_ns()

    def create(path: str, body: dict[str, Any]) -> str:
        response = client.post(path, json=body)
        if response.status_code != 201:
            raise bench.BenchError(f"POST {path} answered {response.status_code}: {response.text}")
        return str(response.json()["id"])

    first = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    for lead_number in range(LEADS):
        lead = create(
            "/v1/people",
            {"email": f"lead{lead_number}-{tag}@bench.example", "name": f"Lead {lead_number}"},
        )
        for slot in range(PAIRS // LEADS):
            member = create(
                "/v1/people",
                {"email": f"m{lead_number}-{slot}-{tag}@bench.example", "name": f"Member {slot}"},
            )
            pair = create("/v1/pairs", {"lead_id": lead, "member_id": member, "kind": "mentorship"})
            for week in range(MEETINGS_PER_PAIR):
                starts_at = first + timedelta(weeks=week, hours=slot)
                meeting = create(
                    "/v1/meetings", {"pair_id": pair, "starts_at": starts_at.isoformat()}
                )
                create(
                    f"/v1/meetings/{meeting}/agenda-items",
                    {"author_id": member, "title": f"Topic {week}"},
                )
                create(f"/v1/meetings/{meeting}/notes", {"author_id": lead, "body": f"Note {week}"})
            create("/v1/commitments", {"pair_id": pair, "owner_id": member, "title": "Follow up"})


# --- the two ways of loading the screen --------------------------------------------------------


async def screen_by_graphql(client: httpx.AsyncClient) -> tuple[Screen, int]:
    response = await client.post("/graphql", json={"query": SCREEN})
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise bench.BenchError(f"the GraphQL screen failed: {response.text[:600]}")
    shown: set[tuple[str, str]] = set()
    for pair in body["data"]["pairs"]["nodes"]:
        shown.add(("pair", pair["id"]))
        shown |= {("commitment", c["id"]) for c in pair["commitments"]["nodes"]}
        for meeting in pair["meetings"]["nodes"]:
            shown.add(("meeting", meeting["id"]))
            shown |= {("follow_up", f"{meeting['id']}/{c['id']}") for c in meeting["followUp"]}
            shown |= {("agenda_item", i["id"]) for i in meeting["agendaItems"]["nodes"]}
            shown |= {("note", n["id"]) for n in meeting["notes"]["nodes"]}
    return frozenset(shown), 1


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(path, params=params)
    if response.status_code != 200:
        raise bench.BenchError(f"GET {path} answered {response.status_code}: {response.text}")
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def screen_by_rest(client: httpx.AsyncClient) -> tuple[Screen, int]:
    pairs = await _get(client, "/v1/pairs", limit=PAIRS)
    per_pair = await asyncio.gather(
        *(
            call
            for pair in pairs
            for call in (
                _get(client, "/v1/meetings", pair_id=pair["id"], limit=MEETINGS_PER_PAIR),
                _get(client, "/v1/commitments", pair_id=pair["id"], status="open"),
            )
        )
    )
    meetings = [meeting for page in per_pair[0::2] for meeting in page]
    per_meeting = await asyncio.gather(
        *(
            _get(client, f"/v1/meetings/{meeting['id']}/{content}")
            for meeting in meetings
            for content in ("agenda-items", "notes")
        )
    )
    shown: set[tuple[str, str]] = {("pair", pair["id"]) for pair in pairs}
    shown |= {("commitment", c["id"]) for page in per_pair[1::2] for c in page}
    for meeting in meetings:
        shown.add(("meeting", meeting["id"]))
        shown |= {("follow_up", f"{meeting['id']}/{c['id']}") for c in meeting["follow_up"]}
    shown |= {("agenda_item", item["id"]) for item in (x for p in per_meeting[0::2] for x in p)}
    shown |= {("note", note["id"]) for note in (x for p in per_meeting[1::2] for x in p)}
    return frozenset(shown), 1 + len(per_pair) + len(per_meeting)


WAYS: dict[str, Callable[[httpx.AsyncClient], Awaitable[tuple[Screen, int]]]] = {
    "GraphQL": screen_by_graphql,
    "REST": screen_by_rest,
}


def _client(base_url: str, key: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS)
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=60)


async def same_screens(base_url: str, key: str) -> dict[str, int]:
    """Both ways show the same records; returns the requests each way makes per screen."""
    screens: dict[str, Screen] = {}
    requests: dict[str, int] = {}
    async with _client(base_url, key) as client:
        for way, load_screen in WAYS.items():
            screens[way], requests[way] = await load_screen(client)
    graphql, rest = screens["GraphQL"], screens["REST"]
    if graphql != rest:
        raise bench.BenchError(
            f"the two ways disagree: only GraphQL {sorted(graphql - rest)[:5]},"
            f" only REST {sorted(rest - graphql)[:5]}"
        )
    pairs = sum(1 for kind, _ in graphql if kind == "pair")
    if pairs != PAIRS:
        raise bench.BenchError(f"expected {PAIRS} pairs on the screen, found {pairs}")
    bench.log(f"both ways show the same {len(graphql)} records; requests per screen {requests}")
    return requests


async def _user(base_url: str, key: str, way: str, until: float, latencies: list[float]) -> None:
    async with _client(base_url, key) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            await WAYS[way](client)
            latencies.append(time.perf_counter() - started)


async def measure(
    server: bench.Server, key: str, way: str, requests: int, config: Config
) -> Result:
    latencies: list[float] = []
    before = bench.cpu_seconds(server.process.pid)
    started = time.monotonic()
    until = started + config.seconds
    await asyncio.gather(
        *(_user(server.url, key, way, until, latencies) for _ in range(config.users))
    )
    elapsed = time.monotonic() - started
    after = bench.cpu_seconds(server.process.pid)
    cpu = None
    if before is not None and after is not None and latencies:
        cpu = 1000 * (after - before) / len(latencies)
    ordered = sorted(latencies)
    return Result(
        way=way,
        requests_per_screen=requests,
        screens_per_second=len(latencies) / elapsed,
        p50_ms=1000 * statistics.median(ordered),
        p99_ms=1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        screens=len(latencies),
        cpu_ms_per_screen=cpu,
    )


def median(results: Sequence[Result]) -> Result:
    cpu = [r.cpu_ms_per_screen for r in results if r.cpu_ms_per_screen is not None]
    return Result(
        way=results[0].way,
        requests_per_screen=results[0].requests_per_screen,
        screens_per_second=statistics.median(r.screens_per_second for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        screens=sum(r.screens for r in results),
        cpu_ms_per_screen=statistics.median(cpu) if cpu else None,
    )


# --- report ------------------------------------------------------------------------------------


def table(results: Sequence[Result]) -> str:
    header = ("way", "requests/screen", "screens/s", "p50", "p99", "server CPU/screen")
    lines = [
        (
            r.way,
            str(r.requests_per_screen),
            f"{r.screens_per_second:,.1f}",
            f"{r.p50_ms:,.0f} ms",
            f"{r.p99_ms:,.0f} ms",
            "-" if r.cpu_ms_per_screen is None else f"{r.cpu_ms_per_screen:,.1f} ms",
        )
        for r in results
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    rendered = [
        "  ".join(
            [cells[0].ljust(widths[0])]
            + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        )
        for cells in [header, *lines]
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


# --- the run -----------------------------------------------------------------------------------


def run(config: Config) -> list[Result]:
    with ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapport-bench-")))
        # The scratch database follows the REST benchmark's settings (server URL, keep).
        scratch = bench.prepare(bench.Config.from_env(), stack)
        command = [bench.rapport_cli(), "serve", "--workers", str(config.workers)]
        server = stack.enter_context(bench.serve("rapport", command, scratch.env, logs))
        headers = {"Authorization": f"Bearer {scratch.key}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            seed(client)
        bench.log(f"seeded {PAIRS} pairs with {MEETINGS_PER_PAIR} meetings each")
        requests = uvloop.run(same_screens(server.url, scratch.key))
        bench.log(
            f"{config.users} users, {config.rounds} x {config.seconds}s per way,"
            f" {config.workers} workers, {os.cpu_count()} CPUs shared with PostgreSQL"
        )
        runs: dict[str, list[Result]] = {way: [] for way in WAYS}
        for round_number in range(1, config.rounds + 1):
            for way in WAYS:  # alternating, so drift on a shared machine hits both alike
                result = uvloop.run(measure(server, scratch.key, way, requests[way], config))
                runs[way].append(result)
                bench.log(
                    f"round {round_number}/{config.rounds} {way}:"
                    f" {result.screens_per_second:,.1f} screens/s, p99 {result.p99_ms:,.0f} ms"
                )
        return [median(results) for results in runs.values()]


def main() -> int:
    signal.signal(signal.SIGTERM, bench.exit_on_signal)
    config = Config.from_env()
    try:
        results = run(config)
    except bench.BenchError as error:
        bench.log(f"failed: {error}")
        return 2
    graphql, rest = results
    print()
    print(table(results))
    print()
    print(
        f"GraphQL/REST: {graphql.screens_per_second / rest.screens_per_second:.1f}x the screens"
        f" per second, {rest.p99_ms / graphql.p99_ms:.1f}x lower p99."
    )
    if config.json_path:
        Path(config.json_path).write_text(
            json.dumps([asdict(result) for result in results], indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
