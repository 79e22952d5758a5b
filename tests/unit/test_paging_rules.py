"""The paging rules live once, in app.domain.paging: the page limits, the cursor's text and
its decoding. The adapters and the repositories call them and restate none of them."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from app.domain.errors import InvalidInput
from app.domain.paging import (
    DEFAULT_LIMIT,
    MAX_CURSOR_LENGTH,
    MAX_LIMIT,
    Cursor,
    PageRequest,
    cursor_text,
)

APP = Path(__file__).resolve().parents[2] / "app"
RULE_HOME = APP / "domain" / "paging.py"
# The metrics rankings page over computed reports (a score or a count per pair, "null" for
# a pair without one), not over rows: their cursor text is their own.
OWN_CURSOR_TEXT = {APP / "services" / "metrics.py"}


def _refusal(limit: int, cursor: str | None = None) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as refused:
        PageRequest.of(limit, cursor, limit_name="first", cursor_name="after")
    return refused.value.code, refused.value.detail


def test_a_page_holds_one_to_the_most_items() -> None:
    assert PageRequest.of(1, None) == PageRequest(1)
    assert PageRequest.of(MAX_LIMIT, None) == PageRequest(MAX_LIMIT)
    assert PageRequest() == PageRequest(DEFAULT_LIMIT)
    for limit in (-1, 0, MAX_LIMIT + 1):
        assert _refusal(limit) == (
            "validation_error",
            f"first must lie between 1 and {MAX_LIMIT}.",
        )


def test_a_cursor_is_one_this_api_issued_and_no_longer_than_the_bound() -> None:
    issued = Cursor.after(datetime(2026, 1, 5, 9, tzinfo=UTC), uuid4())
    assert PageRequest.of(10, issued.encode()) == PageRequest(10, issued)
    assert _refusal(10, "x" * (MAX_CURSOR_LENGTH + 1)) == (
        "invalid_cursor",
        "after is not a cursor this API issued.",
    )
    for forged in ("not-a-cursor", "x" * MAX_CURSOR_LENGTH, "WzEsMl0"):
        code, detail = _refusal(10, forged)
        assert code == "invalid_cursor" and detail.startswith("cursor is not one this API issued")


def test_sort_values_are_written_and_read_back_the_same_way() -> None:
    instant = datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    row = uuid4()
    assert cursor_text(instant) == "2026-03-01T10:30:00+02:00"
    assert cursor_text(date(2026, 3, 1)) == "2026-03-01"
    assert cursor_text(7) == "7"
    decoded = Cursor.decode(Cursor.after(instant, row).encode())
    assert decoded == Cursor("2026-03-01T10:30:00+02:00", row)
    assert decoded.sort_instant() == instant and decoded.sort_instant().tzinfo is UTC
    assert Cursor.decode(Cursor.after(7, row).encode()).sort_integer() == 7


@pytest.mark.parametrize(
    "text", ["2026-01-01T00:00:00", "yesterday", "", "9999-12-31T23:59:59-23:00"]
)
def test_a_cursor_of_another_list_is_refused_as_an_instant(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Cursor(text, UUID(int=1)).sort_instant()
    assert refused.value.code == "invalid_cursor"


@pytest.mark.parametrize(
    "text", ["1.5", "2026-01-01T00:00:00+00:00", str(2**31), str(-(2**31) - 1)]
)
def test_a_cursor_of_another_list_is_refused_as_a_position(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Cursor(text, UUID(int=1)).sort_integer()
    assert refused.value.code == "invalid_cursor"


def _cursor_constructions(path: Path) -> list[int]:
    """Lines that build a Cursor from its parts (`Cursor(...)`) rather than through
    Cursor.after or Cursor.decode."""
    tree = ast.parse(path.read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Cursor"
    ]


def test_only_the_domain_writes_cursor_text() -> None:
    """Repositories (next_cursor) and GraphQL (edge cursors) build cursors with
    Cursor.after, so REST's next_cursor and an edge's cursor are one text."""
    writers = {
        path.relative_to(APP).as_posix(): lines
        for path in APP.rglob("*.py")
        if path not in {RULE_HOME, *OWN_CURSOR_TEXT} and (lines := _cursor_constructions(path))
    }
    assert writers == {}


def _bound_literals(path: Path) -> list[tuple[int, object]]:
    """Numbers compared with, or declared as a bound (`le=`, `max_length=`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        elif isinstance(node, ast.keyword) and node.arg in ("ge", "le", "max_length"):
            operands = [node.value]
        else:
            continue
        found += [(o.lineno, o.value) for o in operands if isinstance(o, ast.Constant)]
    return [(line, value) for line, value in found if isinstance(value, int) and value > 1]


def test_no_adapter_restates_the_bounds() -> None:
    """The limits and the cursor bound are the domain's constants wherever they are named
    (REST declares them on its query parameters for the OpenAPI document)."""
    adapters = [
        APP / "api" / "rest" / "responses.py",
        APP / "api" / "rest" / "routers" / "events.py",
        APP / "api" / "graphql" / "connections.py",
    ]
    assert {path.name: _bound_literals(path) for path in adapters} == {
        path.name: [] for path in adapters
    }
