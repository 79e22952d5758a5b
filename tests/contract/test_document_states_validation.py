"""The document's constraints are the validation's: what one refuses, the other refuses."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from app.api.contract import openapi_document
from tests.support.tenants import Tenant, World

DOCUMENT = openapi_document()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]


def _body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    reference: str = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = SCHEMAS[reference.rsplit("/", 1)[1]]
    return schema


def _offers_null(schema: dict[str, Any]) -> bool:
    variants = schema.get("anyOf", [schema])
    return any(variant.get("type") == "null" for variant in variants)


def test_a_patch_field_the_document_offers_no_null_for_refuses_null(world: World) -> None:
    ids = world.ids()
    checked = 0
    for path, item in DOCUMENT["paths"].items():
        if "patch" not in item:
            continue
        body = _body_schema(item["patch"])
        assert body.get("minProperties") == 1, path
        url = re.sub(r"\{(\w+)\}", lambda name: ids[name.group(1)], path)
        for name, field in body["properties"].items():
            if _offers_null(field):
                continue
            refused = world.tenant.call("PATCH", url, json={name: None})
            assert refused.status_code == 422, (path, name, refused.text)
            assert refused.json()["code"] in ("null_field", "wrong_type"), refused.text
            checked += 1
    assert checked > 20, "the scan found few non-nullable fields; the document changed shape"


def test_a_whole_number_sent_as_a_float_is_an_integer(tenant: Tenant) -> None:
    pair = tenant.pair()
    cadence = tenant.call("GET", "/v1/policy").json()["target_cadence_days"]
    changed = tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"cadence_days": cadence * 1.0})
    assert changed.status_code == 200, changed.text
    assert changed.json()["cadence_days"] == cadence
    for refused_value in (str(cadence), True, cadence + 0.5):
        refused = tenant.call(
            "PATCH", f"/v1/pairs/{pair['id']}", json={"cadence_days": refused_value}
        )
        assert refused.status_code == 422, (refused_value, refused.text)


def test_instants_are_taken_in_the_years_the_pattern_states(tenant: Tenant) -> None:
    parameter = next(
        parameter
        for parameter in DOCUMENT["paths"]["/v1/meetings"]["get"]["parameters"]
        if parameter["name"] == "starts_after"
    )
    pattern = next(
        variant["pattern"] for variant in parameter["schema"]["anyOf"] if "pattern" in variant
    )
    for instant in (
        "1900-01-01T00:00:00+05:00",  # 1899 in UTC: the year as written counts
        "1899-12-31T23:30:00-05:00",
        "9000-12-31T23:00:00-05:00",
        "9001-01-01T00:00:00Z",
        "0999-01-01T00:00:00Z",
    ):
        answer = tenant.call("GET", "/v1/meetings", params={"starts_after": instant})
        assert (answer.status_code == 200) == bool(re.match(pattern, instant)), answer.text


def test_texts_and_emails_are_refused_as_their_patterns_say(tenant: Tenant) -> None:
    """The document spells whitespace out: U+0085 and U+FEFF are whitespace to one regex
    dialect and not to another, U+001C to Python's strip() only."""
    person = SCHEMAS["PersonCreate"]["properties"]
    name_pattern = person["name"]["pattern"]
    email_pattern = next(
        variant["pattern"] for variant in person["email"]["anyOf"] if "pattern" in variant
    )
    for name in ("\x85", "\ufeff", " \x1c ", "a\x85", "\u3000x", "Ada"):
        email = f"{uuid4().hex}@example.com"
        answer = tenant.call("POST", "/v1/people", json={"email": email, "name": name})
        assert (answer.status_code == 201) == bool(re.match(name_pattern, name)), answer.text
    for email in ("a\x85b@example.com", "\ufeffab@example.com", "a\u00a0b@example.com"):
        answer = tenant.call("POST", "/v1/people", json={"email": email, "name": "Ada"})
        assert answer.status_code == 422 and not re.match(email_pattern, email), answer.text
