"""GraphQL benchmark: one screen of a front end and one meeting by id, Rapport's GraphQL
against PostGraphile v4 (its peer) on the same PostgreSQL database, and against the REST
calls the same screen takes.

    .venv/bin/python benchmarks/graphql_api.py          # or: make bench-graphql

The screen: 50 pairs, each with its last 5 meetings (with their follow-up commitments),
each meeting's agenda items and notes, and each pair's open commitments (1,100 records).

- Rapport GraphQL: one POST /graphql.
- PostGraphile: one POST /graphql of the same shape (graphql_peer.py: the follow-up rule and
  the visibility of notes are computed columns).
- Rapport REST: GET /v1/pairs, then per pair GET /v1/meetings?pair_id and
  GET /v1/commitments?pair_id&status=open, then per meeting its agenda items and notes:
  601 requests in three waves, at most 6 at a time per user (a browser's connections).

And one meeting by id with its follow-up, on Rapport's GraphQL, on PostGraphile and on the
layers Rapport's GraphQL stands on alone (graphql_layers_app.py: Strawberry, graphql-core
and SQLAlchemy Core in a transaction entering the organization, nothing of Rapport's own):
what it spends beyond PostGraphile no change inside Rapport can remove.

Steps: create a scratch database (harness/), migrate it, create an organization and an
admin key with the CLI, serve Rapport and PostGraphile (installed from npm into .bench/ on
first use; node must be on PATH), both as `rapport_app` with row-level security on, seed
the screen's records through REST, check that every way returns the same records, then load
each in alternating rounds at the same concurrency (wrk for the two GraphQL servers,
simulated browsers for REST) and print screens (requests) per second, p50 and p99, the CPU
per screen of the server's processes and of the PostgreSQL backends serving it, and the
ratios. Medians over the rounds, and each round's throughput ratio beside them. The servers
are stopped and the database dropped whatever happens.

Environment (all optional):

    RAPPORT_BENCH_DATABASE_URL   PostgreSQL server; the scratch database is created beside it
                                 (postgresql://postgres@127.0.0.1:5432/postgres)
    RAPPORT_BENCH_ROLE           rapport_app (default) or owner: the role the servers connect as
    RAPPORT_BENCH_SECONDS        measured seconds per way and round (10; 6 for one meeting)
    RAPPORT_BENCH_ROUNDS         rounds, alternating the ways (3)
    RAPPORT_BENCH_USERS          screens loaded at once (4)
    RAPPORT_BENCH_CONNECTIONS    connections loading one meeting by id (32)
    RAPPORT_BENCH_WORKERS        worker processes of each server (2)
    RAPPORT_BENCH_REST           0: leave out the REST way (the slowest: first round only)
    RAPPORT_BENCH_LAYERS         0: leave out the layers alone (one meeting by id)
    RAPPORT_BENCH_KEEP           1: keep the scratch database and print its URL
    RAPPORT_BENCH_JSON           a path to also write the results to, as JSON
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack, ExitStack
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import graphql_peer as peer
import graphql_screen as gs
import harness as h
import httpx
import uvloop
from graphql_screen import GraphqlWay, Screen


@dataclass(frozen=True, slots=True)
class Config:
    server_url: str
    seconds: int
    rounds: int
    users: int
    connections: int
    workers: int
    rest: bool
    layers: bool
    keep: bool
    json_path: str | None

    @classmethod
    def from_env(cls) -> Config:
        return cls(
            server_url=h.server_url(),
            seconds=int(h.setting("SECONDS", "10")),
            rounds=max(1, int(h.setting("ROUNDS", "3"))),
            users=max(1, int(h.setting("USERS", "4"))),
            connections=int(h.setting("CONNECTIONS", "32")),
            workers=int(h.setting("WORKERS", "2")),
            rest=h.setting("REST", "1") != "0",
            layers=h.setting("LAYERS", "1") != "0",
            keep=h.setting("KEEP", "") == "1",
            json_path=h.setting("JSON", "") or None,
        )


@dataclass(frozen=True, slots=True)
class Result:
    step: str  # "screen" or "meeting by id"
    way: str
    requests_per_screen: int
    load: h.Load  # per screen (one GraphQL request, or the REST calls of one screen)
    rounds: tuple[h.Load, ...]  # each round's, in order (load is their median)


LAYERS = "GraphQL layers alone"  # graphql_layers_app.py: one meeting by id only
# Its pool beside Rapport's and PostGraphile's, which keep theirs open: within the 100
# connections of PostgreSQL's default max_connections.
LAYERS_POOL = {"RAPPORT_DB_POOL_SIZE": "10"}


# --- checks ------------------------------------------------------------------------------------


def same_records(ways: Sequence[GraphqlWay], rapport: h.Server, key: str) -> tuple[str, int]:
    """Every way shows the same records; returns a meeting's id and the REST calls a screen
    takes."""
    screens = {way.name: way.shown(key) for way in ways if way.screen}

    async def by_rest() -> tuple[Screen, int]:
        async with gs.browser(rapport.url, key) as client:
            return await gs.screen_by_rest(client)

    screens["REST"], rest_requests = uvloop.run(by_rest())
    reference = screens[ways[0].name]
    for name, shown in screens.items():
        if shown != reference:
            raise h.BenchError(
                f"{ways[0].name} and {name} disagree: only the first"
                f" {sorted(reference - shown)[:5]}, only {name} {sorted(shown - reference)[:5]}"
            )
    pairs = sum(1 for kind, _ in reference if kind == "pair")
    if pairs != gs.PAIRS:
        raise h.BenchError(f"expected {gs.PAIRS} pairs on the screen, found {pairs}")
    meeting_id = min(record for kind, record in reference if kind == "meeting")
    meetings = {way.name: way.meeting_shown(key, meeting_id) for way in ways}
    if len(set(meetings.values())) != 1 or len(next(iter(meetings.values()))) < 2:
        raise h.BenchError(f"one meeting by id: the ways disagree or show no follow-up: {meetings}")
    h.log(f"every way shows the same {len(reference)} records; REST takes {rest_requests} calls")
    return meeting_id, rest_requests


# --- load --------------------------------------------------------------------------------------

# wrk posts the document and counts answers that are not 200 or carry GraphQL errors.
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[{body}]==]
failed = 0
function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then failed = failed + 1 end
end
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("failed") end
  io.write(string.format("answers with errors: %d\\n", total))
end
"""


