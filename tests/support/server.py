"""`rapport serve` in a process of its own, as operators run it, and raw HTTP over sockets."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.live import SHARED_TLS, SUITE_BUDGET_ENVIRONMENT, free_port

TCP_ESTABLISHED = 1


@contextmanager
def rapport_serve(settings: dict[str, str], log: Path) -> Iterator[str]:
    """Serve with these RAPPORT_* settings until the block ends; yields the base URL. The
    server's output goes to `log`."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "rapport"), "serve", "--port", str(port)]
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("RAPPORT_")},
        **SUITE_BUDGET_ENVIRONMENT,
        **settings,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, base_url)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str) -> None:
    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"rapport serve exited with {process.returncode}")
        try:
            return httpx.get(f"{base_url}/healthz", timeout=2, verify=SHARED_TLS).status_code == 200
        except httpx.TransportError:
            return False

    if not wait_for(up, within=60):
        raise RuntimeError("rapport serve did not start within 60 s")


def connect(base_url: str, *, receive_buffer: int | None = None) -> socket.socket:
    """A plain TCP connection to the server (optionally with a small receive window)."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(60)
    sock.connect((host, int(port)))
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails)."""
    chunks: list[bytes] = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def received_some(sock: socket.socket) -> bool:
    """The server has begun to answer (something waits to be read; nothing is consumed)."""
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except BlockingIOError:
        return False


def wait_for(condition: Callable[[], bool], within: float = 120.0) -> bool:
    """Poll until the condition holds or the (generous) deadline passes; its last value."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def closed_by_server(sock: socket.socket) -> bool:
    """The server ended the connection (FIN or reset), without reading what it sent
    (Linux TCP_INFO: the first byte is the connection's state)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    (state,) = struct.unpack("B", info[:1])
    return bool(state != TCP_ESTABLISHED)


def status_of(response: bytes) -> int:
    """The status code of a raw HTTP/1.1 response."""
    return int(response.split(b" ", 2)[1])
