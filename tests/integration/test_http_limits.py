"""The HTTP server's limits, probed with raw sockets against `rapport serve` in a process of
its own: header size (414/431, never a dropped connection), requests whose headers never
complete, idle connections. The server is the same on either database: these run once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from app.persistence.migrate import upgrade_to_head
from tests.support.server import connect, rapport_serve, read_until_closed, status_of

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("http-limits")
    database = f"sqlite:///{directory / 'rapport.db'}"
    upgrade_to_head(database)
    settings = {
        "RAPPORT_DATABASE_URL": database,
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_HTTP_HEADER_TIMEOUT_SECONDS": "1",
        "RAPPORT_HTTP_KEEP_ALIVE_SECONDS": "1",
    }
    with rapport_serve(settings, directory / "server.log") as base_url:
        yield base_url


def _exchange(base_url: str, request: bytes) -> bytes:
    sock = connect(base_url)
    try:
        sock.sendall(request)
        return read_until_closed(sock)
    finally:
        sock.close()


def _problem_code(response: bytes) -> str:
    head, _, body = response.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower()
    assert b"connection: close" in head.lower()
    code: str = json.loads(body)["code"]
    return code


def test_a_very_long_query_string_is_answered_414(server: str) -> None:
    request = b"GET /v1/people?q=" + b"x" * 100_000 + b" HTTP/1.1\r\nHost: rapport\r\n\r\n"
    response = _exchange(server, request)
    assert status_of(response) == 414
    assert _problem_code(response) == "uri_too_long"


@pytest.mark.parametrize(
    "headers",
    [
        b"Authorization: Bearer " + b"x" * 1_000_000 + b"\r\n",  # one huge header
        b"".join(b"X-Filler-%d: %s\r\n" % (n, b"y" * 1000) for n in range(70)),  # many
    ],
    ids=["one-huge-header", "many-headers"],
)
def test_headers_over_the_limit_are_answered_431(server: str, headers: bytes) -> None:
    response = _exchange(
        server, b"GET /v1/people HTTP/1.1\r\nHost: rapport\r\n" + headers + b"\r\n"
    )
    assert status_of(response) == 431
    assert _problem_code(response) == "headers_too_large"


def test_a_request_within_the_limits_is_served(server: str) -> None:
    response = httpx.get(
        f"{server}/healthz",
        params={"q": "x" * (LIMIT // 2)},
        headers={"X-Filler": "y" * (LIMIT // 4)},
        timeout=30,
    )
    assert response.status_code == 200


def test_a_request_whose_headers_never_complete_is_answered_408(server: str) -> None:
    response = _exchange(server, b"GET /v1/people HTTP/1.1\r\nHost: rapport\r\nX-Slow: ")
    assert status_of(response) == 408
    assert _problem_code(response) == "request_timeout"


def test_a_connection_that_never_sends_a_request_is_closed(server: str) -> None:
    sock = connect(server)
    try:
        assert read_until_closed(sock) == b""
    finally:
        sock.close()


def test_an_idle_keep_alive_connection_is_closed(server: str) -> None:
    response = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: rapport\r\n\r\n")
    assert status_of(response) == 200  # and then the server closed the idle connection
    assert response.endswith(b'{"status":"ok"}')


def test_the_server_still_serves_after_the_refusals(server: str) -> None:
    assert httpx.get(f"{server}/healthz", timeout=30).status_code == 200