@dataclass(frozen=True, slots=True)
class Bench:
    config: Config
    scratch: h.Scratch
    meeting_id: str

    def graphql(self, way: GraphqlWay, step: str) -> h.Load:
        """wrk posting one document: `users` screens, or `connections` meetings, at once."""
        script = self.scratch.logs / f"{way.name}-{step.replace(' ', '-')}.lua"
        script.write_text(WRK_SCRIPT.format(body=way.body(step, self.meeting_id)))
        config = self.config
        screen = step == "screen"
        connections = config.users if screen else config.connections
        seconds = config.seconds if screen else max(3, config.seconds * 6 // 10)
        headers = (f"Authorization: Bearer {self.scratch.key}",)
        wrk = h.Wrk(h.ensure_wrk(), connections, 2, headers, script)
        return h.load(wrk, way.server, self.scratch.db_url, "/graphql", seconds)

    def rest(self, server: h.Server) -> h.Load:
        """Simulated browsers loading the screen through REST, `users` at once."""

        async def users() -> h.Load:
            async with AsyncExitStack() as stack:
                browsers = [
                    await stack.enter_async_context(gs.browser(server.url, self.scratch.key))
                    for _ in range(self.config.users)
                ]
                screens = [partial(gs.screen_by_rest, browser) for browser in browsers]
                return await h.closed_loop(screens, self.config.seconds)

        return h.metered(server, self.scratch.db_url, lambda: uvloop.run(users()))


def measure(
    bench: Bench, ways: Sequence[GraphqlWay], rapport: h.Server, rest_calls: int
) -> list[Result]:
    config = bench.config
    steps: list[tuple[str, str, int, Callable[[], h.Load]]] = []
    for step in ("screen", "meeting by id"):
        for way in ways:
            if step == "screen" and not way.screen:
                continue
            steps.append((step, way.name, 1, partial(bench.graphql, way, step)))
        if step == "screen" and config.rest:
            steps.append((step, "Rapport REST", rest_calls, partial(bench.rest, rapport)))
    runs: dict[tuple[str, str], list[h.Load]] = {}
    for round_number in range(1, config.rounds + 1):
        for step, way_name, _, run_once in steps:  # alternating: drift hits every way alike
            if way_name == "Rapport REST" and round_number > 1:
                continue  # a minute per round on a busy machine: measured in the first only
            measured = run_once()
            runs.setdefault((step, way_name), []).append(measured)
            h.log(
                f"round {round_number}/{config.rounds} {step}, {way_name}:"
                f" {measured.requests_per_second:,.1f}/s, p99 {measured.p99_ms:,.0f} ms,"
                f" CPU {h.us(measured.cpu_us_per_request)} + database"
                f" {h.us(measured.db_cpu_us_per_request)}"
            )
    return [
        Result(
            step, way_name, calls, h.median_load(runs[step, way_name]), tuple(runs[step, way_name])
        )
        for step, way_name, calls, _ in steps
    ]


# --- report ------------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value / 1000:,.1f} ms"


def results_table(results: Sequence[Result]) -> str:
    header = ("step", "way", "requests", "per second", "p50", "p99", "server CPU", "database CPU")
    lines = [
        (r.step, r.way, str(r.requests_per_screen), f"{r.load.requests_per_second:,.1f}",
         f"{r.load.p50_ms:,.1f} ms", f"{r.load.p99_ms:,.1f} ms", ms(r.load.cpu_us_per_request),
         ms(r.load.db_cpu_us_per_request))
        for r in results
    ]  # fmt: skip
    return h.table(header, lines)


def cpu_ratio(ours: h.Load, theirs: h.Load, *, with_database: bool) -> str:
    """The peer's CPU per request over Rapport's: of the servers' processes alone, or with
    the PostgreSQL backends serving them (PostGraphile does much of its work there)."""
    mine, peer_cpu = ours.cpu_us_per_request, theirs.cpu_us_per_request
    if not mine or peer_cpu is None:
        return "-"
    if with_database:
        if ours.db_cpu_us_per_request is None or theirs.db_cpu_us_per_request is None:
            return "-"
        mine += ours.db_cpu_us_per_request
        peer_cpu += theirs.db_cpu_us_per_request
    return f"{peer_cpu / mine:.2f}"


def round_by_round(ours: Sequence[h.Load], theirs: Sequence[h.Load]) -> str:
    """The throughput ratio of each round: the two ways ran minutes apart at most, so the
    machine's drift between rounds (its speed moves by up to half on a shared host) shows
    here rather than in the median."""
    return ", ".join(
        f"{mine.requests_per_second / peer.requests_per_second:.2f}"
        for mine, peer in zip(ours, theirs, strict=True)
    )


def ratios(results: Sequence[Result]) -> list[str]:
    found = {(r.step, r.way): r.load for r in results}
    rounds = {(r.step, r.way): r.rounds for r in results}
    lines = []
    for step, goal in (("screen", 0.5), ("meeting by id", 0.3)):
        ours, theirs = found[step, "Rapport GraphQL"], found[step, "PostGraphile"]
        ratio = ours.requests_per_second / theirs.requests_per_second
        each = round_by_round(rounds[step, "Rapport GraphQL"], rounds[step, "PostGraphile"])
        lines.append(
            f"{step}: Rapport/PostGraphile {ratio:.2f}x the throughput"
            f" (goal >= {goal:g}: {'met' if ratio >= goal else 'missed'}; by round {each});"
            " CPU ratio"
            f" {cpu_ratio(ours, theirs, with_database=False)} (servers),"
            f" {cpu_ratio(ours, theirs, with_database=True)} (servers and database)"
        )
    if ("meeting by id", LAYERS) in found:
        ours, layers = found["meeting by id", "Rapport GraphQL"], found["meeting by id", LAYERS]
        peer = found["meeting by id", "PostGraphile"]
        of_peer = layers.requests_per_second / peer.requests_per_second
        of_layers = ours.requests_per_second / layers.requests_per_second
        lines.append(
            f"meeting by id: the layers alone/PostGraphile {of_peer:.2f}x the throughput,"
            f" Rapport/the layers alone {of_layers:.2f}x"
            f"; CPU ratio of the layers alone {cpu_ratio(layers, peer, with_database=False)}"
            f" (servers), {cpu_ratio(layers, peer, with_database=True)} (servers and database)"
        )
    if ("screen", "Rapport REST") in found:
        graphql, rest = found["screen", "Rapport GraphQL"], found["screen", "Rapport REST"]
        faster = graphql.requests_per_second / rest.requests_per_second
        lines.append(
            f"screen: Rapport GraphQL/REST {faster:.1f}x the screens per second,"
            f" {rest.p99_ms / graphql.p99_ms:.1f}x lower p99"
        )
    return lines


# --- the run -----------------------------------------------------------------------------------


def run(config: Config) -> list[Result]:
    with ExitStack() as stack:
        scratch = h.prepare(stack, config.server_url, keep=config.keep)
        rapport = stack.enter_context(h.serve_rapport(scratch, config.workers))
        headers = {"Authorization": f"Bearer {scratch.key}"}
        with httpx.Client(base_url=rapport.url, headers=headers, timeout=30) as client:
            gs.seed(client)
        h.log(f"seeded {gs.PAIRS} pairs with {gs.MEETINGS_PER_PAIR} meetings each")
        postgraphile = stack.enter_context(peer.serve_postgraphile(scratch, config.workers))
        ways = [
            GraphqlWay("Rapport GraphQL", rapport, gs.SCREEN, gs.MEETING, gs.RAPPORT_FIELDS),
            GraphqlWay("PostGraphile", postgraphile, peer.SCREEN, peer.MEETING, gs.PEER_FIELDS),
        ]
        if config.layers:
            layers = stack.enter_context(
                h.serve_baseline(scratch, config.workers, "graphql_layers_app", LAYERS_POOL)
            )
            ways.append(GraphqlWay(LAYERS, layers, "", gs.MEETING, gs.RAPPORT_FIELDS))
        meeting_id, rest_calls = same_records(ways, rapport, scratch.key)
        h.log(
            f"{config.users} screens or {config.connections} meetings at once, {config.rounds}"
            f" rounds, {config.workers} workers per server, as {scratch.role}; {h.machine_load()}"
        )
        return measure(Bench(config, scratch, meeting_id), ways, rapport, rest_calls)


def main() -> int:
    config = Config.from_env()
    results = run(config)
    print(f"\nServers connect as {h.serving_role()}; {h.machine_load()} at the end")
    print("CPU columns: per screen (per request for one meeting by id)\n")
    print(results_table(results))
    print()
    print("\n".join(ratios(results)))
    if config.json_path:
        document = [asdict(result) for result in results]
        Path(config.json_path).write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(h.run_main(main))
