"""Pair metrics as CSV: one row per pair, the JSON field names as columns.

Nested JSON fields become dotted columns (`window.from`, `health_components.balance`);
`signals` is the space-separated list of signal codes. Nulls are empty cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

from app.api.rest.schemas.metrics import HealthComponentsOut, PairMetricsOut
from app.services.metrics import PairReport

ROWS_PER_WRITE = 200


def _columns() -> list[str]:
    columns: list[str] = []
    for name in PairMetricsOut.model_fields:
        if name == "window":
            columns += ["window.from", "window.to"]
        elif name == "health_components":
            columns += [f"health_components.{part}" for part in HealthComponentsOut.model_fields]
        else:
            columns.append(name)
    return columns


COLUMNS = _columns()


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _values(found: PairReport) -> list[Any]:
    data = PairMetricsOut.of(found).model_dump(mode="json")
    flat: dict[str, Any] = {
        name: value
        for name, value in data.items()
        if name not in ("window", "health_components", "signals")
    }
    flat["window.from"], flat["window.to"] = data["window"]["from"], data["window"]["to"]
    for part in HealthComponentsOut.model_fields:
        components = data["health_components"]
        flat[f"health_components.{part}"] = None if components is None else components[part]
    flat["signals"] = " ".join(signal["code"] for signal in data["signals"])
    return [_cell(flat[column]) for column in COLUMNS]


def _text(rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def csv_text(reports: AsyncIterator[PairReport]) -> AsyncIterator[str]:
    """The header, then the rows a few hundred at a time (memory stays flat)."""
    yield _text([COLUMNS])
    batch: list[list[Any]] = []
    async for found in reports:
        batch.append(_values(found))
        if len(batch) == ROWS_PER_WRITE:
            yield _text(batch)
            batch = []
    if batch:
        yield _text(batch)
