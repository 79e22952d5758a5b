"""The `rapport` command run the way an operator runs it: a separate process, configured
only through RAPPORT_* environment variables."""

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

RAPPORT = Path(sys.executable).parent / "rapport"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without RAPPORT_* variables, plus the given settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env["RAPPORT_DATABASE_URL"] = database_url
    env.update({f"RAPPORT_{name.upper()}": value for name, value in settings.items()})
    return env


def rapport(env: dict[str, str], *args: str, cwd: Path | None = None) -> str:
    """Run one command to completion; its stdout, or the failure with its stderr."""
    done = subprocess.run(
        [str(RAPPORT), *args],
        check=False,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"rapport {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def refused(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command that must refuse; the completed process, for its stderr and code."""
    done = subprocess.run(
        [str(RAPPORT), *args], check=False, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0, f"rapport {' '.join(args)} did not refuse: {done.stdout}"
    return done


@dataclass
class Server:
    """A `rapport serve` process and where it answers."""

    process: subprocess.Popen[str]
    base_url: str

    def terminate(self) -> int:
        """SIGTERM, as an orchestrator stops a container; the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=120)


def wait_until_ready(process: subprocess.Popen[str], base_url: str, path: str) -> None:
    """Poll `path` until it answers 200; fail with the server's output if it died."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the server exited with {process.returncode}: {output}")
        try:
            if httpx.get(base_url + path, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base_url}{path} did not answer 200 within a minute")


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[Server]:
    """`rapport serve` on a free loopback port until the block ends (then SIGTERM)."""
    port = free_port()
    process = subprocess.Popen(
        [str(RAPPORT), "serve", *args],
        env={**env, "RAPPORT_HOST": "127.0.0.1", "RAPPORT_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    server = Server(process, base_url)
    try:
        wait_until_ready(process, base_url, "/healthz")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()
