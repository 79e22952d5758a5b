"""The one request pipeline of every surface (REST, GraphQL, SCIM), as plain functions the
adapters call in order:

1. `authenticate`: who calls (a service key, with its scopes, or a person), admitted by the
   rate limits and named in the request's log line; in the request's transaction, or in a
   short one of its own for a surface that must know the caller before it reads the request;
2. `authorize`: the kind of caller and the scope the operation serves;
3. `open_transaction`: the request's transaction in the caller's organization, with its
   Idempotency-Key claimed (app.api.idempotency); what the request changed becomes events
   before it commits (app.services.outbox), and the webhook worker is woken after;
4. `finish`: the audit of a read. A change writes its own audit line in its transaction;
   a service key's read that returned content (the services say so:
   `ServiceContext.returns_content`) gets its line once it has succeeded, off the request path
   (app.services.read_audit).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from uuid import UUID

from starlette.requests import HTTPConnection

from app.api.idempotency import IdempotentRequest, request_transaction
from app.api.problems import ApiProblem
from app.api.request_log import note_caller
from app.api.runtime import Runtime
from app.domain.access import KEY_PREFIX, Scope, ServiceKey, key_digest
from app.domain.privacy import Caller
from app.domain.rate_limits import RateLimitSetting
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services import outbox, person_sign_in
from app.services.context import ServiceContext
from app.services.id_tokens import IdentityProviderUnavailable
from app.services.person_tokens import ExpiredToken, InvalidToken

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rapport"'}
INVALID = {"WWW-Authenticate": 'Bearer realm="rapport", error="invalid_token"'}
EXPIRED = {
    "WWW-Authenticate": 'Bearer realm="rapport", error="invalid_token",'
    ' error_description="The token has expired"'
}
PROVIDER_RETRY_SECONDS = 5


class Callers(Enum):
    """Which kinds of credential an operation serves."""

    ANY = "any"
    SERVICE_KEYS = "service_keys"
    PEOPLE = "people"


@dataclass(frozen=True, slots=True)
class AuditLine:
    """What the audit trail names of an operation: its id, its method and the ids it
    addressed."""

    operation: str
    method: str
    record_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who calls, and the request's instant."""

    caller: Caller
    now: datetime


async def identify(runtime: Runtime, connection: HTTPConnection) -> Identity:
    """Authentication alone, before the request is read: for a surface that tells strangers
    nothing (GraphQL parses no document of theirs)."""
    now = runtime.clock()
    return Identity(await authenticate(runtime, bearer_credential(connection), now), now)


def bearer_credential(connection: HTTPConnection) -> str:
    """The credential of `Authorization: Bearer …`."""
    header = connection.headers.get("authorization")
    if not header:
        raise ApiProblem(
            "unauthorized",
            "This operation needs a credential: Authorization: Bearer <service key or person"
            " token>.",
            headers=CHALLENGE,
        )
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise ApiProblem(
            "invalid_credential",
            "The Authorization header must be 'Bearer <credential>'.",
            headers=INVALID,
        )
    return credential


async def authenticate(
    runtime: Runtime, credential: str, now: datetime, uow: UnitOfWork | None = None
) -> Caller:
    """The caller a credential stands for, admitted by the rate limits. With `uow` (the
    request's transaction) it is checked there, and the transaction enters the caller's
    organization; without, in a short read transaction of its own (none for a service key
    the process has cached)."""
    if uow is not None:
        caller = await _caller(runtime, credential, now, uow)
    elif credential.startswith(KEY_PREFIX) and (
        cached := runtime.credentials.keys.get(key_digest(credential))
    ):
        caller = caller_of(cached)
    else:
        async with unit_of_work(runtime.engine, write=False) as own:
            caller = await _caller(runtime, credential, now, own)
            await admit(runtime, caller, own)
        return caller
    await admit(runtime, caller, uow)
    return caller


async def recheck(runtime: Runtime, credential: str, now: datetime) -> Caller:
    """Who a credential stands for now, for a live subscription before each delivery: the
    same checks as `authenticate` (a revoked key, a deactivated person, a revoked token
    fail), without counting a request against the rate limits (nobody asked for it)."""
    async with unit_of_work(runtime.engine, write=False) as own:
        return await _caller(runtime, credential, now, own)


def authorize(caller: Caller, scope: Scope | None, callers: Callers) -> None:
    """The operation serves this kind of caller, and a key holds its scope (a person is
    bound by the privacy contract instead, in the services). Operations for persons only
    (Callers.PEOPLE) are refused to keys by their service, on every surface."""
    if caller.key_id is not None:
        if scope is not None and not caller.grants(scope):
            raise ApiProblem(
                "insufficient_scope",
                f"This operation needs the scope {scope.value}.",
                required_scope=scope.value,
            )
    elif caller.person is not None and callers is Callers.SERVICE_KEYS:
        raise ApiProblem(
            "service_key_only",
            "This operation is for service keys; person tokens cannot use it.",
        )


