"""The benchmarks' one harness: the scratch database, the servers, the load and the timing
that the REST, GraphQL, metrics and directory benchmarks share.

Every server under test, and every in-process measurement of the app, connects as the
restricted role `rapport_app` with row-level security on, as production does (the role
that runs `rapport migrate` owns the tables and is not bound by row-level security). The
scratch database is migrated, seeded by COPY and set up through the CLI as the owner.
`RAPPORT_BENCH_ROLE=owner` serves everything as the owner instead, for comparison.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from app.persistence.tables import metadata

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = ROOT / ".bench"  # git-ignored: tools the benchmarks install (PostGraphile)
HOST = "127.0.0.1"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
APP_ROLE = "rapport_app"  # as in deploy/postgres-app-role.sh and tests/support/postgres.py
OWNER = "owner"

T = TypeVar("T")


class BenchError(RuntimeError):
    """A step of a benchmark failed; the message says which."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def exit_on_signal(signum: int, _frame: object) -> NoReturn:
    """On SIGTERM: unwind, so that servers stop and the scratch database is dropped."""
    raise SystemExit(128 + signum)


def serving_role() -> str:
    """The role servers connect as: `rapport_app` unless RAPPORT_BENCH_ROLE=owner."""
    role = os.environ.get("RAPPORT_BENCH_ROLE", APP_ROLE)
    if role not in (APP_ROLE, OWNER):
        raise BenchError(f"RAPPORT_BENCH_ROLE is {APP_ROLE} or {OWNER}, not {role!r}")
    return role


# --- databases -----------------------------------------------------------------------------


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def as_role(url: str, role: str) -> str:
    """The same database, reached as `role` (trust authentication, as on this machine)."""
    if role == OWNER:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))


def execute(url: str, *statements: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def ensure_app_role(server_url: str) -> None:
    """Create `rapport_app` (LOGIN, not a superuser, no BYPASSRLS) if the server lacks it;
    it must exist before migrating, which grants it the tables."""
    execute(
        server_url,
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}')"
        f" THEN CREATE ROLE {APP_ROLE} LOGIN; END IF; END $$",
    )


@contextmanager
def scratch_database(
    server_url: str, prefix: str, *, keep: bool, jit: bool = True
) -> Iterator[str]:
    """A fresh database beside the configured one (its owner's URL), dropped on the way out."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    execute(server_url, f'CREATE DATABASE "{name}"')
    url = database_url(server_url, name)
    log(f"created database {name}")
    try:
        if not jit:
            execute(server_url, f'ALTER DATABASE "{name}" SET jit = off')
        yield url
    finally:
        if keep:
            log(f"kept database {url}")
        else:
            execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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


@dataclass(frozen=True, slots=True)
class Scratch:
    """A migrated scratch database with an organization and a service key."""

    db_url: str  # as the owner: migrating, COPY, the CLI
    app_url: str  # as the serving role: servers and in-process measurements of the app
    role: str  # the serving role
    env: dict[str, str]  # the CLI's environment (owner)
    app_env: dict[str, str]  # the servers' environment (serving role)
    org_id: str
    key: str

    @property
    def name(self) -> str:
        return urlsplit(self.db_url).path.lstrip("/")


def prepare(
    stack: ExitStack,
    server_url: str,
    *,
    prefix: str = "rapport_bench",
    scopes: Sequence[str] = ("admin",),
    keep: bool = False,
    jit: bool = True,
) -> Scratch:
    """Create, migrate and register the scratch database (dropped when `stack` closes)."""
    role = serving_role()
    ensure_app_role(server_url)
    db_url = stack.enter_context(scratch_database(server_url, prefix, keep=keep, jit=jit))
    env = {**os.environ, "RAPPORT_LOG_LEVEL": "warning", "PYTHONUNBUFFERED": "1"}
    owner_env = {**env, "RAPPORT_DATABASE_URL": db_url}
    cli(["migrate"], owner_env)
    org_id = cli(["orgs", "create", "Benchmark"], owner_env)
    scope_args = [arg for scope in scopes for arg in ("--scope", scope)]
    key = cli(["keys", "create", "--org", org_id, *scope_args, "--name", "bench"], owner_env)
    app_url = as_role(db_url, role)
    log(f"organization {org_id}, key {key[:8]}..., servers connect as {role}")
    return Scratch(db_url, app_url, role, owner_env, {**env, "RAPPORT_DATABASE_URL": app_url},
                   org_id, key)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CopyTable:
    """Rows to COPY into one of the app's tables, its columns read from the app's metadata
    (so no benchmark restates them): `row(**values)` orders a row's values."""

    name: str
    columns: tuple[str, ...]

    @classmethod
    def of(cls, name: str) -> CopyTable:
        return cls(name, tuple(column.name for column in metadata.tables[name].columns))

    def row(self, **values: object) -> tuple[object, ...]:
        if len(values) != len(self.columns):
            unknown = set(values).symmetric_difference(self.columns)
            raise BenchError(f"{self.name}: columns missing or unknown: {sorted(unknown)}")
        return tuple(values[name] for name in self.columns)

    async def copy(self, connection: asyncpg.Connection, rows: list[tuple[object, ...]]) -> int:
        await connection.copy_records_to_table(self.name, records=rows, columns=self.columns)
        return len(rows)


