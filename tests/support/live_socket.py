"""A graphql-transport-ws client for the tests (the `websockets` package's synchronous
client): a connection to /graphql, its messages, and how it was closed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.services.live import Topic, TopicKind
from tests.support.live import runtime

PROTOCOL = "graphql-transport-ws"
WAIT = 10.0  # seconds a message may take before the test fails


class LiveSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    def send(self, message: dict[str, Any]) -> None:
        self.connection.send(json.dumps(message))

    def receive(self, timeout: float = WAIT) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.connection.recv(timeout=timeout))
        return message

    def init(self, credential: str | None) -> dict[str, Any]:
        payload = {} if credential is None else {"authorization": f"Bearer {credential}"}
        self.send({"type": "connection_init", "payload": payload})
        return self.receive()

    def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        self.send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )

    def next_of(self, operation_id: str, timeout: float = WAIT) -> dict[str, Any]:
        """The next message of an operation (pings answered, others' messages skipped)."""
        while True:
            message = self.receive(timeout)
            if message.get("type") == "ping":
                self.send({"type": "pong"})
                continue
            if message.get("id") == operation_id:
                return message

    def complete(self, operation_id: str) -> None:
        self.send({"id": operation_id, "type": "complete"})

    def close_code(self, timeout: float = WAIT) -> int | None:
        """How the server closed the connection (waiting for it to)."""
        try:
            while True:
                self.connection.recv(timeout=timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None


def socket_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://", 1) + "/graphql"


@contextmanager
def live_socket(base_url: str, protocols: tuple[str, ...] = (PROTOCOL,)) -> Iterator[LiveSocket]:
    with connect(
        socket_url(base_url),
        subprotocols=list(protocols),  # type: ignore[arg-type]
        open_timeout=WAIT,
    ) as connection:
        yield LiveSocket(connection)


@contextmanager
def initialised(base_url: str, credential: str) -> Iterator[LiveSocket]:
    """A connection whose connection_init was acknowledged."""
    with live_socket(base_url) as socket:
        acknowledged = socket.init(credential)
        assert acknowledged["type"] == "connection_ack", acknowledged
        yield socket


def subscribed(app: FastAPI, kind: TopicKind, record_id: str, count: int = 1) -> None:
    """Wait until the served app's hub holds `count` subscriptions to the topic: a change
    made before a subscription is registered is not its to receive."""
    hub = runtime(app).live
    topic = Topic(kind, UUID(record_id))
    deadline = time.monotonic() + WAIT
    while hub.subscribers_of(topic) < count:
        assert time.monotonic() < deadline, f"{count} subscriptions to {topic} never came"
        time.sleep(0.01)
