"""CPU per request of Rapport and of the baseline, measured in-process (no HTTP, no wrk).

    .venv/bin/python benchmarks/inprocess.py

Sets up and seeds a scratch database exactly like `rest_api.py` (through a short-lived
`rapport serve`), then drives each ASGI app directly (both connecting as `rapport_app`, or as
the owner with RAPPORT_BENCH_ROLE=owner), one request at a time, for the two
benchmark requests and prints the process CPU time per request. It reports the minimum over
several chunks, which filters out interference from other work on the machine, so it is the
tool for checking whether a change in app/ pays off (a few percent shows); `rest_api.py`
gives the throughput figures. What it leaves out is the same for both apps: uvicorn's HTTP
parsing, the network and PostgreSQL's own CPU.

Environment (all optional): RAPPORT_BENCH_DATABASE_URL and RAPPORT_BENCH_MEETINGS as for
`rest_api.py`; RAPPORT_BENCH_REQUESTS requests per chunk (200); RAPPORT_BENCH_CHUNKS (15).
Set RAPPORT_BENCH_ONLY=get or =list to measure one endpoint, e.g. under
`py-spy record -o profile.svg -- .venv/bin/python benchmarks/inprocess.py`.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from functools import partial

import harness as h
import rest_api as bench
import uvloop
from rest_fixture import request_paths, seed_through

ENDPOINTS = {"get": 0, "list": 1}  # RAPPORT_BENCH_ONLY: index in request_paths()


async def get(client: h.AsgiClient, target: str) -> bytes:
    """The answer's body, checked to be a 200 (a refusal, such as a 429, would be cheaper)."""
    status, body = await client.request("GET", target)
    if status != 200:
        raise h.BenchError(f"GET {target} answered {status}: {body[:600]!r}")
    return body


async def measure(
    scratch: h.Scratch, paths: dict[str, str], requests: int, chunks: int
) -> dict[str, tuple[float, float]]:
    """Each path on both apps: the same answer, then CPU per request, the apps taking turns."""
    os.environ.update(BASELINE_DATABASE_URL=scratch.app_url, BASELINE_ORG_ID=scratch.org_id)
    rapport_app = h.rapport_app(scratch)
    import baseline_app

    results: dict[str, tuple[float, float]] = {}
    async with (
        h.in_process(rapport_app, scratch.key) as rapport,
        h.in_process(baseline_app.app, scratch.key) as baseline,
    ):
        for endpoint, target in paths.items():
            answers = [await get(client, target) for client in (rapport, baseline)]
            if answers[0] != answers[1]:
                raise h.BenchError(f"{endpoint}: the apps disagree: {answers}")
            steps = [partial(get, client, target) for client in (rapport, baseline)]
            ours, theirs = await h.least_cpu_us(steps, requests, chunks)
            results[endpoint] = ours, theirs
            h.log(f"{endpoint}: rapport {ours:,.0f} us CPU/request")
    return results


def main() -> int:
    config = bench.Config.from_env()
    requests = int(h.setting("REQUESTS", "200"))
    chunks = int(h.setting("CHUNKS", "15"))
    only = h.setting("ONLY", "")
    with ExitStack() as stack:
        scratch = h.prepare(stack, config.server_url, keep=config.keep)
        with h.serve_rapport(scratch, workers=1) as server:
            paths = request_paths(seed_through(server, scratch, config.bulk_meetings))
        if only:
            label = list(paths)[ENDPOINTS[only]]
            paths = {label: paths[label]}
        results = uvloop.run(measure(scratch, paths, requests, chunks))
    header = ("endpoint", "rapport CPU/req", "baseline CPU/req", "cpu ratio")
    lines = [
        (endpoint, h.us(ours), h.us(theirs), f"{theirs / ours:.2f}")
        for endpoint, (ours, theirs) in results.items()
    ]
    print(f"\nas {h.serving_role()}; {h.machine_load()}\n\n{h.table(header, lines)}")
    return 0


if __name__ == "__main__":
    sys.exit(h.run_main(main))
