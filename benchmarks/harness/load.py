"""Load (wrk, or a closed loop in Python), its figures, timing of steps and the tables the
benchmarks print."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from harness.common import BenchError, log
from harness.servers import CpuMeter, Server

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_us_per_request: float | None = None  # the server's processes
    db_cpu_us_per_request: float | None = None  # PostgreSQL's backends for it

    @classmethod
    def of_latencies(cls, seconds: Sequence[float], elapsed: float) -> Load:
        """Requests that took `seconds` each, run in `elapsed` seconds of wall time."""
        return cls(
            requests_per_second=len(seconds) / elapsed,
            p50_ms=1000 * statistics.median(seconds),
            p99_ms=1000 * percentile(seconds, 0.99),
            requests=len(seconds),
            errors=0,
        )

    def with_cpu(self, server: float | None, database: float | None) -> Load:
        if not self.requests:
            return self
        per = 1e6 / self.requests
        return replace(
            self,
            cpu_us_per_request=None if server is None else server * per,
            db_cpu_us_per_request=None if database is None else database * per,
        )


def percentile(values: Sequence[float], share: float) -> float:
    """The value that `share` of the values do not exceed (the nearest rank below)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


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


def metered(server: Server, db_url: str, run: Callable[[], Load]) -> Load:
    """A load with the CPU the server and the database's backends spent during it."""
    meter = CpuMeter(server.process.pid, db_url)
    meter.start()
    measured = run()
    return measured.with_cpu(*meter.stop())


def load(
    wrk: Wrk, server: Server, db_url: str, path: str, seconds: float, *, tolerated: float = 0.0
) -> Load:
    """Load one path of a server with wrk; with the CPU the server and the database spent.
    More failed requests than the `tolerated` share of them is an error."""
    measured = metered(server, db_url, lambda: wrk.run(server.url + path, seconds))
    if measured.errors > tolerated * measured.requests:
        raise BenchError(
            f"{server.name} {path}: {measured.errors} failed requests under load\n"
            f"{server.log_tail()}"
        )
    return measured


async def closed_loop(steps: Sequence[Callable[[], Awaitable[object]]], seconds: float) -> Load:
    """Each step run over and over by a worker of its own for `seconds` (a closed loop:
    the next call when the last has answered): calls per second and their latencies."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def worker(step: Callable[[], Awaitable[object]]) -> None:
        while time.monotonic() < deadline:
            with Stopwatch() as call:
                await step()
            latencies.append(call.seconds)

    with Stopwatch() as whole:
        await asyncio.gather(*(worker(step) for step in steps))
    return Load.of_latencies(latencies, whole.seconds)


# --- timing and reporting ----------------------------------------------------------------------


@dataclass(slots=True)
class Stopwatch:
    """The seconds a `with` block took (`seconds`, once it has ended)."""

    started: float = 0.0
    seconds: float = 0.0

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *_exception: object) -> None:
        self.seconds = time.perf_counter() - self.started


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
        with Stopwatch() as watch:
            result = await step()
        seconds.append(watch.seconds)
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
