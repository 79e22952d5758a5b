"""Credentials: service keys (scopes) and person tokens (the privacy contract). Every route
names the scope a key needs and which callers it serves; the caller's organization scopes
everything it touches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from app.api.problems import ApiProblem
from app.api.request_log import note_caller
from app.api.runtime import Runtime, runtime_of
from app.domain.access import KEY_PREFIX, Scope, ServiceKey, key_digest
from app.domain.privacy import Caller
from app.domain.rate_limits import RateLimitSetting
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services import audit, outbox, person_sign_in
from app.services.context import UseCase
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


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization")
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


class Access:
    """A route's dependency: authenticate, authorize the kind of caller and the scope, and
    open the request's transaction; what the request changed becomes events before it
    commits (app.services.outbox)."""

    def __init__(self, scope: Scope | None, *, write: bool, callers: Callers = Callers.ANY):
        self.scope = scope
        self.write = write
        self.callers = callers

    async def __call__(self, request: Request) -> AsyncIterator[UseCase]:
        credential = _bearer(request)
        runtime = runtime_of(request)
        now = runtime.clock()
        async with unit_of_work(runtime.engine, write=self.write) as uow:
            if credential.startswith(KEY_PREFIX):
                caller = await self._service_key(runtime, uow, credential)
            else:
                caller = await self._person(runtime, uow, credential, now)
            await admit(runtime, caller, uow)
            use_case = UseCase(uow, caller, now)
            yield use_case
            audited = self._audited(caller)
            if audited and self.write:
                await audit.record(use_case, *_audit_line(request))
            published = await outbox.publish(use_case, runtime.renderer)
        if audited and not self.write:
            runtime.read_audit.record(use_case, *_audit_line(request))
        if published:
            runtime.webhooks.wake()

    def _audited(self, caller: Caller) -> bool:
        """Every change, and every read of content by a service key, goes to the audit
        trail: a change in its own transaction, a read once it succeeded (off the request
        path, app.services.read_audit)."""
        reads_content = self.scope is Scope.CONTENT_READ or (
            self.scope is Scope.MEETINGS_READ and caller.key_reads_content  # follow-up
        )
        return self.write or (caller.key_id is not None and reads_content)

    async def _service_key(self, runtime: Runtime, uow: UnitOfWork, secret: str) -> Caller:
        key = await service_key(runtime, uow, secret)
        if self.callers is Callers.PEOPLE:
            raise ApiProblem(
                "person_token_only",
                "This operation acts for a signed-in person: call it with a person token.",
            )
        if self.scope is not None and not key.grants(self.scope):
            raise ApiProblem(
                "insufficient_scope",
                f"This operation needs the scope {self.scope.value}.",
                required_scope=self.scope.value,
            )
        return caller_of(key)

    async def _person(self, runtime: Runtime, uow: UnitOfWork, token: str, now: datetime) -> Caller:
        caller = await person_caller(runtime, uow, token, now)
        if self.callers is Callers.SERVICE_KEYS:
            raise ApiProblem(
                "service_key_only",
                "This operation is for service keys; person tokens cannot use it.",
            )
        return caller


async def service_key(runtime: Runtime, uow: UnitOfWork, secret: str) -> ServiceKey:
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
    return Caller(
        org_id=key.org_id,
        key_id=key.id,
        key_reads_content=key.grants(Scope.CONTENT_READ),
        key_is_admin=key.grants(Scope.ADMIN),
    )


async def person_caller(runtime: Runtime, uow: UnitOfWork, token: str, now: datetime) -> Caller:
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


@dataclass(frozen=True, slots=True)
class Identity:
    """Who calls: the caller, its service key (None for a person), and the request's
    instant."""

    caller: Caller
    key: ServiceKey | None
    now: datetime


async def identify(request: Request) -> Identity:
    """The credential check alone, in a short read transaction of its own (none for a key
    the process has cached): for a surface that must know who calls before it reads the
    request (GraphQL tells nothing of its schema to strangers)."""
    credential = _bearer(request)
    runtime = runtime_of(request)
    now = runtime.clock()
    if credential.startswith(KEY_PREFIX):
        key = runtime.credentials.keys.get(key_digest(credential))
        if key is None:
            async with unit_of_work(runtime.engine, write=False) as uow:
                key = await service_key(runtime, uow, credential)
        caller = caller_of(key)
        await admit(runtime, caller, None)
        return Identity(caller, key, now)
    async with unit_of_work(runtime.engine, write=False) as uow:
        caller = await person_caller(runtime, uow, credential, now)
        await admit(runtime, caller, uow)
    return Identity(caller, None, now)


async def admit(runtime: Runtime, caller: Caller, uow: UnitOfWork | None) -> None:
    """Every surface, once the caller is known: the request's log line learns who calls,
    and the rate limits count the request (app.api.rate_limiting). The organization's own
    budgets are read in the request's transaction, or in one of their own."""

    async def setting_of(org_id: UUID) -> RateLimitSetting:
        if uow is not None:
            return await uow.rate_limits.get(org_id)
        async with unit_of_work(runtime.engine, write=False) as own:
            await own.enter_organization(org_id)
            return await own.rate_limits.get(org_id)

    note_caller(caller)
    await runtime.rate_limiter.admit(caller, setting_of)


