"""Log hygiene: exceptions reach log handlers as a safe summary, SQL parameters stay out of
errors, and the suite's log check catches a leak when there is one."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import safe_logging
from app.persistence.database import create_engine
from tests.support.log_privacy import PrivacyLogCollector, private_marker

SECRET = "Jane Doe <jane@example.com> is thinking about leaving"


class _DriverError(Exception):
    sqlstate = "23514"


def _chained() -> BaseException:
    try:
        try:
            raise _DriverError(f"Failing row contains ({SECRET})")
        except _DriverError as error:
            raise RuntimeError(f"INSERT failed with {SECRET}") from error
    except RuntimeError as outer:
        return outer


def test_a_summary_names_classes_and_sqlstate_never_messages() -> None:
    error = _chained()
    summary = safe_logging.describe(error)
    assert summary == (
        "builtins.RuntimeError <- tests.unit.test_safe_logging._DriverError [SQLSTATE 23514]"
    )
    where = safe_logging.frames(error)
    assert "_chained" in where and "raise _DriverError" in where
    assert SECRET not in summary + where


def _logged(logger: logging.Logger, emit: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        assert callable(emit)
        emit()
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_every_record_of_the_process_carries_exceptions_safely() -> None:
    safe_logging.install()
    safe_logging.install()  # idempotent: one wrapper
    logger = logging.getLogger("tests.safe_logging")
    error = _chained()
    output = _logged(logger, lambda: logger.error("boom", exc_info=error))
    output += _logged(logger, lambda: logger.error("failed: %s", error))
    output += _logged(logger, lambda: logger.error(error))
    output += _logged(logger, lambda: logger.error("failed: %(e)s", {"e": error}))
    assert SECRET not in output
    assert output.count("tests.unit.test_safe_logging._DriverError [SQLSTATE 23514]") == 4
    assert "message withheld" in output


def test_sql_statement_and_row_logging_stay_off_whatever_the_root_level() -> None:
    safe_logging.install()
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("aiosqlite").getEffectiveLevel() >= logging.WARNING


@pytest.mark.parametrize("url", ["sqlite:///x.db", "postgresql://u@127.0.0.1:1/db"])
def test_every_engine_hides_sql_parameters(url: str) -> None:
    assert create_engine(url).sync_engine.hide_parameters is True


def test_a_failing_statement_does_not_carry_its_parameters(tmp_path: Path) -> None:
    async def fail() -> str:
        engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
        try:
            async with engine.connect() as connection:
                await connection.execute(
                    text("SELECT * FROM no_such_table WHERE x = :x"), {"x": SECRET}
                )
        except DBAPIError as error:
            return str(error)
        finally:
            await engine.dispose()
        raise AssertionError("the statement did not fail")

    message = asyncio.run(fail())
    assert "no_such_table" in message and SECRET not in message


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    """A record built directly (not through the process's factory), as a handler of a
    library that bypassed the summary would receive it."""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("x", logging.ERROR, __file__, 1, message, args, exc_info)


def test_the_suite_log_check_fails_on_a_leak_and_passes_clean_records() -> None:
    marker = private_marker()
    clean = PrivacyLogCollector()
    clean.handle(_record("a note was written: %s", "01a2-id"))
    clean.check()
    assert clean.checked == 1
    for leaking in (
        _record(f"note body {marker}"),
        _record("note body %s", marker),
        _record("fault", exc=ValueError(f"Failing row contains ({marker})")),
    ):
        collector = PrivacyLogCollector()
        collector.handle(leaking)
        with pytest.raises(AssertionError, match="carry private-note text"):
            collector.check()
