"""Person tokens: short-lived signed tokens with which a front end acts for one person.

Minting is the power to act as people, so it is bounded (privacy contract, rule 5): only
for organizations that sign in with person tokens, for an admin person only by an admin
key, and a token names the key that minted it so that it dies with that key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from app.domain.access import MAX_CLOCK_SKEW_SECONDS, MAX_TOKEN_TTL_SECONDS
from app.domain.errors import Forbidden, InvalidInput
from app.domain.people import Person, Role
from app.services import visible_records
from app.services.context import ServiceContext, new_id
from app.services.ports.unit_of_work import UnitOfWork
from app.services.token_signing import SigningKeys

ALGORITHM = "HS256"
TOKEN_TYPE = "person"
REQUIRED_CLAIMS = ["sub", "org", "key", "iat", "exp", "typ"]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    person: Person


@dataclass(frozen=True, slots=True)
class TokenClaims:
    org_id: UUID
    person_id: UUID
    key_id: UUID


class InvalidToken(Exception):
    """The credential cannot be trusted; the message says why, without echoing it."""

    code = "invalid_credential"


class ExpiredToken(InvalidToken):
    """The credential was good and has expired: the client should get a new one."""

    code = "token_expired"


async def issue(
    ctx: ServiceContext, signing_keys: SigningKeys, *, person_id: UUID, ttl_seconds: int
) -> IssuedToken:
    """Sign a token for an active person of the key's organization."""
    if ctx.caller.key_id is None:
        raise TypeError("person tokens are minted by service keys")
    if not (await ctx.uow.sign_in.get(ctx.org_id)).mints_tokens:
        raise Forbidden(
            "This organization signs its people in through its OpenID Connect provider;"
            " no service key can mint person tokens for it.",
            code="oidc_sign_in_only",
        )
    person = await visible_records.referenced_person(ctx, person_id, "person_id")
    if not person.active:
        raise InvalidInput(
            "person_id names a deactivated person; tokens are for active people.",
            code="person_inactive",
            field="person_id",
        )
    if person.role is Role.ADMIN and not ctx.caller.key_is_admin:
        raise Forbidden(
            "person_id names an admin; only a service key with the admin scope can mint a"
            " token for an admin.",
            code="admin_token_needs_admin_key",
        )
    kid, key = await signing_keys.signing(ctx.uow)
    expires_at = ctx.now + timedelta(seconds=ttl_seconds)
    claims = {
        "sub": str(person.id),
        "org": str(ctx.org_id),
        "key": str(ctx.caller.key_id),
        "typ": TOKEN_TYPE,
        "iat": int(ctx.now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": new_id().hex,
    }
    token = jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})
    return IssuedToken(token, expires_at, person)


def check_lifetime(claims: dict[str, Any], now: datetime, *, max_lifetime: int | None) -> None:
    """`iat` and `exp` are whole seconds; `iat` is not ahead of the service's clock by more
    than the skew; the token has not expired; its lifetime is within the maximum."""
    issued, expires = claims.get("iat"), claims.get("exp")
    if type(issued) is not int or type(expires) is not int:  # bool is not a time either
        raise InvalidToken("The token's iat and exp must be whole seconds.")
    if issued > now.timestamp() + MAX_CLOCK_SKEW_SECONDS:
        raise InvalidToken("The token claims to be issued in the future.")
    if max_lifetime is not None and expires - issued > max_lifetime:
        raise InvalidToken(f"The token's lifetime exceeds {max_lifetime} seconds.")
    if expires <= now.timestamp():
        raise ExpiredToken("The token has expired; get a new one.")


async def read(
    uow: UnitOfWork, token: str, kid: object, signing_keys: SigningKeys, now: datetime
) -> TokenClaims:
    """Verify the signature with the key of the generation the header names (HS256 only),
    then the claims against the service's clock."""
    key = None
    if isinstance(kid, str):
        key = await signing_keys.verifying(uow, kid, now)
    if key is None:
        raise InvalidToken(
            "The token names no signing key this service accepts (unknown or retired)."
        )
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": REQUIRED_CLAIMS},
        )
    except jwt.InvalidSignatureError as error:
        raise InvalidToken("The token's signature does not verify.") from error
    except jwt.PyJWTError as error:
        raise InvalidToken("The token is malformed or lacks required claims.") from error
    if claims["typ"] != TOKEN_TYPE:
        raise InvalidToken("This is not a person token.")
    check_lifetime(claims, now, max_lifetime=MAX_TOKEN_TTL_SECONDS)
    try:
        return TokenClaims(
            UUID(str(claims["org"])), UUID(str(claims["sub"])), UUID(str(claims["key"]))
        )
    except ValueError as error:
        raise InvalidToken("The token's subject is malformed.") from error
