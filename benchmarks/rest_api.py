"""REST API benchmark: Rapport against a minimal FastAPI + asyncpg floor, both on PostgreSQL.

    .venv/bin/python benchmarks/rest_api.py          # or: make bench (about 3 minutes)
    .venv/bin/python benchmarks/rest_api.py --full   # and the RSS after 100,000 requests

Steps (the shared parts live in harness/, the data in rest_fixture.py): create a scratch
database, migrate it, create an organization and an admin key with the CLI, serve Rapport
and the floor
(`benchmarks/baseline_app.py`) with the same number of uvicorn workers, both connecting as
`rapport_app` with row-level security on (RAPPORT_BENCH_ROLE=owner: as the tables' owner),
seed people, pairs, commitments and meetings, check that both servers return the same JSON,
then load

- `GET /v1/meetings/{id}`                  (one row by org_id and id, plus its follow_up)
- `GET /v1/meetings?pair_id=...&limit=50`  (a full page of 50, ordered by starts_at, id)

on each server with wrk in alternating rounds and print requests/second, the ratio
Rapport/floor, p99 latency, and the CPU per request of the server's processes and of the
PostgreSQL backends serving it (read from /proc; steadier than req/s when wrk, PostgreSQL and
both servers share a few cores). Medians over the rounds. Then `GET /v1/meetings/{id}` at 32
and at 256 concurrent connections (p99 of both servers), and Rapport's RSS (all its
processes) after the requests it served; `--full` loads it on until 100,000 requests.
Both servers are stopped and the scratch database dropped whatever happens.

Environment (all optional):

    RAPPORT_BENCH_DATABASE_URL   PostgreSQL server to use; the scratch database is created
                                 beside the one it names (postgresql://postgres@127.0.0.1:5432/postgres)
    RAPPORT_BENCH_ROLE           rapport_app (default) or owner: the role the servers connect as
    RAPPORT_BENCH_SECONDS        measured seconds per endpoint, server and round (6)
    RAPPORT_BENCH_ROUNDS         rounds, alternating the servers; medians are reported (3)
    RAPPORT_BENCH_WARMUP_SECONDS unmeasured load before each first measurement (2)
    RAPPORT_BENCH_CONNECTIONS    wrk connections of the rounds (32)
    RAPPORT_BENCH_MANY           the larger concurrency of the latency step (256)
    RAPPORT_BENCH_THREADS        wrk threads (2)
    RAPPORT_BENCH_WORKERS        uvicorn workers of each server (2)
    RAPPORT_BENCH_MEETINGS       meetings bulk-inserted besides the listed pair's (3000)
    RAPPORT_BENCH_GOAL           the CPU ratio (floor CPU/request over Rapport's) to reach (0.5)
    RAPPORT_BENCH_STRICT         1: exit with status 1 when an endpoint misses the goal
    RAPPORT_BENCH_KEEP           1: keep the scratch database (for profiling) and print its URL
    RAPPORT_BENCH_JSON           a path to also write the results to, as JSON
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import harness as h
import httpx
from rest_fixture import PAGE_SIZE, request_paths, seed_through

FULL_RSS_REQUESTS = 100_000  # --full: Rapport's RSS after this many requests
RSS_CHUNK_SECONDS = 20  # --full: the GET is loaded in chunks of this, RSS after each
# A round may lose this share of its requests (a 503 when a connection to PostgreSQL times
# out on an overloaded machine); they are counted in the table. More fails the benchmark.
TOLERATED_FAILURES = 0.01


@dataclass(frozen=True, slots=True)
class Config:
    server_url: str
    seconds: int
    rounds: int
    warmup_seconds: int
    connections: int
    many_connections: int
    threads: int
    workers: int
    bulk_meetings: int
    goal: float
    strict: bool
    keep: bool
    full: bool
    json_path: str | None

    @classmethod
    def from_env(cls, argv: Sequence[str] = ()) -> Config:
        return cls(
            server_url=h.server_url(),
            seconds=int(h.setting("SECONDS", "6")),
            rounds=max(1, int(h.setting("ROUNDS", "3"))),
            warmup_seconds=int(h.setting("WARMUP_SECONDS", "2")),
            connections=int(h.setting("CONNECTIONS", "32")),
            many_connections=int(h.setting("MANY", "256")),
            threads=int(h.setting("THREADS", "2")),
            workers=int(h.setting("WORKERS", "2")),
            bulk_meetings=int(h.setting("MEETINGS", "3000")),
            goal=float(h.setting("GOAL", "0.5")),
            strict=h.setting("STRICT", "") == "1",
            keep=h.setting("KEEP", "") == "1",
            full="--full" in argv,
            json_path=h.setting("JSON", "") or None,
        )


@dataclass(frozen=True, slots=True)
class Row:
    endpoint: str
    rapport: h.Load
    baseline: h.Load

    @property
    def ratio(self) -> float:
        return self.rapport.requests_per_second / self.baseline.requests_per_second

    @property
    def cpu_ratio(self) -> float | None:
        """Floor CPU per request over Rapport's: the throughput ratio when the servers' own
        CPU is the only limit (steadier than req/s on a busy or small machine)."""
        ours, theirs = self.rapport.cpu_us_per_request, self.baseline.cpu_us_per_request
        return None if not ours or theirs is None else theirs / ours

    def meets(self, goal: float) -> bool:
        return (self.cpu_ratio if self.cpu_ratio is not None else self.ratio) >= goal


@dataclass(frozen=True, slots=True)
class Results:
    rows: list[Row]
    concurrency: dict[str, dict[int, h.Load]]  # server -> connections -> the GET's load
    rss: list[tuple[int, int]]  # (requests Rapport served, its RSS in KiB)


# --- checks -------------------------------------------------------------------------------------


def same_answers(rapport: h.Server, baseline: h.Server, paths: dict[str, str], key: str) -> None:
    """Both servers give the same JSON (keys and values) for every loaded request."""
    headers = {"Authorization": f"Bearer {key}"}
    for endpoint, path in paths.items():
        answers = []
        for server in (rapport, baseline):
            response = httpx.get(server.url + path, headers=headers, timeout=10)
            if response.status_code != 200:
                raise h.BenchError(
                    f"{server.name} answered {response.status_code} to {path}: {response.text}"
                    f"\n{server.log_tail()}"
                )
            answers.append(response)
        ours, theirs = (answer.json() for answer in answers)
        if ours != theirs:
            raise h.BenchError(
                f"{endpoint}: the servers disagree\n rapport:  {answers[0].text[:600]}\n"
                f" baseline: {answers[1].text[:600]}"
            )
        if "data" in ours and (len(ours["data"]) != PAGE_SIZE or not ours["next_cursor"]):
            raise h.BenchError(f"{endpoint}: expected a full page of {PAGE_SIZE} with a cursor")
        same_bytes = answers[0].content == answers[1].content
        h.log(
            f"{endpoint}: same JSON ({len(answers[0].content)} bytes"
            f"{', byte for byte' if same_bytes else ', different bytes'})"
        )


# --- report ------------------------------------------------------------------------------------


def endpoint_table(rows: Sequence[Row], goal: float) -> str:
    header = (
        "endpoint", "rapport req/s", "floor req/s", "ratio", "rapport p99", "floor p99",
        "rapport CPU/req", "floor CPU/req", "cpu ratio", "rapport db CPU/req",
        "floor db CPU/req", "failed r/f", "goal",
    )  # fmt: skip
    lines = [
        (
            row.endpoint,
            f"{row.rapport.requests_per_second:,.0f}",
            f"{row.baseline.requests_per_second:,.0f}",
            f"{row.ratio:.2f}",
            f"{row.rapport.p99_ms:.1f} ms",
            f"{row.baseline.p99_ms:.1f} ms",
            h.us(row.rapport.cpu_us_per_request),
            h.us(row.baseline.cpu_us_per_request),
            "-" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}",
            h.us(row.rapport.db_cpu_us_per_request),
            h.us(row.baseline.db_cpu_us_per_request),
            f"{row.rapport.errors}/{row.baseline.errors}",
            "ok" if row.meets(goal) else f"< {goal:g}",
        )
        for row in rows
    ]
    return h.table(header, lines)


def concurrency_table(concurrency: dict[str, dict[int, h.Load]]) -> str:
    header = ("GET /v1/meetings/{id}", "connections", "req/s", "p50", "p99", "CPU/req", "failed")
    lines = [
        (name, str(connections), f"{load.requests_per_second:,.0f}", f"{load.p50_ms:.1f} ms",
         f"{load.p99_ms:.1f} ms", h.us(load.cpu_us_per_request), str(load.errors))
        for name, loads in concurrency.items()
        for connections, load in loads.items()
    ]  # fmt: skip
    return h.table(header, lines)


def rss_line(rss: list[tuple[int, int]]) -> str:
    samples = ", ".join(f"{requests:,}: {kib / 1024:.1f} MiB" for requests, kib in rss)
    first, last = rss[0][1], rss[-1][1]
    return (
        f"Rapport's RSS (all processes) by requests served: {samples}"
        f" ({(last - first) / 1024:+.1f} MiB from the first sample to the last)"
    )


# --- the run -----------------------------------------------------------------------------------


class Bench:
    """The servers under load, and the requests Rapport has served (for its RSS)."""

    def __init__(self, config: Config, scratch: h.Scratch, servers: list[h.Server]) -> None:
        self.config, self.scratch, self.servers = config, scratch, servers
        self.served = 0
        # Rapport's RSS before any load (after seeding): the first of the RSS samples.
        self.rss_samples = [(0, h.rss_kib(servers[0].process.pid))]

    def wrk(self, connections: int) -> h.Wrk:
        header = f"Authorization: Bearer {self.scratch.key}"
        return h.Wrk(h.ensure_wrk(), connections, self.config.threads, (header,))

    def loaded(
        self, server: h.Server, path: str, connections: int, seconds: float, tolerated: float
    ) -> h.Load:
        wrk, db_url = self.wrk(connections), self.scratch.db_url
        measured = h.load(wrk, server, db_url, path, seconds, tolerated=tolerated)
        if server.name == "rapport":
            self.served += measured.requests
        return measured

    def rounds(self, paths: dict[str, str]) -> list[Row]:
        config = self.config
        runs: dict[tuple[str, str], list[h.Load]] = {}
        for round_number in range(1, config.rounds + 1):
            for endpoint, path in paths.items():
                for server in self.servers:  # alternating, so drift hits both alike
                    if round_number == 1 and config.warmup_seconds > 0:
                        self.loaded(server, path, config.connections, config.warmup_seconds, 1.0)
                    measured = self.loaded(
                        server, path, config.connections, config.seconds, TOLERATED_FAILURES
                    )
                    runs.setdefault((endpoint, server.name), []).append(measured)
                    h.log(
                        f"round {round_number}/{config.rounds} {endpoint} {server.name}:"
                        f" {measured.requests_per_second:,.0f} req/s, p99"
                        f" {measured.p99_ms:.1f} ms, {h.us(measured.cpu_us_per_request)} CPU/req"
                    )
        return [
            Row(endpoint, *(h.median_load(runs[endpoint, s.name]) for s in self.servers))
            for endpoint in paths
        ]

    def concurrency(self, path: str) -> dict[str, dict[int, h.Load]]:
        """The GET at the rounds' concurrency and at many connections, both servers; failed
        requests (503 when connections run out) are counted, not fatal."""
        found: dict[str, dict[int, h.Load]] = {}
        for connections in (self.config.connections, self.config.many_connections):
            for server in self.servers:
                time.sleep(2)  # the other server's idle connections close meanwhile
                measured = self.loaded(server, path, connections, self.config.seconds, 1.0)
                found.setdefault(server.name, {})[connections] = measured
                h.log(
                    f"{server.name} at {connections} connections: p99 {measured.p99_ms:.1f} ms,"
                    f" {measured.errors} failed"
                    + (f"; its log ends:\n{server.log_tail(5)}" if measured.errors else "")
                )
        return found

    def rss(self, rapport: h.Server, path: str) -> list[tuple[int, int]]:
        """Rapport's RSS before the load and after the requests so far; with --full, on to
        100,000 of the GET."""
        samples = [*self.rss_samples, (self.served, h.rss_kib(rapport.process.pid))]
        while self.config.full and self.served < FULL_RSS_REQUESTS:
            self.loaded(rapport, path, self.config.connections, RSS_CHUNK_SECONDS, 1.0)
            samples.append((self.served, h.rss_kib(rapport.process.pid)))
            h.log(f"rapport served {self.served:,} requests: RSS {samples[-1][1] / 1024:.0f} MiB")
        return samples


def run(config: Config) -> Results:
    h.ensure_wrk()
    with ExitStack() as stack:
        scratch = h.prepare(stack, config.server_url, keep=config.keep)
        rapport = stack.enter_context(h.serve_rapport(scratch, config.workers))
        baseline = stack.enter_context(h.serve_baseline(scratch, config.workers))
        h.log(f"rapport on {rapport.url}, floor on {baseline.url}")
        paths = request_paths(seed_through(rapport, scratch, config.bulk_meetings))
        same_answers(rapport, baseline, paths, scratch.key)
        h.log(
            f"wrk -t{config.threads} -c{config.connections}, {config.warmup_seconds}s warm-up,"
            f" {config.rounds} x {config.seconds}s per endpoint and server, {config.workers}"
            f" workers per server, as {scratch.role}; {h.machine_load()}"
        )
        bench = Bench(config, scratch, [rapport, baseline])
        rows = bench.rounds(paths)
        get = paths["GET /v1/meetings/{id}"]
        concurrency = bench.concurrency(get)
        return Results(rows, concurrency, bench.rss(rapport, get))


def main(argv: Sequence[str]) -> int:
    config = Config.from_env(argv)
    results = run(config)
    print(f"\nServers connect as {h.serving_role()}; {h.machine_load()} at the end\n")
    print(endpoint_table(results.rows, config.goal))
    print()
    print(concurrency_table(results.concurrency))
    print()
    print(rss_line(results.rss))
    missed = [row.endpoint for row in results.rows if not row.meets(config.goal)]
    print()
    goal = f"floor CPU/request over Rapport's >= {config.goal:g}"
    if missed:
        print(f"Below the goal ({goal}): {', '.join(missed)}")
    else:
        print(f"Every endpoint meets the goal ({goal}).")
    if config.json_path:
        document: dict[str, Any] = {
            "role": h.serving_role(),
            "rows": [
                {
                    "endpoint": row.endpoint,
                    "ratio": row.ratio,
                    "cpu_ratio": row.cpu_ratio,
                    "rapport": asdict(row.rapport),
                    "floor": asdict(row.baseline),
                }
                for row in results.rows
            ],
            "concurrency": {
                name: {str(c): asdict(load) for c, load in loads.items()}
                for name, loads in results.concurrency.items()
            },
            "rss_kib": results.rss,
        }
        Path(config.json_path).write_text(json.dumps(document, indent=2) + "\n")
    return 1 if missed and config.strict else 0


if __name__ == "__main__":
    sys.exit(h.run_main(lambda: main(sys.argv[1:])))
