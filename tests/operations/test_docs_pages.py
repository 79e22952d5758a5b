"""Without GraphiQL's assets installed, its page says how to install them instead of
rendering blank (queries by POST keep working; the browser tests cover the installed case)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.requests import Request

from app.api import docs_pages


def test_graphiql_without_its_assets_says_how_to_install_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(docs_pages, "ASSETS_DIR", tmp_path)
    request = Request({"type": "http", "method": "GET", "path": "/graphql", "headers": []})
    page = docs_pages.graphiql_page(request)
    assert page.status_code == 503
    assert b"graphiql_assets.py" in page.body
