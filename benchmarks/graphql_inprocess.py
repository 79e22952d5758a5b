"""CPU per GraphQL request of Rapport, measured in-process (no HTTP, no wrk, no peer).

    .venv/bin/python benchmarks/graphql_inprocess.py

Sets up and seeds a scratch database exactly like `graphql_api.py` (through a short-lived
`rapport serve`), then drives the ASGI app directly, as `rapport_app`, one request at a
time: the screen of `graphql_api.py` and one meeting by id. It prints the process CPU time
per request, the least over several chunks, which filters out interference from other work
on the machine: the tool for checking whether a change in app/ pays off, as `inprocess.py`
is for REST (`graphql_api.py` gives the throughput against PostGraphile). What it leaves out:
uvicorn's HTTP parsing, the network and PostgreSQL's own CPU. For the screen it also
measures the framework alone (`graphql_framework.py`: Strawberry and graphql-core over
objects in memory, nested lists resolved by coroutines as Rapport's are), first, in a
process holding nothing else. For each request it prints the time the garbage collector
took of it, the mean over every call (`gc.callbacks`). For one meeting by id it also
measures the reads alone: the request's transaction and its statement (the meeting with
its follow-up) through Rapport's persistence layer, and the same on asyncpg alone, so that
the share the database layers take of a small request is measured.

Environment (all optional): RAPPORT_BENCH_DATABASE_URL as for `graphql_api.py`;
RAPPORT_BENCH_REQUESTS screens per chunk (10; ten times as many meetings by id);
RAPPORT_BENCH_CHUNKS (10); RAPPORT_BENCH_ONLY=screen or ="meeting by id" to measure one, e.g.
under `py-spy record -o screen.svg -- .venv/bin/python benchmarks/graphql_inprocess.py`.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from functools import partial
from uuid import UUID

import graphql_framework as framework
import graphql_screen as gs
import harness as h
import httpx
import uvloop
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from app.garbage_collection import prepare_garbage_collection
from app.persistence.repositories.content import meeting_with_open_of_its_pair_statement
from app.persistence.unit_of_work import unit_of_work


async def post(client: h.AsgiClient, body: bytes) -> bytes:
    """The answer's body, checked to carry no errors (not decoded: its CPU would count)."""
    status, answer = await client.request("POST", "/graphql", body, "application/json")
    if status != 200 or b'"errors"' in answer:
        raise h.BenchError(f"GraphQL failed: {answer[:600]!r}")
    return answer


async def measure(scratch: h.Scratch, requests: int, chunks: int, only: str) -> dict[str, float]:
    app = h.rapport_app(scratch)
    async with h.in_process(app, scratch.key) as client:
        screen = json.dumps({"query": gs.SCREEN}).encode()
        pairs = json.loads(await post(client, screen))["data"]["pairs"]["nodes"]
        meeting_id = pairs[0]["meetings"]["nodes"][0]["id"]
        meeting = json.dumps({"query": gs.MEETING, "variables": {"id": meeting_id}}).encode()
        steps = {"screen": (screen, requests), "meeting by id": (meeting, 10 * requests)}
        results: dict[str, float] = {}
        for step, (body, times) in steps.items():
            if only in ("", step):
                run = partial(post, client, body)
                with h.collections_timed() as collecting:
                    results[step] = (await h.least_cpu_us([run], times, chunks))[0]
                requests_sent = times * (chunks + 1)
                results[f"{step}: in garbage collections (mean)"] = (
                    collecting.seconds * 1e6 / requests_sent
                )
        if only in ("", "meeting by id"):
            engine = app.state.runtime.engine
            results |= await reads_alone(engine, scratch, UUID(meeting_id), 10 * requests, chunks)
    for step, us in results.items():
        h.log(f"{step}: {us:,.0f} us CPU/request")
    return results


async def reads_alone(
    engine: AsyncEngine, scratch: h.Scratch, meeting_id: UUID, calls: int, chunks: int
) -> dict[str, float]:
    """What one meeting by id asks of the database, without the request around it: its
    transaction entering the organization and the meeting with its pair's open commitments
    (one statement). Through Rapport's persistence layer (the app's engine and pool,
    SQLAlchemy Core, the repositories and their entities), and as the same statement on one
    asyncpg connection alone (with BEGIN and the organization in one simple query, as
    Rapport sends them), taking turns."""
    org_id = UUID(scratch.org_id)
    begin = f"BEGIN; SET LOCAL rapport.org_id = '{org_id}'"
    statement = meeting_with_open_of_its_pair_statement()
    compiled = statement.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
    bound = compiled.construct_params({"org_id": org_id, "id": meeting_id})
    arguments = [bound[name] for name in compiled.positiontup or ()]
    async with h.connected(scratch.app_url) as connection:

        async def through_persistence() -> None:
            async with unit_of_work(engine, write=False) as uow:
                await uow.enter_organization(org_id)
                if await uow.commitments.meeting_with_open_of_its_pair(org_id, meeting_id) is None:
                    raise h.BenchError("the persistence layer did not find the meeting")

        async def on_asyncpg() -> None:
            await connection.execute(begin)
            if not await connection.fetch(str(compiled), *arguments):
                raise h.BenchError("asyncpg did not find the meeting")
            await connection.execute("COMMIT")

        steps = [through_persistence, on_asyncpg]
        engine_us, asyncpg_us = await h.least_cpu_us(steps, calls, chunks)
    return {
        "meeting by id: its reads through the persistence layer": engine_us,
        "meeting by id: the same reads on asyncpg alone": asyncpg_us,
    }


async def measure_framework(requests: int, chunks: int) -> dict[str, float]:
    """The screen executed by the framework alone, in a process holding nothing else."""
    prepare_garbage_collection()  # as a served worker does once it is built
    return {
        "screen, the framework alone": (await h.least_cpu_us([framework.screen], requests, chunks))[
            0
        ]
    }


def main() -> int:
    requests = int(h.setting("REQUESTS", "10"))
    chunks = int(h.setting("CHUNKS", "10"))
    only = h.setting("ONLY", "")
    results = uvloop.run(measure_framework(requests, chunks)) if only in ("", "screen") else {}
    with ExitStack() as stack:
        scratch = h.prepare(stack, h.server_url())
        with h.serve_rapport(scratch, workers=1) as server:
            headers = {"Authorization": f"Bearer {scratch.key}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
                gs.seed(client)
        results |= uvloop.run(measure(scratch, requests, chunks, only))
    lines = [(step, h.us(us)) for step, us in results.items()]
    report = h.table(("request", "CPU/request"), lines)
    print(f"\nas {h.serving_role()}; {h.machine_load()}\n\n{report}")
    return 0


if __name__ == "__main__":
    sys.exit(h.run_main(main))
