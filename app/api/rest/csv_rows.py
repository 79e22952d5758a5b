"""Pair metrics as CSV: one row per pair, the JSON field names as columns.

Nested JSON fields become dotted columns (`window.from`, `health_components.balance`);
`signals` is the space-separated list of signal codes. Nulls are empty cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.types import Send

from app.api.schemas.metrics import HealthComponentsOut, PairMetricsOut
from app.persistence.availability import DatabaseUnavailable
from app.services.metrics import PairReport


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


async def csv_text(chunks: AsyncIterator[list[PairReport]]) -> AsyncIterator[str]:
    """The header, then one write per chunk of rows (memory stays flat)."""
    yield _text([COLUMNS])
    async for found in chunks:
        if found:
            yield _text(_values(report) for report in found)


class ExportStream(StreamingResponse):
    """A stream whose rows are read while it is sent. Should the database go away half-way,
    the response is left incomplete (the connection closes without the final chunk), so
    that no client takes a cut-off export for a whole one."""

    async def stream_response(self, send: Send) -> None:
        try:
            await super().stream_response(send)
        except DatabaseUnavailable:
            return
