"""The metrics benchmark over HTTP: `rapport serve` (one worker, as the harness's serving role:
`rapport_app`, row-level security on) on the scratch database, the
timed requests, and the server's RSS (peaks during a page and the CSV exports, and samples as
the organization's export streams)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

import httpx
from harness import (
    BenchError,
    Scratch,
    Server,
    Timing,
    log,
    reset_peak_rss,
    serve_rapport,
    status_kib,
    timed,
)
from metrics_organization import PairPlan, Team

PAGE_SIZE = 50


def measure_served(
    scratch: Scratch, team: Team, pairs: Sequence[PairPlan], repeats: int
) -> HttpResults:
    """Serve the app on the scratch database, measure it, stop it."""
    with serve_rapport(scratch, workers=1) as server:
        return asyncio.run(measure_http(server, scratch.key, team, pairs, repeats))


async def peak_during(
    client: httpx.AsyncClient,
    pid: int,
    name: str,
    path: str,
    progress: Callable[[int], None] | None = None,
) -> Peak:
    """The server's peak RSS while it answers one request."""
    reset_peak_rss(pid)
    lines = await fetch(client, path, progress)
    rows = f" ({lines - 1:,} rows)" if "format=csv" in path else ""  # CSV: and a header
    return Peak(name + rows, status_kib(pid, "VmHWM"))


async def fetch(
    client: httpx.AsyncClient, path: str, progress: Callable[[int], None] | None = None
) -> int:
    """GET a path, reading the body as it streams; the number of lines received (also told
    to `progress` after each chunk)."""
    lines = 0
    async with client.stream("GET", path) as response:
        if response.status_code != 200:
            await response.aread()
            raise BenchError(f"GET {path} answered {response.status_code}: {response.text[:500]}")
        async for chunk in response.aiter_bytes():
            lines += chunk.count(b"\n")
            if progress is not None:
                progress(lines)
    return lines


@dataclass(slots=True)
class RssSamples:
    """The server's RSS each time another `every` lines of a response have arrived."""

    pid: int
    every: int
    taken: list[tuple[int, int]] = field(default_factory=list)  # (lines, KiB)

    def __call__(self, lines: int) -> None:
        if lines // self.every > len(self.taken):
            self.taken.append((lines, status_kib(self.pid, "VmRSS")))


@dataclass(frozen=True, slots=True)
class Peak:
    """The server's peak RSS during one request."""

    label: str
    kib: int


@dataclass(frozen=True, slots=True)
class HttpResults:
    timings: list[Timing]
    rss_at_start_kib: int
    peaks: list[Peak]
    export_rss: list[tuple[int, int]]  # (lines received, KiB) as the organization's export streams


ORG_SUMMARY = "GET /v1/metrics/summary?scope=org"
PAGE = f"GET /v1/metrics/pairs?limit={PAGE_SIZE}"
EXPORT = "GET /v1/metrics/pairs?format=csv"
HEALTH_PAGE = f"GET /v1/metrics/pairs?sort=health_score&limit={PAGE_SIZE}"


def http_requests(team: Team, pair_id: UUID) -> dict[str, str]:
    """The timed requests' paths, by the label they are printed with."""
    return {
        ORG_SUMMARY: "/v1/metrics/summary?scope=org",
        "GET /v1/metrics/summary?scope=team&person_id=…": (
            f"/v1/metrics/summary?scope=team&person_id={team.manager_id}"
        ),
        PAGE: f"/v1/metrics/pairs?limit={PAGE_SIZE}",
        EXPORT: "/v1/metrics/pairs?format=csv",
        "GET /v1/pairs/{id}/metrics": f"/v1/pairs/{pair_id}/metrics",
    }


async def measure_http(
    server: Server, key: str, team: Team, pairs: Sequence[PairPlan], repeats: int
) -> HttpResults:
    pid, paths = server.process.pid, http_requests(team, pairs[0].id)
    team_csv = f"/v1/metrics/pairs?format=csv&team_of={team.manager_id}"
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=600) as client:
        await fetch(client, paths[PAGE])
        rss_at_start = status_kib(pid, "VmRSS")
        # Peaks before any request that holds every pair at once (the summaries), so memory
        # the allocator kept from those cannot hide growth.
        samples = RssSamples(pid, every=max(1, len(pairs) // 10))
        peaks = [
            await peak_during(client, pid, "a page of pairs", paths[PAGE]),
            await peak_during(client, pid, "the team's CSV export", team_csv),
            await peak_during(client, pid, "the organization's CSV export", paths[EXPORT], samples),
        ]
        timings = [
            Timing(label, await time_get(client, path, repeats)) for label, path in paths.items()
        ]
        timings += await health_pages(client, repeats)
    return HttpResults(timings, rss_at_start, peaks, samples.taken)


async def health_pages(client: httpx.AsyncClient, repeats: int) -> list[Timing]:
    """A first page in health order (every pair computed and ordered: a new instant each
    time) and the page after it (its cursor's order kept by the server: only its pairs)."""
    first = f"/v1/metrics/pairs?sort=health_score&limit={PAGE_SIZE}"
    response = await client.get(first)
    response.raise_for_status()
    later = f"{first}&cursor={response.json()['next_cursor']}"
    return [
        Timing(f"{HEALTH_PAGE} (first page)", await time_get(client, first, repeats)),
        Timing(f"{HEALTH_PAGE}&cursor=… (next page)", await time_get(client, later, repeats)),
    ]


async def time_get(client: httpx.AsyncClient, path: str, repeats: int) -> list[float]:
    seconds, _ = await timed(repeats, lambda: fetch(client, path))
    log(f"timed GET {path}")
    return seconds
