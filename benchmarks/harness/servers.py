"""Servers under test in their own process groups (and an ASGI app in a thread of the
benchmark), and what they spend: CPU (their processes and the PostgreSQL backends serving
them) and resident memory."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from harness.common import BENCH_DIR, HOST, ROOT, BenchError
from harness.databases import Scratch, connected, rapport_cli

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


@contextmanager
def serve_rapport(
    scratch: Scratch, workers: int, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """`rapport serve` on the scratch database as the serving role (`env` added to its
    environment)."""
    command = [rapport_cli(), "serve", "--workers", str(workers)]
    with serve("rapport", command, {**scratch.app_env, **(env or {})}, scratch.logs) as server:
        yield server


@contextmanager
def serve_baseline(
    scratch: Scratch, workers: int, module: str = "baseline_app", env: dict[str, str] | None = None
) -> Iterator[Server]:
    """The REST floor (baseline_app.py), or another app of benchmarks/ that reads the floor's
    settings (graphql_layers_app.py), on the same database, as the same role (`env` added
    to its environment)."""
    env = {**scratch.app_env, "BASELINE_DATABASE_URL": scratch.app_url,
           "BASELINE_ORG_ID": scratch.org_id, **(env or {})}  # fmt: skip
    command = [
        sys.executable, "-m", "uvicorn", f"{module}:app", "--app-dir", str(BENCH_DIR),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    with serve(module.removesuffix("_app"), command, env, scratch.logs) as server:
        yield server


@contextmanager
def serve_in_thread(app: ASGIApp) -> Iterator[str]:
    """An ASGI app under uvicorn in a thread of this process until the block ends; yields
    its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False,
                            lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise BenchError("a server in a thread did not start")
        time.sleep(0.02)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def create(client: httpx.Client, path: str, body: dict[str, Any]) -> str:
    """POST a record through a server's API (seeding); its id. Anything but 201 fails."""
    response = client.post(path, json=body)
    if response.status_code != 201:
        raise BenchError(f"POST {path} answered {response.status_code}: {response.text}")
    return str(response.json()["id"])


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


def reset_peak_rss(pid: int) -> None:
    """Make the process's peak RSS (VmHWM) its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def rss_kib(root_pid: int) -> int:
    """The resident memory of a server: its process and its workers, summed."""
    return sum(status_kib(pid, "VmRSS") for pid in process_tree(root_pid))


def database_backends(db_url: str) -> set[int]:
    """The PostgreSQL backends connected to the scratch database (local server only)."""

    async def pids() -> set[int]:
        async with connected(db_url) as connection:
            rows = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
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
