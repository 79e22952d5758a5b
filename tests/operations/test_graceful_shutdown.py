"""SIGTERM under load: `rapport serve` stops accepting, lets every request it accepted
finish with a full response, then exits; a request that never finishes is cut off only
after RAPPORT_SHUTDOWN_GRACE_SECONDS."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
import httpx
import pytest

from app.persistence.migrate import upgrade_to_head
from tests.support.commands import environment, rapport, serving
from tests.support.postgres import scratch_database

pytestmark = pytest.mark.slow

# uvicorn re-raises the SIGTERM it handled once it has shut down cleanly (so a single
# process ends "killed by SIGTERM", as an orchestrator expects); its worker supervisor exits 0.
STOPPED = (0, -signal.SIGTERM)
WORKERS = 2
# uvicorn logs this once per worker before it closes idle connections and flags busy ones
# to close after their response, in one step with no wait in between.
SHUTTING_DOWN = "Shutting down"
LOAD_THREADS = 6
MAX_REQUESTS_PER_THREAD = 500
WARM_UP_RESPONSES = 60


@dataclass
class Stack:
    env: dict[str, str]
    database_url: str
    key: str


@pytest.fixture
def stack(postgres_admin_url: str) -> Iterator[Stack]:
    with scratch_database(postgres_admin_url) as url:
        upgrade_to_head(url)
        env = environment(url)
        org = rapport(env, "orgs", "create", "Shutdown").strip()
        key = rapport(env, "keys", "create", "--org", org, "--scope", "admin").strip()
        yield Stack(env, url, key)


class HeldRequest:
    """A POST whose body is held back: the server has started on it (it answered `100
    Continue`) and waits for the rest."""

    def __init__(self, port: int, key: str, email: str) -> None:
        self.body = json.dumps({"email": email, "name": "Held"}).encode()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        head = (
            "POST /v1/people HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(self.body)}\r\nExpect: 100-continue\r\n\r\n"
        )
        self.sock.sendall(head.encode())
        interim = self.sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100"), interim

    def finish(self) -> tuple[int, bytes]:
        """Send the body; the status and the whole response as received until close."""
        self.sock.sendall(self.body)
        received = b""
        while chunk := self.sock.recv(65536):
            received += chunk
        self.sock.close()
        status = int(received.split(b" ", 2)[1]) if received else 0
        return status, received


@dataclass
class Load:
    """Clients creating people until the server stops answering; what each got."""

    port: int
    key: str
    created: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    answered: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def run(self, worker: int) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60) as client:
            for serial in range(MAX_REQUESTS_PER_THREAD):
                email = f"load-{worker}-{serial}@example.com"
                try:
                    response = client.post(
                        "/v1/people", headers=headers, json={"email": email, "name": "Load"}
                    )
                except httpx.TransportError:
                    self.failed.append(email)
                    return
                assert response.status_code == 201, response.text
                assert response.json()["email"] == email
                self.created.append(email)
                self.answered.release()


def _emails_in(database_url: str) -> set[str]:
    async def read() -> set[str]:
        connection = await asyncpg.connect(database_url)
        try:
            rows = await connection.fetch("SELECT email FROM people")
        finally:
            await connection.close()
        return {row["email"] for row in rows}

    return asyncio.run(read())


def test_sigterm_under_load_cuts_no_request_off(stack: Stack) -> None:
    env = {**stack.env, "RAPPORT_WORKERS": str(WORKERS)}
    with serving(env, ready="/readyz") as served:
        load = Load(served.port, stack.key)
        clients = [threading.Thread(target=load.run, args=(n,)) for n in range(LOAD_THREADS)]
        for client in clients:
            client.start()
        for _ in range(WARM_UP_RESPONSES):
            assert load.answered.acquire(timeout=60), "the load never got going"
        held = HeldRequest(served.port, stack.key, "held@example.com")

        served.process.send_signal(signal.SIGTERM)
        served.wait_for_line(SHUTTING_DOWN, times=WORKERS)
        status, response = held.finish()
        for client in clients:
            client.join(timeout=120)
        assert served.process.wait(timeout=60) in STOPPED

    assert status == 201, response
    assert json.loads(response.split(b"\r\n\r\n", 1)[1])["email"] == "held@example.com"
    stored = _emails_in(stack.database_url)
    # Nothing was done without its client hearing of it, nor answered and then lost.
    assert stored == {*load.created, "held@example.com"}
    assert len(load.failed) == LOAD_THREADS, "every client stopped at the closed server"


def test_a_request_that_never_finishes_is_cut_off_after_the_grace_period(stack: Stack) -> None:
    env = {**stack.env, "RAPPORT_SHUTDOWN_GRACE_SECONDS": "1"}
    with serving(env, ready="/readyz") as served:
        held = HeldRequest(served.port, stack.key, "never@example.com")
        served.process.send_signal(signal.SIGTERM)
        served.wait_for_line("timeout graceful shutdown exceeded")
        assert served.process.wait(timeout=60) in STOPPED
        held.sock.close()
    assert "never@example.com" not in _emails_in(stack.database_url)
