"""Sign-in settings models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict, Field

from app.api.schemas.common import Input, Output, sent, text_rules
from app.domain.sign_in import PersonClaim, SignInMode

# The issuer and the audience are indexed together (unique across organizations): their
# maxima keep the longest pair within PostgreSQL's index row size, even in 4-byte UTF-8.
Issuer = Annotated[str, text_rules(min_length=1, max_length=300)]


class SignInIn(Input):
    """`oidc` needs issuer, audience and jwks_url."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"mode": {"const": SignInMode.TOKENS.value}}},
                sent("issuer", "audience", "jwks_url"),
            ]
        }
    )

    mode: SignInMode = Field(
        description="`tokens`: service keys with tokens:write mint person tokens. `oidc`:"
        " people sign in with ID tokens of the organization's OpenID Connect provider,"
        " verified by Rapport; minting is off and minted tokens are refused."
    )
    issuer: Issuer | None = Field(
        default=None,
        description="The provider's issuer identifier (the ID token's `iss`): an https URL"
        " of a public host, without query or fragment (`unsafe_provider_url`).",
    )
    audience: Annotated[str, text_rules(min_length=1, max_length=255)] | None = Field(
        default=None,
        description="The client id registered at the provider (the ID token's `aud`);"
        " an (issuer, audience) pair serves one organization.",
    )
    jwks_url: Annotated[str, text_rules(min_length=1, max_length=2000)] | None = Field(
        default=None,
        description="https URL of the provider's JSON Web Key Set, on a public host"
        " (`unsafe_provider_url`).",
    )
    person_claim: PersonClaim = Field(
        default=PersonClaim.EMAIL,
        description="`email`: the `email` claim names the person; `external_id`: the `sub`"
        " claim is the person's `external_id`.",
    )


class SignInOut(Output):
    mode: SignInMode
    issuer: str | None
    audience: str | None
    jwks_url: str | None
    person_claim: PersonClaim


class SignInBindingOut(Output):
    """The identity provider account a person signs in with, pinned at their first sign-in
    at that issuer; no secret (`sub` is the provider's identifier of the account)."""

    id: UUID
    person_id: UUID
    issuer: str = Field(description="The issuer (`iss`) of the ID token that bound the person.")
    subject: str = Field(description="The account's subject identifier (`sub`) at the issuer.")
    bound_at: datetime = Field(description="When that account first signed in as the person.")
