"""The SCIM resources Rapport serves, declared with scim2-models: exactly the attributes it
stores, so `/Schemas` promises nothing that a client could write and lose."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

MAX_RESULTS = 200
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


class UserName(ComplexAttribute):
    given_name: str | None = None
    family_name: str | None = None


class UserEmail(ComplexAttribute):
    value: str | None = None


class Manager(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = None
    """The manager's `id`, or an identifier a provider knows them by (externalId, userName)
    before they are provisioned."""


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE)

    manager: Manager | None = None


class User(Resource[Any]):
    """A person of the organization."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: UserName | None = None
    # Always held by a person: a provider that leaves them out gets the defaults
    # (app.api.scim.shim), and they cannot be removed.
    display_name: Annotated[str | None, Required.true] = None
    timezone: Annotated[
        str | None,
        Required.true,
        Field(examples=["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"]),
    ] = None
    active: Annotated[bool | None, Required.true] = None
    emails: list[UserEmail] | None = None

    Name: ClassVar[type[ComplexAttribute]] = UserName
    Emails: ClassVar[type[ComplexAttribute]] = UserEmail


class GroupMember(ComplexAttribute):
    """A member is a user (groups do not nest)."""

    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference[User] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )


class Group(Resource[Any]):
    """A named set of people."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None

    Members: ClassVar[type[ComplexAttribute]] = GroupMember


FullUser = User[EnterpriseUser]  # type: ignore[type-arg]

# Attributes no schema here declares (a provider's title, phoneNumbers, password…) are
# accepted and dropped; Entra's PATCH forms are read as it means them.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Service key",
            description="Authorization: Bearer rpt_… — a Rapport service key with the scim"
            " scope; the key's organization is the directory.",
            primary=True,
        )
    ],
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Group],
    resource_types=[
        ResourceType.from_resource(FullUser),
        ResourceType.from_resource(Group),
    ],
    config=CONFIG,
    policy=POLICY,
)
