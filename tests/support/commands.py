"""The `rapport` command run the way an operator runs it: a separate process, configured
only through RAPPORT_* environment variables."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.live import SHARED_TLS, SUITE_BUDGET_ENVIRONMENT, free_port

RAPPORT = Path(sys.executable).parent / "rapport"


def environment(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without RAPPORT_* variables, plus the given settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(SUITE_BUDGET_ENVIRONMENT)
    env["RAPPORT_DATABASE_URL"] = database_url
    env.update({f"RAPPORT_{name.upper()}": value for name, value in settings.items()})
    return env


def rapport(env: dict[str, str], *args: str) -> str:
    """Run one command to completion; its stdout, or the failure with its stderr."""
    done = subprocess.run(
        [str(RAPPORT), *args], check=False, env=env, capture_output=True, text=True, timeout=120
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
    """A serving process, where it answers, and what it has printed so far."""

    process: subprocess.Popen[str]
    base_url: str
    port: int
    output: list[str] = field(default_factory=list)
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    @classmethod
    def start(cls, command: list[str], env: dict[str, str], cwd: Path | None = None) -> Server:
        """Start `command` on a free loopback port (RAPPORT_HOST and RAPPORT_PORT)."""
        port = free_port()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**env, "RAPPORT_HOST": "127.0.0.1", "RAPPORT_PORT": str(port)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        server = cls(process, f"http://127.0.0.1:{port}", port)
        threading.Thread(target=server._pump, daemon=True).start()
        return server

    def _pump(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.put(line)
        self.lines.put(None)

    def next_line(self, timeout: float = 60) -> str:
        """The next line the process prints; fails with everything it printed if it exits
        or stays silent for `timeout` seconds."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            raise AssertionError("the server printed nothing more:\n" + "".join(self.output))
        self.output.append(line)
        return line

    def wait_for_line(self, fragment: str, times: int = 1) -> str:
        """Read on until the process has printed `times` lines containing `fragment`."""
        while True:
            line = self.next_line()
            if fragment in line:
                times -= 1
                if not times:
                    return line

    def wait_until_ready(self, path: str) -> None:
        """Poll `path` until it answers 200; fail with the output if the process exits."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                while True:
                    self.next_line(timeout=10)  # fails with the output at its end
            try:
                if httpx.get(self.base_url + path, timeout=2, verify=SHARED_TLS).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.base_url}{path} did not answer 200 within a minute")

    def stop(self) -> None:
        """SIGTERM if still running, then wait for the exit (SIGKILL after a minute)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def serving(
    env: dict[str, str],
    command: list[str] | None = None,
    ready: str = "/healthz",
    cwd: Path | None = None,
) -> Iterator[Server]:
    """A serving command (default `rapport serve`) on a free loopback port, ready once
    `ready` answers 200; stopped when the block ends."""
    server = Server.start(command or [str(RAPPORT), "serve"], env, cwd)
    try:
        server.wait_until_ready(ready)
        yield server
    finally:
        server.stop()
