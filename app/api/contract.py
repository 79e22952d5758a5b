"""The committed API contract: `python -m app.api.contract` rewrites openapi/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.api.app import create_app
from app.settings import Settings

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def openapi_document() -> dict[str, Any]:
    """The document the app serves (no database is touched to build it)."""
    return create_app(Settings()).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def main() -> None:
    OPENAPI_PATH.write_text(render(openapi_document()), encoding="utf-8")


if __name__ == "__main__":
    main()
