"""Who a person credential is: a Rapport person token (HS256, minted by a service key) or
an ID token of the organization's OpenID Connect provider (asymmetric). The algorithm
decides which verification applies, and each accepts only its own algorithms, so neither
kind can be passed off as the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import jwt

from app.domain.access import Scope, ServiceKey
from app.domain.people import Person, Role
from app.domain.sign_in import ASYMMETRIC_ALGORITHMS, PersonClaim, SignIn
from app.persistence.unit_of_work import UnitOfWork
from app.services import id_tokens, person_tokens, sign_in_bindings
from app.services.credential_cache import KeyCache, SignInCache
from app.services.id_tokens import IdentityProviders
from app.services.person_tokens import InvalidToken, TokenClaims
from app.services.token_signing import SigningKeys


@dataclass(slots=True)
class Credentials:
    """What a process needs to verify credentials, with its caches."""

    keys: KeyCache
    sign_ins: SignInCache
    signing_keys: SigningKeys
    providers: IdentityProviders

    async def sign_in_of(self, uow: UnitOfWork, org_id: UUID) -> SignIn:
        sign_in = self.sign_ins.get(org_id)
        if sign_in is None:
            sign_in = await uow.sign_in.get(org_id)
            self.sign_ins.put(org_id, sign_in)
        return sign_in


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The active person a credential stands for, and the service key that minted it (a
    person token's; None for an ID token): what the person mints dies with that key too."""

    person: Person
    minting_key_id: UUID | None


async def authenticate(
    uow: UnitOfWork, credential: str, now: datetime, credentials: Credentials
) -> SignedIn:
    """Who a credential stands for; enters the person's organization."""
    try:
        header = jwt.get_unverified_header(credential)
    except jwt.PyJWTError as error:
        raise InvalidToken("The token is malformed.") from error
    algorithm = header.get("alg")
    if not isinstance(algorithm, str):
        raise InvalidToken("The token's header names no algorithm.")
    if algorithm == person_tokens.ALGORITHM:
        return await _person_token(uow, credential, header, now, credentials)
    if algorithm in ASYMMETRIC_ALGORITHMS:
        return SignedIn(await _id_token(uow, credential, header, now, credentials), None)
    raise InvalidToken(
        f"Person tokens are signed with {person_tokens.ALGORITHM}, ID tokens with an"
        " asymmetric algorithm; this token is neither."
    )


async def _person_token(
    uow: UnitOfWork, token: str, header: dict[str, Any], now: datetime, credentials: Credentials
) -> SignedIn:
    claims = await person_tokens.read(uow, token, header.get("kid"), credentials.signing_keys, now)
    await uow.enter_organization(claims.org_id)
    if not (await credentials.sign_in_of(uow, claims.org_id)).mints_tokens:
        raise InvalidToken(
            "This organization signs its people in through its OpenID Connect provider;"
            " person tokens are not accepted."
        )
    minter = await _minting_key(uow, claims, credentials.keys)
    person = _active(claims.org_id, await uow.people.get(claims.org_id, claims.person_id))
    # A token minted for a member who was promoted since is still bound by its key.
    if person.role is Role.ADMIN and not minter.grants(Scope.ADMIN):
        raise InvalidToken(
            "This token was minted by a key without the admin scope; it cannot act for an admin."
        )
    return SignedIn(person, minter.id)


async def _minting_key(uow: UnitOfWork, claims: TokenClaims, keys: KeyCache) -> ServiceKey:
    """Tokens die with the key that minted them (within the key cache time on every
    process, at once on the one that revoked it)."""
    key = keys.get_by_id(claims.key_id)
    if key is None:
        key = await uow.service_keys.get(claims.org_id, claims.key_id)
        if key is not None and key.revoked_at is None:
            keys.put(key)
    if key is None or key.revoked_at is not None or key.org_id != claims.org_id:
        raise InvalidToken("The service key that minted this token has been revoked.")
    return key


async def _id_token(
    uow: UnitOfWork, token: str, header: dict[str, Any], now: datetime, credentials: Credentials
) -> Person:
    """An ID token finds its organization by its (issuer, audience) pair, unique across
    organizations, and is then verified against that organization's settings alone. Its
    account's binding, not its claim, decides the person once that account has signed in
    (app.domain.sign_in_bindings)."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise InvalidToken("The ID token is malformed.") from error
    route = id_tokens.route_of(unverified)
    matches = await uow.sign_in.find_oidc(*route) if route is not None else []
    if len(matches) != 1:
        raise InvalidToken("No organization signs its people in with this issuer and audience.")
    sign_in = matches[0]
    await uow.enter_organization(sign_in.org_id)
    claims = await id_tokens.verify(token, header, sign_in, credentials.providers, now)
    reference = id_tokens.person_reference(claims, sign_in.person_claim)
    if sign_in.person_claim is PersonClaim.EXTERNAL_ID:
        claimed = await uow.people.find_by_external_id(sign_in.org_id, reference)
    else:
        claimed = await uow.people.find_by_email(sign_in.org_id, reference)
    account = id_tokens.account_of(claims)
    person_id = await sign_in_bindings.signing_in(uow, sign_in.org_id, account, claimed, now)
    person = claimed if claimed is not None and claimed.id == person_id else None
    if person is None and person_id is not None:
        # A bound account signs in as its person even when its claim names nobody or
        # someone else now (their email was changed since).
        person = await uow.people.get(sign_in.org_id, person_id)
    return _active(sign_in.org_id, person)


def _active(org_id: UUID, person: Person | None) -> Person:
    if person is None or not person.active or person.org_id != org_id:
        raise InvalidToken("The person of this token is deactivated or unknown.")
    return person