# --- servers -------------------------------------------------------------------------------


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
def serve(
    name: str, command: Sequence[str], env: dict[str, str], logs: Path, port: int | None = None
) -> Iterator[Server]:
    """Start a server (`--host`/`--port` appended unless `port` is given, then the command
    binds it itself) in its own process group; stop the whole group on the way out."""
    arguments = list(command)
    if port is None:
        port = free_port()
        arguments += ["--host", HOST, "--port", str(port)]
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as output:
        process = subprocess.Popen(
            arguments, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
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


def wait_ready(server: Server, timeout: float = 60.0) -> None:
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


def serve_rapport(stack: ExitStack, scratch: Scratch, logs: Path, workers: int) -> Server:
    command = [rapport_cli(), "serve", "--workers", str(workers)]
    return stack.enter_context(serve("rapport", command, scratch.app_env, logs))


def serve_baseline(stack: ExitStack, scratch: Scratch, logs: Path, workers: int) -> Server:
    """The REST floor (baseline_app.py) on the same database, as the same role."""
    env = {**scratch.app_env, "BASELINE_DATABASE_URL": scratch.app_url,
           "BASELINE_ORG_ID": scratch.org_id}  # fmt: skip
    command = [
        sys.executable, "-m", "uvicorn", "baseline_app:app", "--app-dir", str(BENCH_DIR),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    return stack.enter_context(serve("baseline", command, env, logs))


# --- what a server spends ----------------------------------------------------------------------


def _process_table() -> tuple[dict[int, int], dict[int, float]]:
    """Each process's parent and CPU seconds (user + system), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parent_of: dict[int, int] = {}
    seconds_of: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended meanwhile
        parent_of[int(entry.name)] = int(fields[1])
        seconds_of[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return parent_of, seconds_of


def process_tree(root_pid: int) -> set[int]:
    parent_of, _ = _process_table()
    tree, grown = {root_pid}, True
    while grown:
        found = {pid for pid, parent in parent_of.items() if parent in tree} - tree
        tree |= found
        grown = bool(found)
    return tree


def cpu_seconds(root_pid: int) -> float | None:
    """CPU of a process and its descendants (the workers); None without /proc."""
    if not Path(f"/proc/{root_pid}/stat").exists():
        return None
    _, seconds_of = _process_table()
    return sum(seconds_of.get(pid, 0.0) for pid in process_tree(root_pid))


def status_kib(pid: int, name: str) -> int:
    """A figure of /proc/<pid>/status, such as VmRSS or VmHWM (peak RSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise BenchError(f"no {name} in /proc/{pid}/status")


def rss_kib(root_pid: int) -> int:
    """The resident memory of a server: its process and its workers, summed."""
    return sum(status_kib(pid, "VmRSS") for pid in process_tree(root_pid))


def database_backends(db_url: str) -> set[int]:
    """The PostgreSQL backends connected to the scratch database (local server only)."""

    async def pids() -> set[int]:
        connection = await asyncpg.connect(db_url)
        try:
            rows = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
        finally:
            await connection.close()
        return {row["pid"] for row in rows}

    return asyncio.run(pids())


def backend_cpu(pids: set[int]) -> dict[int, float]:
    _, seconds_of = _process_table()
    return {pid: seconds_of[pid] for pid in pids if pid in seconds_of}


@dataclass(slots=True)
class CpuMeter:
    """CPU spent by a server's processes and by the PostgreSQL backends connected to its
    database between `start` and `stop` (backends that ended meanwhile are missed; those
    that started are counted whole); the database share is None when PostgreSQL is not
    local."""

    pid: int
    db_url: str
    server: float | None = None
    backends: dict[int, float] = field(default_factory=dict)

    def start(self) -> None:
        self.server = cpu_seconds(self.pid)
        self.backends = backend_cpu(database_backends(self.db_url))

    def stop(self) -> tuple[float | None, float | None]:
        server = cpu_seconds(self.pid)
        now = backend_cpu(database_backends(self.db_url) | set(self.backends))
        used = None if server is None or self.server is None else server - self.server
        database = sum(seconds - self.backends.get(pid, 0.0) for pid, seconds in now.items())
        return used, database if now else None


# --- load --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_us_per_request: float | None = None  # the server's processes
    db_cpu_us_per_request: float | None = None  # PostgreSQL's backends for it

    def with_cpu(self, server: float | None, database: float | None) -> Load:
        if not self.requests:
            return self
        per = 1e6 / self.requests
        return replace(
            self,
            cpu_us_per_request=None if server is None else server * per,
            db_cpu_us_per_request=None if database is None else database * per,
        )


def median_load(loads: Sequence[Load]) -> Load:
    """The median of each figure over the rounds; counts are summed."""

    def mid(values: Sequence[float | None]) -> float | None:
        known = [value for value in values if value is not None]
        return statistics.median(known) if known else None

    return Load(
        requests_per_second=statistics.median(load.requests_per_second for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=statistics.median(load.p99_ms for load in loads),
        requests=sum(load.requests for load in loads),
        errors=sum(load.errors for load in loads),
        cpu_us_per_request=mid([load.cpu_us_per_request for load in loads]),
        db_cpu_us_per_request=mid([load.db_cpu_us_per_request for load in loads]),
    )


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
    return shutil.which("wrk") or "wrk"


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
    counted = (
        r"Non-2xx or 3xx responses:\s+(\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        r"^answers with errors: (\d+)",  # printed by the GraphQL script's done()
    )
    errors = sum(
        int(count)
        for pattern in counted
        for found in [re.search(pattern, output, re.MULTILINE)]
        if found
        for count in found.groups()
    )
    return Load(
        requests_per_second=float(rate.group(1)),
        p50_ms=_latency_ms(output, "50"),
        p99_ms=_latency_ms(output, "99"),
        requests=int(total.group(1)),
        errors=errors,
    )


@dataclass(frozen=True, slots=True)
class Wrk:
    binary: str
    connections: int
    threads: int
    headers: tuple[str, ...] = ()
    script: Path | None = None

    def run(self, url: str, seconds: float) -> Load:
        threads = min(self.threads, self.connections)
        command = [self.binary, f"-t{threads}", f"-c{self.connections}", f"-d{seconds:g}s"]
        command += ["--latency", "--timeout", "30s"]
        for header in self.headers:
            command += ["-H", header]
        if self.script is not None:
            command += ["-s", str(self.script)]
        result = subprocess.run([*command, url], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BenchError(f"wrk failed ({result.returncode}):\n{result.stderr}{result.stdout}")
        return parse_wrk(result.stdout)


def load(
    wrk: Wrk, server: Server, db_url: str, path: str, seconds: float, *, errors_fail: bool = True
) -> Load:
    """Load one path of a server with wrk; with the CPU the server and the database spent."""
    meter = CpuMeter(server.process.pid, db_url)
    meter.start()
    measured = wrk.run(server.url + path, seconds)
    measured = measured.with_cpu(*meter.stop())
    if measured.errors and errors_fail:
        raise BenchError(
            f"{server.name} {path}: {measured.errors} failed requests under load\n"
            f"{server.log_tail()}"
        )
    return measured


# --- timing and reporting ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


async def timed(repeats: int, step: Callable[[], Awaitable[T]]) -> tuple[list[float], T]:
    """Run `step` once to warm up, then `repeats` times; the seconds and the last result."""
    result = await step()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = await step()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def table(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """Columns: the first left-aligned, the others right-aligned."""
    rows = [list(header), *map(list, lines)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def render(cells: Sequence[str]) -> str:
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([cells[0].ljust(widths[0]), *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(rows[0]), rule, *(render(row) for row in rows[1:])])


def us(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} us"


def machine_load() -> str:
    """The load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"
