"""The contract declares, per operation, the conditional headers it reads and answers with:
If-None-Match and 304 on versioned reads, If-Match and 412 (with the current ETag) on
conditional writes, 428 on edits, and the ETag on every versioned answer."""

from __future__ import annotations

from typing import Any

import pytest

from app.api.contract import openapi_document
from app.api.problem_catalog import CATALOG

READS = ("people-get", "pairs-get", "meetings-get", "notes-get", "commitments-get", "policy-get")
EDITS = (
    "people-update",
    "pairs-update",
    "meetings-reschedule",
    "agenda-items-update",
    "notes-update",
    "commitments-update",
    "policy-update",
)
OTHER_CONDITIONAL_WRITES = (
    "meetings-cancel",
    "meetings-complete",
    "agenda-items-delete",
    "notes-delete",
)
CREATES = (
    "people-create",
    "pairs-create",
    "meetings-create",
    "agenda-items-create",
    "notes-create",
    "commitments-create",
)


DOCUMENT = openapi_document()


def _operations() -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for item in DOCUMENT["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


OPERATIONS = _operations()


def _headers_read(operation: dict[str, Any]) -> set[str]:
    """The header parameters the operation declares, shared ones (`$ref`) included."""
    shared = DOCUMENT.get("components", {}).get("parameters", {})
    declared = [
        shared[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
        for p in operation.get("parameters", [])
    ]
    return {p["name"].lower() for p in declared if p["in"] == "header"}


@pytest.mark.parametrize("operation_id", READS)
def test_a_versioned_read_declares_if_none_match_and_304(operation_id: str) -> None:
    operation = OPERATIONS[operation_id]
    assert "if-none-match" in _headers_read(operation)
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "ETag" in operation["responses"]["304"]["headers"]


@pytest.mark.parametrize("operation_id", EDITS + OTHER_CONDITIONAL_WRITES)
def test_a_conditional_write_declares_if_match_and_412(operation_id: str) -> None:
    operation = OPERATIONS[operation_id]
    assert "if-match" in _headers_read(operation)
    refused = operation["responses"]["412"]
    assert "ETag" in refused["headers"]
    assert "precondition_failed" in refused["description"]
    answered = operation["responses"].get("200") or operation["responses"]["204"]
    if "content" in answered:
        assert "ETag" in answered["headers"]
    required = "428" in operation["responses"]
    assert required is (operation_id in EDITS)


@pytest.mark.parametrize("operation_id", CREATES)
def test_a_creation_answers_the_first_etag(operation_id: str) -> None:
    assert "ETag" in OPERATIONS[operation_id]["responses"]["201"]["headers"]


def test_the_refusals_are_catalogued() -> None:
    assert (CATALOG["precondition_failed"].status, CATALOG["precondition_required"].status) == (
        412,
        428,
    )
