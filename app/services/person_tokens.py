"""Person tokens: short-lived signed tokens with which a front end acts for one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import jwt

from app.domain.errors import InvalidInput
from app.domain.people import Person
from app.services import lookups
from app.services.context import UseCase, new_id

ALGORITHM = "HS256"
TOKEN_TYPE = "person"
REQUIRED_CLAIMS = ["sub", "org", "iat", "exp", "typ"]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    person: Person


@dataclass(frozen=True, slots=True)
class TokenClaims:
    org_id: UUID
    person_id: UUID


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why, without echoing it."""


async def issue(uc: UseCase, secret: str, *, person_id: UUID, ttl_seconds: int) -> IssuedToken:
    """Sign a token for an active person of the key's organization."""
    person = await lookups.referenced_person(uc, person_id, "person_id")
    if not person.active:
        raise InvalidInput(
            "person_id names a deactivated person; tokens are for active people.",
            code="person_inactive",
            field="person_id",
        )
    expires_at = uc.now + timedelta(seconds=ttl_seconds)
    claims = {
        "sub": str(person.id),
        "org": str(uc.org_id),
        "typ": TOKEN_TYPE,
        "iat": int(uc.now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": new_id().hex,
    }
    return IssuedToken(jwt.encode(claims, secret, algorithm=ALGORITHM), expires_at, person)


def read(token: str, secret: str, now: datetime) -> TokenClaims:
    """Verify the signature with the one accepted algorithm, then the claims (the expiry
    against the service's clock)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidToken("The token is malformed.") from error
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"Tokens are signed with {ALGORITHM}; this one is not.")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": REQUIRED_CLAIMS},
        )
    except jwt.InvalidSignatureError as error:
        raise InvalidToken("The token's signature does not verify.") from error
    except jwt.PyJWTError as error:
        raise InvalidToken("The token is malformed or lacks required claims.") from error
    if claims["typ"] != TOKEN_TYPE:
        raise InvalidToken("This is not a person token.")
    if not isinstance(claims["exp"], int) or claims["exp"] <= now.timestamp():
        raise InvalidToken("The token has expired; mint a new one.")
    try:
        return TokenClaims(UUID(str(claims["org"])), UUID(str(claims["sub"])))
    except ValueError as error:
        raise InvalidToken("The token's subject is malformed.") from error
