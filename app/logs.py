"""The server's log: one structured line per event, as JSON for machines or aligned for
people (RAPPORT_LOG_FORMAT), through structlog's formatter on the standard library's
logging, so the lines of uvicorn, SQLAlchemy and Rapport come out alike.

Every record has already been made safe by app.safe_logging (no exception message, no SQL
parameter); the fields added here are the request id and, for a request's own line, what
app.api.request_log gathered — never a body, a query string, a token or a key."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import structlog
from asgi_correlation_id import correlation_id
from structlog.typing import EventDict, WrappedLogger

from app import safe_logging
from app.settings import Settings

# The fields a request's own line carries (app.api.request_log), and nothing else of a
# record's extras: libraries put ANSI-coloured copies of messages there.
REQUEST_FIELDS = (
    "organization_id",
    "caller",
    "operation",
    "method",
    "status",
    "duration_ms",
    "statements",
)
_HANDLER_NAME = "rapport"


def _request_id(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    current = correlation_id.get()
    if current is not None:
        event["request_id"] = current
    return event


def _safe_exception(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """The frames app.safe_logging kept of an exception (its message is never logged)."""
    record = event.get("_record")
    text = getattr(record, "exc_text", None)
    if text:
        event["exception"] = text
    return event


def _json(event: Any, **_: Any) -> str:
    return orjson.dumps(event, default=str).decode()


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of every line: timestamp, level, logger, event, request id, fields."""
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_json)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(allow=REQUEST_FIELDS),
            _request_id,
            _safe_exception,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def configure(settings: Settings) -> None:
    """The process's logging for `rapport serve`: one handler on the root logger, uvicorn's
    loggers propagating to it. Idempotent (the supervisor and each worker call it)."""
    safe_logging.install()
    handler = logging.StreamHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter(settings.log_format))
    root = logging.getLogger()
    root.handlers = [each for each in root.handlers if each.get_name() != _HANDLER_NAME]
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    # app.api.request_log writes each request's line; uvicorn's protocols write theirs only
    # while this logger has somewhere to send it.
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
