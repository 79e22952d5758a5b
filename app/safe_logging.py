"""Logs never carry content or personal data (the privacy contract names logs).

An exception's message can hold anything: a database driver's error holds SQL parameters
and row values ("Failing row contains …"), a validation error holds the input. So every log
record of the process carries an exception only as a safe summary — the classes of its
chain with their SQLSTATE or errno, and the frames it passed through — never a message.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import traceback
from collections.abc import Iterator, Mapping
from typing import Any

_INSTALLED = "_rapport_safe_records"
_SQLSTATE = re.compile(r"[0-9A-Z]{5}")
# Statement logging at INFO and row logging at DEBUG would put content in the log whatever
# hide_parameters says about parameters: these loggers stay quiet below WARNING.
# asgi_correlation_id warns of each client request id it replaced, once per request: any
# client could fill the log with them.
_QUIET_LOGGERS = {
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "websockets": logging.WARNING,  # its wire trace (below), when it logs under its own name
    "asgi_correlation_id": logging.ERROR,
}


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The exception, then what caused it (or what it happened while handling)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )


def _label(error: BaseException) -> str:
    kind = type(error)
    name = f"{kind.__module__}.{kind.__qualname__}"
    for attribute in ("sqlstate", "pgcode"):
        state = getattr(error, attribute, None)
        if isinstance(state, str) and _SQLSTATE.fullmatch(state):
            return f"{name} [SQLSTATE {state}]"
    if isinstance(error, OSError) and isinstance(error.errno, int):
        return f"{name} [errno {error.errno}]"
    return name


def describe(error: BaseException) -> str:
    """One line: the exception's classes, outermost first, with SQLSTATE or errno."""
    return " <- ".join(_label(each) for each in _chain(error))


def frames(error: BaseException) -> str:
    """Where the exception and its causes were raised (files, lines, functions, code), no
    message and no local variable."""
    blocks = []
    for each in reversed(list(_chain(error))):
        stack = "".join(
            traceback.StackSummary.extract(traceback.walk_tb(each.__traceback__)).format()
        )
        blocks.append(f"Traceback (message withheld):\n{stack}{_label(each)}")
    return "\n\nwhich led to\n\n".join(blocks)


def log_fault(logger: logging.Logger, where: str, request: str, error: BaseException) -> None:
    """An unexpected fault: where it happened, the request id and the safe summary."""
    logger.error(
        "unexpected fault in %s (request %s): %s\n%s",
        where,
        request,
        describe(error),
        frames(error),
    )


def _safe(value: Any) -> Any:
    return describe(value) if isinstance(value, BaseException) else value


def _sanitize(record: logging.LogRecord) -> None:
    exc_info = record.exc_info
    if exc_info and exc_info[1] is not None:
        record.exc_text = frames(exc_info[1])
        record.exc_info = None
    record.msg = _safe(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {name: _safe(value) for name, value in record.args.items()}
    elif record.args:
        record.args = tuple(_safe(value) for value in record.args)


# A calendar feed's URL is its credential: access lines show where the token was.
_CALENDAR_TOKEN = re.compile(r"(/calendar/)[^/]*")


def loggable_path(target: str) -> str:
    """A request target as logs may show it: no query string, no calendar token."""
    return _CALENDAR_TOKEN.sub(r"\1{token}", target.split("?", 1)[0])


class PathWithoutQuery(logging.Filter):
    """Access log lines name the path, not the query string (list filters carry emails,
    `/v1/people?email=…`, and external ids) nor a calendar feed's token, and not the
    client's address."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (_NO_ADDRESS, args[1], loggable_path(args[2]), *args[3:])
        return True


class SocketLinesWithoutContent(logging.Filter):
    """What uvicorn's WebSocket protocol logs on `uvicorn.error`. Its handshake lines
    (`'%s - "WebSocket %s" …'`) name the path only, not the query string (a browser cannot
    set a WebSocket's headers, so clients put credentials there) nor the client's address.
    The websockets library's wire trace at DEBUG (the request line, every header,
    Authorization included, and every frame with its payload) is not logged at all."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO and record.pathname.startswith(_WEBSOCKETS_PACKAGE):
            return False
        args = record.args
        if (
            isinstance(record.msg, str)
            and _SOCKET_LINE in record.msg
            and isinstance(args, tuple)
            and len(args) >= 2
            and isinstance(args[1], str)
        ):
            record.args = (_NO_ADDRESS, loggable_path(args[1]), *args[2:])
        return True


def _package_folder(name: str) -> str:
    """Where a package's modules are (records name their file), without importing it."""
    spec = importlib.util.find_spec(name)
    folders = spec.submodule_search_locations if spec is not None else None
    return os.path.join(folders[0], "") if folders else "\0"  # none: matches no file


_WEBSOCKETS_PACKAGE = _package_folder("websockets")
_NO_ADDRESS = "client"  # in place of its address, which is personal data
_SOCKET_LINE = '"WebSocket %s"'
_FILTERS = {"uvicorn.access": PathWithoutQuery, "uvicorn.error": SocketLinesWithoutContent}


def install() -> None:
    """Make every log record of the process safe from the moment it is created (handlers
    of any library, pytest's capture included, only ever see the summary). Idempotent."""
    for name, level in _QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)
    for name, kind in _FILTERS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(each, kind) for each in logger.filters):
            logger.addFilter(kind())
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def safe_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _sanitize(record)
        return record

    setattr(safe_record, _INSTALLED, True)
    logging.setLogRecordFactory(safe_record)
