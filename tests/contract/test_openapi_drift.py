"""The committed contract is what the app serves; every problem code is catalogued."""

from __future__ import annotations

import re
from pathlib import Path

from app.api.contract import OPENAPI_PATH, openapi_document, render
from app.api.problem_catalog import CATALOG

APP = Path(__file__).resolve().parents[2] / "app"


def test_committed_openapi_matches_the_app() -> None:
    committed = OPENAPI_PATH.read_text(encoding="utf-8")
    assert committed == render(openapi_document()), "openapi/openapi.json is stale: make openapi"


def test_every_raised_code_is_in_the_catalog() -> None:
    raised = {
        code
        for path in APP.rglob("*.py")
        for code in re.findall(r'code="([a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    assert raised, "the scan found no codes; the pattern is wrong"
    assert raised <= set(CATALOG), f"codes missing from the catalog: {raised - set(CATALOG)}"


def test_every_operation_has_a_readable_operation_id_and_declares_problems() -> None:
    document = openapi_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert re.fullmatch(r"[a-z]+(-[a-z]+)+", operation["operationId"]), (path, method)
            # An operation whose URL is its credential (`security: []`, the calendar feed)
            # cannot answer 401 or 403.
            takes_credential = operation.get("security") != []
            expected = {"401", "403", "422", "500"} if takes_credential else {"404", "500"}
            if path.startswith("/v1/"):
                assert expected <= set(operation["responses"]), (path, method)
