"""The server's line formats: JSON with the request's fields and the request id; the
console format for people with the same facts; an exception only as app.safe_logging's
frames, never its message."""

from __future__ import annotations

import json
import logging
import sys

from asgi_correlation_id import correlation_id

from app import logs, safe_logging


def _record(message: str, **extra: object) -> logging.LogRecord:
    safe_logging.install()
    record = logging.getLogger("rapport.test").makeRecord(
        "rapport.test", logging.INFO, __file__, 1, message, (), None, extra=extra
    )
    return record


def test_a_json_line_has_the_request_id_and_only_the_request_fields() -> None:
    token = correlation_id.set("5f0c6f8e-3b1a-4c7e-9d2f-0a1b2c3d4e5f")
    try:
        record = _record("request", operation="people-list", status=200, color_message="\x1b[1m")
        line = json.loads(logs.formatter("json").format(record))
    finally:
        correlation_id.reset(token)
    assert line["event"] == "request" and line["level"] == "info"
    assert line["request_id"] == "5f0c6f8e-3b1a-4c7e-9d2f-0a1b2c3d4e5f"
    assert line["operation"] == "people-list" and line["status"] == 200
    assert line["logger"] == "rapport.test" and line["timestamp"].endswith("Z")
    assert "color_message" not in line


def test_the_console_line_says_the_same_for_people() -> None:
    text = logs.formatter("console").format(_record("request", operation="people-get"))
    assert "request" in text and "operation=people-get" in text and "{" not in text


def test_an_exception_is_its_frames_without_its_message() -> None:
    safe_logging.install()
    content = "alice@example.com wrote a private note"
    try:
        raise ValueError(content)  # the frames show this line of code, not the value
    except ValueError:
        record = logging.getLogger("rapport.test").makeRecord(
            "rapport.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = json.loads(logs.formatter("json").format(record))
    assert "ValueError" in line["exception"]
    assert content not in json.dumps(line)
