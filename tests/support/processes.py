"""`rapport serve` started as users start it: a separate process, its log in a file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.live import SHARED_TLS, SUITE_BUDGET_ENVIRONMENT

RAPPORT = Path(sys.executable).parent / "rapport"


@dataclass
class ServedProcess:
    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rapport_env(**settings: str) -> dict[str, str]:
    """The environment without any RAPPORT_ setting of the caller, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(SUITE_BUDGET_ENVIRONMENT)
    env.update({f"RAPPORT_{name.upper()}": value for name, value in settings.items()})
    return env


@contextmanager
def rapport_serve(workdir: Path, *, workers: int = 1, **settings: str) -> Iterator[ServedProcess]:
    """Serve until the block ends (SIGTERM, then SIGKILL if it lingers)."""
    port = _free_port()
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(RAPPORT), "serve", "--port", str(port), "--workers", str(workers)],
            cwd=workdir,
            env=rapport_env(**settings),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = ServedProcess(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(served, process)
        yield served
    finally:
        _stop(process)


def _wait_until_up(served: ServedProcess, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rapport serve exited:\n{served.log_text()}")
        try:
            health = httpx.get(f"{served.base_url}/healthz", timeout=2, verify=SHARED_TLS)
            if health.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"rapport serve did not answer:\n{served.log_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