class OpenTransaction:
    """The request's transaction, before and after the caller is known."""

    def __init__(self, uow: UnitOfWork, pending: IdempotentRequest | None, now: datetime):
        self.uow = uow
        self.now = now
        self._pending = pending
        self.service_context: ServiceContext | None = None

    async def begin(self, caller: Caller) -> ServiceContext:
        """The operation's use case, in the caller's organization, with the request's
        Idempotency-Key claimed (a replay or a key in use ends the request here)."""
        await self.uow.enter_organization(caller.org_id)
        if self._pending is not None:
            await self._pending.claim(self.uow, caller, self.now)
        self.service_context = ServiceContext(self.uow, caller, self.now)
        return self.service_context


@asynccontextmanager
async def open_transaction(
    runtime: Runtime, now: datetime, *, write: bool, pending: IdempotentRequest | None
) -> AsyncIterator[OpenTransaction]:
    """The request's transaction: what the operation changed becomes events before it
    commits; a write that carries an Idempotency-Key is held open for its stored answer
    (app.api.idempotency_middleware commits it)."""
    async with request_transaction(runtime.engine, pending, write=write) as uow:
        opened = OpenTransaction(uow, pending if write else None, now)
        yield opened
        published = opened.service_context is not None and await outbox.publish(
            opened.service_context, runtime.renderer
        )
    if published:
        runtime.webhooks.wake()


def finish(runtime: Runtime, service_context: ServiceContext, lines: Iterable[AuditLine]) -> None:
    """A read has succeeded: if a service key read content in it, its audit lines go to the
    trail (within about a second, app.services.read_audit)."""
    if service_context.caller.key_id is None or not service_context.returned_content:
        return
    for line in lines:
        runtime.read_audit.record(service_context, line.operation, line.method, line.record_ids)


@asynccontextmanager
async def read_again(
    runtime: Runtime, service_context: ServiceContext
) -> AsyncIterator[ServiceContext]:
    """A read transaction of its own for a caller already authenticated by this request:
    for a response that is read while it is sent (the request's own transaction has ended
    by then), in the caller's organization and at the request's instant."""
    async with unit_of_work(runtime.engine, write=False) as uow:
        await uow.enter_organization(service_context.org_id)
        yield ServiceContext(uow, service_context.caller, service_context.now)


async def _caller(runtime: Runtime, credential: str, now: datetime, uow: UnitOfWork) -> Caller:
    if credential.startswith(KEY_PREFIX):
        return caller_of(await _service_key(runtime, uow, credential))
    return await _person(runtime, uow, credential, now)


async def _service_key(runtime: Runtime, uow: UnitOfWork, secret: str) -> ServiceKey:
    """The key a secret stands for (from the process's cache, else the database); the
    transaction enters its organization."""
    digest = key_digest(secret)
    keys = runtime.credentials.keys
    key = keys.get(digest)
    if key is not None:
        await uow.enter_organization(key.org_id)
        return key
    key = await uow.service_keys.authenticate(digest)
    if key is None:
        raise ApiProblem(
            "invalid_credential",
            "This service key is unknown or has been revoked.",
            headers=INVALID,
        )
    keys.put(key)
    return key


def caller_of(key: ServiceKey) -> Caller:
    return Caller(org_id=key.org_id, key_id=key.id, scopes=key.scopes)


async def _person(runtime: Runtime, uow: UnitOfWork, token: str, now: datetime) -> Caller:
    """The person a token or ID token stands for; the transaction enters their organization."""
    try:
        signed_in = await person_sign_in.authenticate(uow, token, now, runtime.credentials)
    except ExpiredToken as error:
        raise ApiProblem("token_expired", str(error), headers=EXPIRED) from error
    except InvalidToken as error:
        raise ApiProblem(error.code, str(error), headers=INVALID) from error
    except IdentityProviderUnavailable as error:
        raise ApiProblem(
            "identity_provider_unavailable",
            "The organization's identity provider cannot be reached to verify this ID"
            " token; retry shortly.",
            headers={"Retry-After": str(PROVIDER_RETRY_SECONDS)},
        ) from error
    person = signed_in.person
    return Caller(org_id=person.org_id, person=person, person_token_key_id=signed_in.minting_key_id)


async def admit(runtime: Runtime, caller: Caller, uow: UnitOfWork | None = None) -> None:
    """Once the caller is known: the request's log line learns who calls, and the rate
    limits count the request, or a subscription over a WebSocket (app.api.rate_limiting;
    429 `rate_limited`). The organization's own budgets are read in the request's
    transaction, or in one of their own."""

    async def setting_of(org_id: UUID) -> RateLimitSetting:
        if uow is not None:
            return await uow.rate_limits.get(org_id)
        async with unit_of_work(runtime.engine, write=False) as own:
            await own.enter_organization(org_id)
            return await own.rate_limits.get(org_id)

    note_caller(caller)
    await runtime.rate_limiter.admit(caller, setting_of)