@asynccontextmanager
async def read_again(request: Request, uc: UseCase) -> AsyncIterator[UseCase]:
    """A read transaction of its own for a caller already authenticated by this request:
    for a response that is read while it is sent (the request's own transaction has ended
    by then), in the caller's organization and at the request's instant."""
    async with unit_of_work(runtime_of(request).engine, write=False) as uow:
        await uow.enter_organization(uc.org_id)
        yield UseCase(uow, uc.caller, uc.now)


def _audit_line(request: Request) -> tuple[str, str, dict[str, str]]:
    """The operation id, the method and the ids in the path."""
    route = request.scope.get("route")
    operation = str(getattr(route, "operation_id", None) or request.url.path)
    return operation, request.method, dict(request.path_params)


def _use_case(scope: Scope | None, *, write: bool, callers: Callers = Callers.ANY) -> Any:
    return Depends(Access(scope, write=write, callers=callers), scope="function")


# One alias per scope and mode: `uc: PeopleRead` in a route's signature. Person tokens are
# served by all of them except the key-only ones; for persons the privacy contract decides.
PeopleRead = Annotated[UseCase, _use_case(Scope.PEOPLE_READ, write=False)]
PeopleWrite = Annotated[UseCase, _use_case(Scope.PEOPLE_WRITE, write=True)]
PairsRead = Annotated[UseCase, _use_case(Scope.PAIRS_READ, write=False)]
PairsWrite = Annotated[UseCase, _use_case(Scope.PAIRS_WRITE, write=True)]
MeetingsRead = Annotated[UseCase, _use_case(Scope.MEETINGS_READ, write=False)]
MeetingsWrite = Annotated[UseCase, _use_case(Scope.MEETINGS_WRITE, write=True)]
ContentRead = Annotated[UseCase, _use_case(Scope.CONTENT_READ, write=False)]
ContentWrite = Annotated[UseCase, _use_case(Scope.CONTENT_WRITE, write=True)]
MetricsRead = Annotated[UseCase, _use_case(Scope.METRICS_READ, write=False)]
PolicyWrite = Annotated[UseCase, _use_case(Scope.POLICY_WRITE, write=True)]
AdminRead = Annotated[UseCase, _use_case(Scope.ADMIN, write=False, callers=Callers.SERVICE_KEYS)]
AdminWrite = Annotated[UseCase, _use_case(Scope.ADMIN, write=True, callers=Callers.SERVICE_KEYS)]
TokensWrite = Annotated[
    UseCase, _use_case(Scope.TOKENS_WRITE, write=True, callers=Callers.SERVICE_KEYS)
]
AuditRead = Annotated[UseCase, _use_case(Scope.ADMIN, write=False, callers=Callers.SERVICE_KEYS)]
# A person for themselves, or an admin key for anyone (app.domain.privacy).
CalendarTokenWrite = Annotated[UseCase, _use_case(Scope.ADMIN, write=True)]
AnyCaller = Annotated[UseCase, _use_case(None, write=False)]
PersonRead = Annotated[UseCase, _use_case(None, write=False, callers=Callers.PEOPLE)]
# Webhook endpoints and the events feed: service keys with the webhooks scope.
WebhooksRead = Annotated[
    UseCase, _use_case(Scope.WEBHOOKS, write=False, callers=Callers.SERVICE_KEYS)
]
WebhooksWrite = Annotated[
    UseCase, _use_case(Scope.WEBHOOKS, write=True, callers=Callers.SERVICE_KEYS)
]
# SCIM: service keys with the scim scope; the key's organization is the directory.
ScimRead = Annotated[UseCase, _use_case(Scope.SCIM, write=False, callers=Callers.SERVICE_KEYS)]
ScimWrite = Annotated[UseCase, _use_case(Scope.SCIM, write=True, callers=Callers.SERVICE_KEYS)]
