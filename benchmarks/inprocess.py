"""CPU per request of Rapport, of the layers it stands on and of the floor, measured
in-process (no HTTP, no wrk).

    .venv/bin/python benchmarks/inprocess.py

Sets up and seeds a scratch database exactly like `rest_api.py` (through a short-lived
`rapport serve`), then drives three ASGI apps directly, all connecting as `rapport_app` (or
as the owner with RAPPORT_BENCH_ROLE=owner), one request at a time, for the two benchmark
requests: Rapport; `layers_app.py`, the floor's requests through FastAPI's dependencies and
SQLAlchemy Core in a transaction per request (the layers Rapport's reads stand on); and
`baseline_app.py`, the floor. It prints the process CPU time per request, the minimum over
several chunks, which filters out interference from other work on the machine, so it is the
tool for checking whether a change in app/ pays off (a few percent shows); `rest_api.py`
gives the throughput figures. What it leaves out is the same for all apps: uvicorn's HTTP
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

HEADER = ("endpoint", "rapport CPU/req", "layers CPU/req", "floor CPU/req", "cpu ratio",
          "layers' cpu ratio")  # fmt: skip
ENDPOINTS = {"get": 0, "list": 1}  # RAPPORT_BENCH_ONLY: index in request_paths()


async def get(client: h.AsgiClient, target: str) -> bytes:
    """The answer's body, checked to be a 200 (a refusal, such as a 429, would be cheaper)."""
    status, body = await client.request("GET", target)
    if status != 200:
        raise h.BenchError(f"GET {target} answered {status}: {body[:600]!r}")
    return body


async def measure(
    scratch: h.Scratch, paths: dict[str, str], requests: int, chunks: int
) -> dict[str, list[float]]:
    """Each path on the three apps: the same answer, then CPU per request, the apps taking
    turns."""
    os.environ.update(BASELINE_DATABASE_URL=scratch.app_url, BASELINE_ORG_ID=scratch.org_id)
    rapport_app = h.rapport_app(scratch)
    import baseline_app
    import layers_app

    results: dict[str, list[float]] = {}
    async with (
        h.in_process(rapport_app, scratch.key) as rapport,
        h.in_process(layers_app.app, scratch.key) as layers,
        h.in_process(baseline_app.app, scratch.key) as baseline,
    ):
        clients = (rapport, layers, baseline)
        for endpoint, target in paths.items():
            answers = [await get(client, target) for client in clients]
            if len(set(answers)) != 1:
                raise h.BenchError(f"{endpoint}: the apps disagree: {answers}")
            steps = [partial(get, client, target) for client in clients]
            results[endpoint] = await h.least_cpu_us(steps, requests, chunks)
            h.log(f"{endpoint}: rapport {results[endpoint][0]:,.0f} us CPU/request")
    return results


def _line(endpoint: str, ours: float, layers: float, floor: float) -> tuple[str, ...]:
    ratios = (f"{floor / ours:.2f}", f"{floor / layers:.2f}")
    return (endpoint, h.us(ours), h.us(layers), h.us(floor), *ratios)


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
    lines = [_line(endpoint, *cpu) for endpoint, cpu in results.items()]
    print(f"\nas {h.serving_role()}; {h.machine_load()}\n\n{h.table(HEADER, lines)}")
    return 0


if __name__ == "__main__":
    sys.exit(h.run_main(main))
