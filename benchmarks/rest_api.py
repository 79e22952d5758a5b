"""REST API benchmark: Rapport against a minimal FastAPI + asyncpg baseline, both on PostgreSQL.

    .venv/bin/python benchmarks/rest_api.py

Steps: install `wrk` if missing (Debian's package), create a scratch database, migrate it,
create an organization and an admin key with the CLI, serve Rapport and the baseline
(`benchmarks/baseline_app.py`) with the same number of uvicorn workers, seed people, pairs,
commitments and meetings, check that both servers return the same JSON, then load

- `GET /v1/meetings/{id}`                  (one row by org_id and id, plus its follow_up)
- `GET /v1/meetings?pair_id=...&limit=50`  (a full page of 50, ordered by starts_at, id)

on each server with wrk and print requests/second, the ratio Rapport/baseline, p99 latency
and the CPU the server's processes spent per request (read from /proc; steadier than req/s
when wrk, PostgreSQL and both servers share a few cores). Medians over the rounds. Both
servers are stopped and the scratch database dropped whatever happens.

Environment (all optional):

    RAPPORT_BENCH_DATABASE_URL   PostgreSQL server to use; the scratch database is created
                                 beside the one it names (postgresql://postgres@127.0.0.1:5432/postgres)
    RAPPORT_BENCH_SECONDS        measured seconds per endpoint, server and round (8)
    RAPPORT_BENCH_ROUNDS         rounds, alternating the servers; medians are reported (3)
    RAPPORT_BENCH_WARMUP_SECONDS unmeasured load before each first measurement (2)
    RAPPORT_BENCH_CONNECTIONS    wrk connections (32)
    RAPPORT_BENCH_THREADS        wrk threads (2)
    RAPPORT_BENCH_WORKERS        uvicorn workers of each server (2)
    RAPPORT_BENCH_MEETINGS       meetings bulk-inserted besides the listed pair's (3000)
    RAPPORT_BENCH_GOAL           the ratio each endpoint should reach (0.5)
    RAPPORT_BENCH_STRICT         1: exit with status 1 when an endpoint misses the goal
    RAPPORT_BENCH_KEEP           1: keep the scratch database (for profiling) and print its URL
    RAPPORT_BENCH_JSON           a path to also write the results to, as JSON
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID, uuid4

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

LISTED_PAIR_MEETINGS = 75  # more than a page of 50, so the list has a next_cursor
FOLLOW_UP_COMMITMENTS = 2  # open commitments of the listed pair (each meeting's follow_up)
MANAGERS = 8
REPORTS_PER_MANAGER = 5
PAGE_SIZE = 50


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message says which."""


@dataclass(frozen=True, slots=True)
class Config:
    server_url: str
    seconds: int
    rounds: int
    warmup_seconds: int
    connections: int
    threads: int
    workers: int
    bulk_meetings: int
    goal: float
    strict: bool
    keep: bool
    json_path: str | None

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ
        return cls(
            server_url=env.get("RAPPORT_BENCH_DATABASE_URL", DEFAULT_SERVER_URL),
            seconds=int(env.get("RAPPORT_BENCH_SECONDS", "8")),
            rounds=max(1, int(env.get("RAPPORT_BENCH_ROUNDS", "3"))),
            warmup_seconds=int(env.get("RAPPORT_BENCH_WARMUP_SECONDS", "2")),
            connections=int(env.get("RAPPORT_BENCH_CONNECTIONS", "32")),
            threads=int(env.get("RAPPORT_BENCH_THREADS", "2")),
            workers=int(env.get("RAPPORT_BENCH_WORKERS", "2")),
            bulk_meetings=int(env.get("RAPPORT_BENCH_MEETINGS", "3000")),
            goal=float(env.get("RAPPORT_BENCH_GOAL", "0.5")),
            strict=env.get("RAPPORT_BENCH_STRICT", "") == "1",
            keep=env.get("RAPPORT_BENCH_KEEP", "") == "1",
            json_path=env.get("RAPPORT_BENCH_JSON") or None,
        )


