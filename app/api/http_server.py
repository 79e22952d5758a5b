"""The HTTP server's limits, which uvicorn does not enforce on its own.

uvicorn times out idle keep-alive connections only; a request whose headers never complete
holds its connection forever, its line and headers may be of any size (httptools buffers
them all), and a response to a client that stopped reading waits forever. This protocol is
uvicorn's httptools protocol with those three limits: the request line and headers must
arrive within a time and stay under a size (414 or 431 beyond it), and a client that reads
nothing of a response for a while is disconnected. `rapport serve` (and `rapport dev`) run
with it; the limits are settings (RAPPORT_HTTP_*).
"""

from __future__ import annotations

import asyncio
import socket
import struct
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.api.problem_catalog import CATALOG
from app.api.problems import PROBLEM_MEDIA_TYPE, problem_body
from app.settings import Settings, get_settings

PROTOCOL = "app.api.http_server:BoundedHttpToolsProtocol"
LINGER_SECONDS = 2.0  # after a refusal, what the client still sends is read and dropped


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the limits (see docs/security.md)."""
    return {"http": PROTOCOL, "timeout_keep_alive": settings.http_keep_alive_seconds}


class _HeadRefused(Exception):
    """Raised in a parser callback to stop reading a request that is refused."""


def _refusal(code: str) -> bytes:
    kind = CATALOG[code]
    body = problem_body(kind, kind.description)
    head = (
        f"HTTP/1.1 {kind.status} {HTTPStatus(kind.status).phrase}\r\n"
        f"content-type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """httptools with a header timeout, a header size limit and a send timeout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.max_head_bytes = settings.http_max_header_bytes
        self.head_timeout = settings.http_header_timeout_seconds
        self.send_timeout = settings.http_send_timeout_seconds
        self.url = b""
        self.reading_head = True
        self.head_bytes = 0  # of the request line and headers received so far
        self.head_timer: asyncio.TimerHandle | None = None
        self.send_timer: asyncio.TimerHandle | None = None
        self.refusing: str | None = None
        self.refused = False

    # The head: a time limit from the connection (or the request's first byte) to the end
    # of its headers, and a size limit.

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.reading_head = True
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        super().data_received(data)
        if not self.reading_head or self.transport.is_closing():
            return
        # Still within the head: the whole chunk is head (but for the tail of a previous
        # request's body in a pipelined chunk), so it is counted before it is complete.
        self.head_bytes += len(data)
        if self.head_bytes > self.max_head_bytes:
            target_is_most = len(self.url) * 2 > self.head_bytes
            self._refuse("uri_too_long" if target_is_most else "headers_too_large")

    def on_headers_complete(self) -> None:
        self._stop(self.head_timer)
        self.head_timer, self.reading_head, self.head_bytes = None, False, 0
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.max_head_bytes:
            self.refusing = (
                "uri_too_long" if len(self.url) > self.max_head_bytes else "headers_too_large"
            )
            raise _HeadRefused  # the parser stops; uvicorn answers through send_400_response
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if self.refusing is None:
            super().send_400_response(msg)
        else:
            self._refuse(self.refusing)

    def _await_head(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.transport.is_closing() or not self.reading_head:
            return
        if self.head_bytes or self.url:  # a request began: say why it ends
            self._refuse("request_timeout")
        else:
            self.transport.close()

    def _refuse(self, code: str) -> None:
        """Answer and close. Closing at once, with the client still sending, would reset the
        connection and could destroy the answer before the client reads it: the answer goes
        first, then our end of the connection, and the rest of the request is dropped."""
        self.reading_head, self.refused = False, True
        self.transport.write(_refusal(code))
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    # The response: a client that takes nothing of it for `send_timeout` is cut off, which
    # the app sees as a disconnect (a stream stops reading its rows).

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.send_timer is None:
            self.send_timer = self.loop.call_later(self.send_timeout, self._send_timed_out)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._stop(self.send_timer)
        self.send_timer = None

    def _send_timed_out(self) -> None:
        """Reset the connection: a plain close would keep the unsent response (megabytes in
        the kernel) queued behind the client's closed window for minutes."""
        self.send_timer = None
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop(self.head_timer)
        self._stop(self.send_timer)
        self.head_timer = self.send_timer = None
        super().connection_lost(exc)

    @staticmethod
    def _stop(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()
