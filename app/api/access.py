"""Credentials: service keys (scopes) and person tokens (the privacy contract). Every route
names the scope a key needs and which callers it serves; the caller's organization scopes
everything it touches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import Enum
from typing import Annotated, Any

from fastapi import Depends, Request

from app.api.problems import ApiProblem
from app.api.runtime import Runtime, runtime_of
from app.domain.access import KEY_PREFIX, Scope, key_digest
from app.domain.privacy import Caller
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services import audit, person_tokens
from app.services.context import UseCase

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rapport"'}
INVALID = {"WWW-Authenticate": 'Bearer realm="rapport", error="invalid_token"'}


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
    open the request's transaction."""

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
            use_case = UseCase(uow, caller, now)
            yield use_case
            if self._audited(caller):
                if not self.write:
                    await uow.relax_durability()
                await audit.record(
                    use_case, _operation_id(request), request.method, dict(request.path_params)
                )

    def _audited(self, caller: Caller) -> bool:
        """Every change, and every read of content by a service key, goes to the audit
        trail (in the same transaction as the change)."""
        reads_content = self.scope is Scope.CONTENT_READ or (
            self.scope is Scope.MEETINGS_READ and caller.key_reads_content  # follow-up
        )
        return self.write or (caller.key_id is not None and reads_content)

    async def _service_key(self, runtime: Runtime, uow: UnitOfWork, secret: str) -> Caller:
        digest = key_digest(secret)
        key = runtime.keys.get(digest)
        if key is not None:
            await uow.enter_organization(key.org_id)
        else:
            key = await uow.service_keys.authenticate(digest)
            if key is None:
                raise ApiProblem(
                    "invalid_credential",
                    "This service key is unknown or has been revoked.",
                    headers=INVALID,
                )
            runtime.keys.put(key)
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
        return Caller(
            org_id=key.org_id, key_id=key.id, key_reads_content=key.grants(Scope.CONTENT_READ)
        )

    async def _person(self, runtime: Runtime, uow: UnitOfWork, token: str, now: Any) -> Caller:
        try:
            claims = person_tokens.read(token, runtime.settings.signing_secret(), now)
        except person_tokens.InvalidToken as error:
            raise ApiProblem("invalid_credential", str(error), headers=INVALID) from error
        await uow.enter_organization(claims.org_id)
        person = await uow.people.get(claims.org_id, claims.person_id)
        if person is None or not person.active:
            raise ApiProblem(
                "invalid_credential",
                "The person of this token is deactivated or unknown.",
                headers=INVALID,
            )
        if self.callers is Callers.SERVICE_KEYS:
            raise ApiProblem(
                "service_key_only",
                "This operation is for service keys; person tokens cannot use it.",
            )
        return Caller(org_id=person.org_id, person=person)


@asynccontextmanager
async def read_again(request: Request, uc: UseCase) -> AsyncIterator[UseCase]:
    """A read transaction of its own for a caller already authenticated by this request:
    for a response that is read while it is sent (the request's own transaction has ended
    by then), in the caller's organization and at the request's instant."""
    async with unit_of_work(runtime_of(request).engine, write=False) as uow:
        await uow.enter_organization(uc.org_id)
        yield UseCase(uow, uc.caller, uc.now)


def _operation_id(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "operation_id", None) or request.url.path)


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
AnyCaller = Annotated[UseCase, _use_case(None, write=False)]
PersonRead = Annotated[UseCase, _use_case(None, write=False, callers=Callers.PEOPLE)]
# SCIM: service keys with the scim scope; the key's organization is the directory.
ScimRead = Annotated[UseCase, _use_case(Scope.SCIM, write=False, callers=Callers.SERVICE_KEYS)]
ScimWrite = Annotated[UseCase, _use_case(Scope.SCIM, write=True, callers=Callers.SERVICE_KEYS)]