@dataclass(frozen=True, slots=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_us_per_request: float | None  # CPU of the server's processes (None: no /proc)


@dataclass(frozen=True, slots=True)
class Row:
    endpoint: str
    rapport: Load
    baseline: Load

    @property
    def ratio(self) -> float:
        return self.rapport.requests_per_second / self.baseline.requests_per_second

    @property
    def cpu_ratio(self) -> float | None:
        """Baseline CPU per request over Rapport's: the throughput ratio when the servers'
        own CPU is the only limit (steadier than req/s on a busy or small machine)."""
        ours, theirs = self.rapport.cpu_us_per_request, self.baseline.cpu_us_per_request
        return None if not ours or theirs is None else theirs / ours


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- tools and databases ---------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk from Debian's packages")
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise BenchError(f"could not install wrk (apt-get, as root): {error}") from error
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is still not on PATH after apt-get install")
    return found


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def _admin(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_database(config: Config) -> Iterator[str]:
    """A fresh database beside the configured one, dropped on the way out."""
    name = f"rapport_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(config.server_url, f'CREATE DATABASE "{name}"'))
    url = database_url(config.server_url, name)
    log(f"created database {name}")
    try:
        yield url
    finally:
        if config.keep:
            log(f"kept database {url}")
        else:
            asyncio.run(_admin(config.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            log(f"dropped database {name}")


def rapport_cli() -> str:
    beside = Path(sys.executable).parent / "rapport"
    if beside.exists():
        return str(beside)
    found = shutil.which("rapport") or str(ROOT / ".venv" / "bin" / "rapport")
    if not Path(found).exists():
        raise BenchError("no `rapport` command: run this with the project's .venv/bin/python")
    return found


def cli(args: Sequence[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [rapport_cli(), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"rapport {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout.strip()


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(slots=True)
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def serve(name: str, command: Sequence[str], env: dict[str, str], logs: Path) -> Iterator[Server]:
    """Start a server in its own process group; stop the whole group on the way out."""
    port = free_port()
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, f"http://{HOST}:{port}", log_path)
    try:
        wait_ready(server)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_ready(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited at startup:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise BenchError(
        f"{server.name} did not answer /healthz in {timeout:.0f}s:\n{server.log_tail()}"
    )


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fixture:
    org_id: str
    key: str
    pair_id: str
    meeting_id: str
    meetings: int


def _created(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 201:
        raise BenchError(
            f"{response.request.method} {response.request.url.path} answered"
            f" {response.status_code}: {response.text}"
        )
    body: dict[str, Any] = response.json()
    return body


def seed(client: httpx.Client, db_url: str, org_id: str, key: str, bulk_meetings: int) -> Fixture:
    """Through the API: people, pairs, the listed pair's commitments and meetings; by COPY:
    the bulk of the meetings."""
    tag = secrets.token_hex(3)

    def person(label: str) -> str:
        body = {"email": f"{label}-{tag}@bench.example", "name": label.replace("-", " ").title()}
        return str(_created(client.post("/v1/people", json=body))["id"])

    def pair(lead_id: str, member_id: str) -> str:
        body = {"lead_id": lead_id, "member_id": member_id}
        return str(_created(client.post("/v1/pairs", json=body))["id"])

    listed_member = person("listed-member")
    listed_pair = pair(person("listed-lead"), listed_member)
    for number in range(FOLLOW_UP_COMMITMENTS):  # open: every listed meeting follows them up
        body = {"pair_id": listed_pair, "owner_id": listed_member, "title": f"Follow-up {number}"}
        _created(client.post("/v1/commitments", json=body))
    first_start = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    meeting_ids = []
    for day in range(LISTED_PAIR_MEETINGS):
        starts_at = first_start + timedelta(days=day)
        body = {"pair_id": listed_pair, "starts_at": starts_at.isoformat()}
        meeting_ids.append(str(_created(client.post("/v1/meetings", json=body))["id"]))

    other_pairs: list[tuple[int, UUID]] = []
    for manager in range(MANAGERS):
        lead = person(f"manager-{manager}")
        for report in range(REPORTS_PER_MANAGER):
            member = person(f"report-{manager}-{report}")
            other_pairs.append((report, UUID(pair(lead, member))))

    asyncio.run(_bulk_meetings(db_url, UUID(org_id), other_pairs, bulk_meetings))
    return Fixture(
        org_id=org_id,
        key=key,
        pair_id=listed_pair,
        meeting_id=meeting_ids[LISTED_PAIR_MEETINGS // 2],
        meetings=LISTED_PAIR_MEETINGS + bulk_meetings,
    )


MEETING_COLUMNS = (
    "id",
    "org_id",
    "pair_id",
    "starts_at",
    "duration_minutes",
    "status",
    "reschedule_count",
    "original_starts_at",
    "canceled_at",
    "canceled_by_id",
    "cancel_reason",
    "completed_at",
    "actual_minutes",
    "created_at",
    "updated_at",
)


async def _bulk_meetings(
    db_url: str, org_id: UUID, pairs: list[tuple[int, UUID]], total: int
) -> None:
    """Weekly 30-minute meetings per pair, half past (completed, some canceled), half ahead.

    Pairs of one manager are an hour apart, so no person has overlapping meetings.
    """
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    per_pair = -(-total // len(pairs))
    first = now.replace(hour=8) - timedelta(weeks=per_pair // 2)
    records: list[tuple[object, ...]] = []
    for index in range(total):
        slot = index // len(pairs)
        report, pair_id = pairs[index % len(pairs)]
        starts_at = first + timedelta(weeks=slot, hours=report)
        created_at = min(starts_at, now) - timedelta(days=14)
        status, canceled_at, reason, completed_at, actual = "scheduled", None, None, None, None
        if starts_at < now and slot % 10 == 3:
            status, canceled_at, reason = "canceled", starts_at - timedelta(days=1), "conflict"
        elif starts_at < now:
            status, completed_at, actual = "completed", starts_at + timedelta(minutes=30), 30
        updated_at = completed_at or canceled_at or created_at
        records.append(
            (
                uuid4(), org_id, pair_id, starts_at, 30, status, 0, starts_at,
                canceled_at, None, reason, completed_at, actual, created_at, updated_at,
            )
        )  # fmt: skip
    connection = await asyncpg.connect(db_url)
    try:
        await connection.copy_records_to_table(
            "meetings", records=records, columns=list(MEETING_COLUMNS)
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


# --- checks and load ---------------------------------------------------------------------------


def same_answers(rapport: Server, baseline: Server, paths: dict[str, str], key: str) -> None:
    """Both servers give the same JSON (keys and values) for every loaded request."""
    headers = {"Authorization": f"Bearer {key}"}
    for endpoint, path in paths.items():
        answers = []
        for server in (rapport, baseline):
            response = httpx.get(server.url + path, headers=headers, timeout=10)
            if response.status_code != 200:
                raise BenchError(
                    f"{server.name} answered {response.status_code} to {path}: {response.text}"
                    f"\n{server.log_tail()}"
                )
            answers.append(response)
        ours, theirs = (answer.json() for answer in answers)
        if ours != theirs:
            raise BenchError(
                f"{endpoint}: the servers disagree\n rapport:  {answers[0].text[:600]}\n"
                f" baseline: {answers[1].text[:600]}"
            )
        if "data" in ours and (len(ours["data"]) != PAGE_SIZE or not ours["next_cursor"]):
            raise BenchError(f"{endpoint}: expected a full page of {PAGE_SIZE} with a cursor")
        same_bytes = answers[0].content == answers[1].content
        log(
            f"{endpoint}: same JSON ({len(answers[0].content)} bytes"
            f"{', byte for byte' if same_bytes else ', different bytes'})"
        )


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency_ms(output: str, percentile: str) -> float:
    found = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not found:
        raise BenchError(f"no {percentile}% latency in wrk's output:\n{output}")
    return float(found.group(1)) * _UNITS_MS[found.group(2)]


def parse_wrk(output: str) -> Load:
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    if not rate or not total:
        raise BenchError(f"unexpected wrk output:\n{output}")
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(count) for count in socket_errors.groups())
    return Load(
        requests_per_second=float(rate.group(1)),
        p50_ms=_latency_ms(output, "50"),
        p99_ms=_latency_ms(output, "99"),
        requests=int(total.group(1)),
        errors=errors,
        cpu_us_per_request=None,
    )


def wrk(binary: str, config: Config, url: str, key: str, seconds: int) -> Load:
    command = [
        binary,
        f"-t{config.threads}",
        f"-c{config.connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {key}",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    return parse_wrk(result.stdout)


def cpu_seconds(root_pid: int) -> float | None:
    """User + system CPU of a process and its descendants (uvicorn's workers), from /proc."""
    proc = Path("/proc")
    if not (proc / str(root_pid) / "stat").exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    parent_of: dict[int, int] = {}
    seconds_of: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(entry.name)
        parent_of[pid] = int(fields[1])
        seconds_of[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree = {root_pid}
    grown = True
    while grown:
        found = {pid for pid, parent in parent_of.items() if parent in tree} - tree
        tree |= found
        grown = bool(found)
    return sum(seconds_of.get(pid, 0.0) for pid in tree)


def load(
    binary: str, config: Config, server: Server, path: str, key: str, *, warm_up: bool
) -> Load:
    url = server.url + path
    if warm_up and config.warmup_seconds > 0:
        wrk(binary, config, url, key, config.warmup_seconds)
    before = cpu_seconds(server.process.pid)
    measured = wrk(binary, config, url, key, config.seconds)
    after = cpu_seconds(server.process.pid)
    if before is not None and after is not None and measured.requests:
        cpu = 1e6 * (after - before) / measured.requests
        measured = replace(measured, cpu_us_per_request=cpu)
    if measured.errors:
        raise BenchError(
            f"{server.name} {path}: {measured.errors} failed requests under load\n"
            f"{server.log_tail()}"
        )
    return measured


def median(loads: Sequence[Load]) -> Load:
    """The median of each figure over the rounds; counts are summed."""
    cpu = [load.cpu_us_per_request for load in loads if load.cpu_us_per_request is not None]
    return Load(
        requests_per_second=statistics.median(load.requests_per_second for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=statistics.median(load.p99_ms for load in loads),
        requests=sum(load.requests for load in loads),
        errors=sum(load.errors for load in loads),
        cpu_us_per_request=statistics.median(cpu) if cpu else None,
    )


# --- report ------------------------------------------------------------------------------------


def table(rows: Sequence[Row], goal: float) -> str:
    header = (
        "endpoint",
        "rapport req/s",
        "baseline req/s",
        "ratio",
        "rapport p99",
        "baseline p99",
        "rapport CPU/req",
        "baseline CPU/req",
        "cpu ratio",
        "goal",
    )

    def cpu(load: Load) -> str:
        return "-" if load.cpu_us_per_request is None else f"{load.cpu_us_per_request:,.0f} us"

    lines = [
        (
            row.endpoint,
            f"{row.rapport.requests_per_second:,.0f}",
            f"{row.baseline.requests_per_second:,.0f}",
            f"{row.ratio:.2f}",
            f"{row.rapport.p99_ms:.1f} ms",
            f"{row.baseline.p99_ms:.1f} ms",
            cpu(row.rapport),
            cpu(row.baseline),
            "-" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}",
            "ok" if row.ratio >= goal else f"< {goal:g}",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(header), rule, *(render(line) for line in lines)])


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scratch:
    """A migrated scratch database with an organization and an admin key."""

    db_url: str
    env: dict[str, str]  # the environment servers and the CLI run with
    org_id: str
    key: str


def prepare(config: Config, stack: ExitStack) -> Scratch:
    """Create, migrate and register the scratch database (dropped when `stack` closes)."""
    db_url = stack.enter_context(scratch_database(config))
    env = {
        **os.environ,
        "RAPPORT_DATABASE_URL": db_url,
        "RAPPORT_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }
    cli(["migrate"], env)
    org_id = cli(["orgs", "create", "Benchmark"], env)
    key = cli(["keys", "create", "--org", org_id, "--scope", "admin", "--name", "bench"], env)
    log(f"organization {org_id}, admin key {key[:8]}...")
    return Scratch(db_url, env, org_id, key)


def seed_through(server: Server, scratch: Scratch, config: Config) -> Fixture:
    headers = {"Authorization": f"Bearer {scratch.key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        fixture = seed(client, scratch.db_url, scratch.org_id, scratch.key, config.bulk_meetings)
    log(f"seeded {fixture.meetings} meetings; listed pair {fixture.pair_id}")
    return fixture


def request_paths(fixture: Fixture) -> dict[str, str]:
    """The loaded requests, by endpoint label."""
    return {
        "GET /v1/meetings/{id}": f"/v1/meetings/{fixture.meeting_id}",
        f"GET /v1/meetings?pair_id&limit={PAGE_SIZE}": (
            f"/v1/meetings?pair_id={fixture.pair_id}&limit={PAGE_SIZE}"
        ),
    }


def run(config: Config) -> list[Row]:
    wrk_binary = ensure_wrk()
    with ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapport-bench-")))
        scratch = prepare(config, stack)
        env, db_url, org_id, key = scratch.env, scratch.db_url, scratch.org_id, scratch.key

        workers = ["--workers", str(config.workers)]
        rapport = stack.enter_context(
            serve("rapport", [rapport_cli(), "serve", *workers], env, logs)
        )
        baseline_env = {**env, "BASELINE_DATABASE_URL": db_url, "BASELINE_ORG_ID": org_id}
        baseline_command = [
            sys.executable, "-m", "uvicorn", "baseline_app:app", "--app-dir", str(BENCH_DIR),
            *workers, "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        baseline = stack.enter_context(serve("baseline", baseline_command, baseline_env, logs))
        log(f"rapport on {rapport.url}, baseline on {baseline.url}")

        paths = request_paths(seed_through(rapport, scratch, config))
        same_answers(rapport, baseline, paths, key)

        log(
            f"wrk -t{config.threads} -c{config.connections}, {config.warmup_seconds}s warm-up,"
            f" {config.rounds} x {config.seconds}s per endpoint and server,"
            f" {config.workers} workers per server,"
            f" {os.cpu_count()} CPUs shared by wrk, both servers and PostgreSQL"
        )
        # Rounds alternate the servers, so drift on a shared machine hits both alike.
        runs: dict[tuple[str, str], list[Load]] = {}
        for round_number in range(1, config.rounds + 1):
            for endpoint, path in paths.items():
                for server in (rapport, baseline):
                    measured = load(
                        wrk_binary, config, server, path, key, warm_up=round_number == 1
                    )
                    runs.setdefault((endpoint, server.name), []).append(measured)
                    cpu = measured.cpu_us_per_request
                    log(
                        f"round {round_number}/{config.rounds} {endpoint} {server.name}:"
                        f" {measured.requests_per_second:,.0f} req/s,"
                        f" p99 {measured.p99_ms:.1f} ms"
                        + ("" if cpu is None else f", {cpu:,.0f} us CPU/request")
                    )
        return [
            Row(endpoint, median(runs[endpoint, "rapport"]), median(runs[endpoint, "baseline"]))
            for endpoint in paths
        ]


def exit_on_signal(signum: int, _frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, exit_on_signal)
    config = Config.from_env()
    try:
        rows = run(config)
    except BenchError as error:
        log(f"failed: {error}")
        return 2
    print()
    print(table(rows, config.goal))
    missed = [row.endpoint for row in rows if row.ratio < config.goal]
    print()
    if missed:
        print(f"Below the goal (rapport/baseline >= {config.goal:g}): {', '.join(missed)}")
    else:
        print(f"Every endpoint meets the goal (rapport/baseline >= {config.goal:g}).")
    if config.json_path:
        results = [
            {
                "endpoint": row.endpoint,
                "ratio": row.ratio,
                "cpu_ratio": row.cpu_ratio,
                "rapport": asdict(row.rapport),
                "baseline": asdict(row.baseline),
            }
            for row in rows
        ]
        Path(config.json_path).write_text(json.dumps(results, indent=2) + "\n")
    return 1 if missed and config.strict else 0


if __name__ == "__main__":
    sys.exit(main())
