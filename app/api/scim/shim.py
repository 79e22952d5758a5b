"""What real identity providers send that scim2-models would refuse or misread, rewritten
into the RFC 7643/7644 form before parsing (docs/provisioning.md lists these quirks):

- the enterprise `manager` as a plain string id (Microsoft Entra ID), or cleared with `""`
  or `null` in an `add`/`replace` (Entra, Okta) — RFC 7643 has a complex `{"value": id}`
  and a `remove`;
- no `displayName` (Okta's default mapping sends `name` only): Rapport stores one display
  name, taken from `name.formatted`, else given and family names, else the userName;
- no `timezone` or `active` (most providers): UTC and active, the values Rapport holds
  for a person whose directory says nothing;
- `emails[type eq "work"].value` as a PATCH path or key (Entra): Rapport keeps one email
  and publishes no email `type`, so it replaces the email;
- members given as `{"$ref": null, "value": id}` (Entra): a null sub-attribute in a PATCH
  value names nothing, so it is left out before members are matched.

Entra's capitalised ops, `"False"` as a string, dotted keys in a path-less `replace`,
removal by value and paths whose filter matches no entry are read by scim2-models itself
(its policy, app.api.scim.models.POLICY)."""

from __future__ import annotations

import re
from typing import Any

from app.api.scim.models import ENTERPRISE

MANAGER_PATHS = {f"{ENTERPRISE}:manager".lower(), f"{ENTERPRISE}:manager.value".lower()}
WORK_EMAIL = re.compile(r'^emails\[\s*type\s+eq\s+"work"\s*\]\.value$', re.IGNORECASE)


def _cleared(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _manager(value: Any) -> Any:
    return {"value": value} if isinstance(value, str) else value


def user_payload(body: Any) -> Any:
    """A User as POST and PUT carry it."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    extension = body.get(ENTERPRISE)
    if isinstance(extension, dict) and "manager" in extension:
        extension = dict(extension)
        if _cleared(extension["manager"]):
            del extension["manager"]
        else:
            extension["manager"] = _manager(extension["manager"])
        body[ENTERPRISE] = extension
    if not body.get("displayName"):
        body["displayName"] = _display_name(body)
    body.setdefault("timezone", "UTC")
    body.setdefault("active", True)
    return body


def _display_name(body: dict[str, Any]) -> Any:
    """`name.formatted`, else given and family names, else the userName."""
    name = body.get("name") if isinstance(body.get("name"), dict) else {}
    assert isinstance(name, dict)
    parts = " ".join(str(name[part]) for part in ("givenName", "familyName") if name.get(part))
    return name.get("formatted") or parts or body.get("userName")


def patch_payload(body: Any) -> Any:
    """A PatchOp: manager values made complex, cleared managers made removals, the work
    email addressed as the email, null sub-attributes dropped."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        return body
    operations: list[Any] = []
    for operation in body["Operations"]:
        operations += _operation(operation)
    return {**body, "Operations": operations}


def _operation(operation: Any) -> list[Any]:
    if not isinstance(operation, dict):
        return [operation]
    verb = str(operation.get("op", "")).lower()
    path, value = operation.get("path"), operation.get("value")
    if isinstance(value, list):
        value = [_without_nulls(item) for item in value]
        operation = {**operation, "value": value}
    if verb == "remove":
        return [operation]
    if isinstance(path, str) and path.lower() in MANAGER_PATHS:
        if _cleared(value if not isinstance(value, dict) else value.get("value")):
            return [{"op": "remove", "path": f"{ENTERPRISE}:manager"}]
        if path.lower().endswith(".value"):
            return [{**operation, "path": f"{ENTERPRISE}:manager", "value": {"value": value}}]
        return [{**operation, "value": _manager(value)}]
    if isinstance(path, str) and WORK_EMAIL.match(path.strip()):
        return [{**operation, "path": "emails", "value": [{"value": value}]}]
    if path is None and isinstance(value, dict):
        return _pathless(operation, value)
    return [operation]


def _without_nulls(item: Any) -> Any:
    """`{"$ref": null, "value": id}` names the entry `id` (Entra's group members)."""
    if isinstance(item, dict):
        return {key: value for key, value in item.items() if value is not None}
    return item


def _pathless(operation: dict[str, Any], value: dict[str, Any]) -> list[Any]:
    """A `replace` whose value holds attributes by name (dotted keys included)."""
    rewritten: dict[str, Any] = {}
    removals: list[Any] = []
    for key, item in value.items():
        if WORK_EMAIL.match(key.strip()):
            rewritten["emails"] = [{"value": item}]
        elif key.lower() in MANAGER_PATHS:
            if _cleared(item if not isinstance(item, dict) else item.get("value")):
                removals.append({"op": "remove", "path": f"{ENTERPRISE}:manager"})
            else:
                rewritten[f"{ENTERPRISE}:manager"] = _manager(item)
        elif key == ENTERPRISE and isinstance(item, dict) and "manager" in item:
            extension = dict(item)
            manager = extension.pop("manager")
            if _cleared(manager if not isinstance(manager, dict) else manager.get("value")):
                removals.append({"op": "remove", "path": f"{ENTERPRISE}:manager"})
            else:
                extension["manager"] = _manager(manager)
            if extension:
                rewritten[key] = extension
        else:
            rewritten[key] = item
    return ([{**operation, "value": rewritten}] if rewritten else []) + removals
