"""People and groups as SCIM resources and back, and the filters Rapport answers.

Mapping: `userName` ↔ username, the primary (else work, else first) entry of `emails` ↔
email, `displayName` ↔ name (else given + family name, else the userName), `name.givenName`
/ `familyName` ↔ the name's parts, `externalId` ↔ external_id, `timezone` ↔ timezone,
`active` ↔ active, the enterprise `manager.value` ↔ manager (an id, or a pending
reference)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scim2_models import Meta, SCIMException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    ValuePath,
)

from app.api.scim.errors import ScimRefused
from app.api.scim.models import EnterpriseUser, FullUser, Group, GroupMember, Manager, UserName
from app.api.scim.values import checked, filter_value
from app.domain.errors import InvalidInput
from app.domain.groups import Group as DomainGroup
from app.domain.people import Person
from app.domain.queries import DirectoryQuery, GroupQuery
from app.services.provisioning import ProvidedPerson

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


def version_of(updated_at: datetime) -> str:
    """A weak ETag that changes with every write of the record."""
    return f'W/"{int(updated_at.timestamp() * 1_000_000)}"'


def _meta(kind: str, base: str, record_id: object, created: datetime, updated: datetime) -> Meta:
    return Meta(
        resource_type=kind,
        created=created,
        last_modified=updated,
        location=f"{base}/{kind}s/{record_id}",
        version=version_of(updated),
    )


def user_of(person: Person, base: str) -> Any:
    """The SCIM User of a person (a pending manager shows as the provider sent it)."""
    manager = str(person.manager_id) if person.manager_id else person.manager_ref
    name = None
    if person.given_name or person.family_name:
        name = UserName(given_name=person.given_name, family_name=person.family_name)
    user = FullUser(
        id=str(person.id),
        external_id=person.external_id,
        user_name=person.username,
        name=name,
        display_name=person.name,
        timezone=person.timezone,
        active=person.active,
        emails=[{"value": person.email}] if person.email else None,
        meta=_meta("User", base, person.id, person.created_at, person.updated_at),
    )
    if manager is not None:
        user[EnterpriseUser] = EnterpriseUser(manager=Manager(value=manager))
    return user


def _email(user: Any) -> str | None:
    emails = [e for e in (user.emails or []) if e.value]
    return emails[0].value if emails else None


def provided(user: Any) -> ProvidedPerson:
    """What a provider states about a person, whole (what it omits is cleared), each value
    held to the rules of REST's fields (app.api.scim.values)."""
    if not user.user_name or not user.user_name.strip():
        raise InvalidInput("userName is required.", code="missing_field", field="userName")
    name = user.name
    given = checked("name.givenName", name.given_name if name else None)
    family = checked("name.familyName", name.family_name if name else None)
    parts = " ".join(part for part in (given, family) if part)
    extension = user[EnterpriseUser]
    manager = extension.manager.value if extension and extension.manager else None
    return ProvidedPerson(
        username=checked("userName", user.user_name),
        name=checked("displayName", (user.display_name or "").strip() or parts or user.user_name),
        given_name=given,
        family_name=family,
        email=checked("emails.value", _email(user)),
        external_id=checked("externalId", user.external_id),
        timezone=checked("timezone", user.timezone),
        manager=checked("manager.value", manager),
        active=True if user.active is None else user.active,
    )


def group_of(group: DomainGroup, member_ids: list[Any], base: str) -> Group:
    return Group(
        id=str(group.id),
        external_id=group.external_id,
        display_name=group.display_name,
        members=[GroupMember(value=str(m), ref=f"{base}/Users/{m}") for m in member_ids] or None,
        meta=_meta("Group", base, group.id, group.created_at, group.updated_at),
    )


# -- filters ------------------------------------------------------------------------------


def _equalities(node: FilterNode) -> list[tuple[str, str]]:
    """`attr eq "value"` terms joined by `and`, as (attribute path, value)."""
    if isinstance(node, LogicalExpr) and node.op is LogicalOperator.and_:
        return [pair for term in node.terms for pair in _equalities(term)]
    if isinstance(node, Comparison) and node.op is CompareOperator.eq:
        name = _name(node.attr_path)
        return [(name, filter_value(name, str(node.value)))]
    if isinstance(node, ValuePath) and _name(node.attr_path) == "emails":
        terms = _equalities(node.val_filter)
        values = [("emails.value", v) for n, v in terms if n.lower() == "value"]
        if values and ("type", "work") in [(n.lower(), v.lower()) for n, v in terms]:
            return values
    raise ScimRefused(400, "invalidFilter", f"Unsupported filter: {node}.")


def _name(path: AttrPath) -> str:
    if path.uri is not None and path.uri.lower() != USER_SCHEMA.lower():
        return f"{path.uri}:{path}"
    return f"{path.attr}.{path.sub_attr}" if path.sub_attr else path.attr


def parse_filter(text: str | None) -> list[tuple[str, str]]:
    if text is None or not text.strip():
        return []
    try:
        node = ScimFilter(text).ast
    except (ValueError, SCIMException) as error:  # scim2-models' own refusal is a SCIMException
        raise ScimRefused(
            400, "invalidFilter", "The filter does not follow SCIM's filter syntax (RFC 7644,"
            " section 3.4.2.2)."
        ) from error  # fmt: skip
    return _equalities(node)


def _fields_of(text: str | None, fields: dict[str, str]) -> dict[str, str]:
    """The filter's `eq` terms, by the query field each attribute (any case) stands for."""
    wanted: dict[str, str] = {}
    for name, value in parse_filter(text):
        field = fields.get(name.lower())
        if field is None or wanted.get(field, value) != value:
            raise ScimRefused(400, "invalidFilter", f"Unsupported filter on {name}.")
        wanted[field] = value
    return wanted


def directory_query(text: str | None) -> DirectoryQuery:
    """`userName eq`, `externalId eq`, `emails[type eq "work"].value eq` (or `emails.value
    eq`), joined with `and`."""
    fields = {"username": "username", "externalid": "external_id", "emails.value": "email"}
    return DirectoryQuery(**_fields_of(text, fields))


def group_query(text: str | None) -> GroupQuery:
    fields = {"displayname": "display_name", "externalid": "external_id"}
    return GroupQuery(**_fields_of(text, fields))
