"""A person pinned to the identity provider account that first signed in as them.

An ID token names its person by a claim (`email`, or `sub` as `external_id`) that keys with
`people:write`, `scim` or `admin` can change. Without a pin, such a key could point a
person's email at an account its holder controls and sign in as them (privacy contract,
rule 5). With it, the account `(iss, sub)` that first signed in as a person is the only one
that ever does, and it keeps signing in as them, whatever later happens to their email or
external_id, until an admin key removes the binding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

# OpenID Connect Core 2: `sub` is at most 255 ASCII characters; the issuer is as long as
# the sign-in settings allow.
MAX_SUBJECT_LENGTH = 255


@dataclass(frozen=True, slots=True)
class SignInBinding:
    id: UUID
    org_id: UUID
    person_id: UUID
    issuer: str
    subject: str
    bound_at: datetime


class Verdict(StrEnum):
    """What the bindings say about an account signing in."""

    BOUND = "bound"  # the account is bound: it signs in as its person, whatever the claim
    BIND = "bind"  # neither is bound: the account binds to the person its claim names
    OTHER_ACCOUNT = "other_account"  # the person the claim names is bound to another account


def verdict(of_account: SignInBinding | None, of_claimed: SignInBinding | None) -> Verdict:
    """`of_account`: the binding of the token's `(iss, sub)`; `of_claimed`: the binding at
    that issuer of the person its claim names. A provider never reassigns a `sub` (OpenID
    Connect Core 2), so a bound account is its person for good and the claim only finds a
    person for an account that has never signed in; a person, once bound, is signed in by
    their account alone."""
    if of_account is not None:
        return Verdict.BOUND
    if of_claimed is not None:
        return Verdict.OTHER_ACCOUNT
    return Verdict.BIND
