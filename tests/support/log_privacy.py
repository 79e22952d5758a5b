"""The privacy contract in the suite's own logs: private notes written by the tests carry a
recognizable marker, and no log record emitted during the run may contain one."""

from __future__ import annotations

import logging
import traceback
from uuid import uuid4

PRIVATE_MARKER_PREFIX = "rapport-private-marker-"


def private_marker() -> str:
    """A unique text for a private note's body (or part of it)."""
    return f"{PRIVATE_MARKER_PREFIX}{uuid4().hex}"


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: the message, the exception and
    stack as any formatter would render them, and every attribute (extras included)."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = f"{record.msg!r} % {record.args!r}"
    parts = [message, record.exc_text or "", record.stack_info or "", repr(vars(record))]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(parts)


class PrivacyLogCollector(logging.Handler):
    """Checks every record it handles for private-note markers; `check` fails the run."""

    def __init__(self, marker: str = PRIVATE_MARKER_PREFIX) -> None:
        super().__init__(level=logging.NOTSET)
        self.marker = marker
        self.checked = 0
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.checked += 1
        text = record_text(record)
        if self.marker in text:
            self.leaks.append(f"{record.name} {record.levelname}: {text[:4000]}")

    def check(self) -> None:
        if self.leaks:
            listed = "\n---\n".join(self.leaks)
            raise AssertionError(
                f"{len(self.leaks)} of {self.checked} log records carry private-note text:\n"
                f"{listed}"
            )
