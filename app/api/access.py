"""Credentials and scopes: every route names the scope it needs; the caller's organization
scopes everything it touches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request

from app.api.problems import ApiProblem
from app.api.runtime import runtime_of
from app.domain.access import KEY_PREFIX, Scope, key_digest
from app.persistence.unit_of_work import unit_of_work
from app.services.context import Actor, UseCase

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rapport"'}


def _bearer_secret(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise ApiProblem(
            "unauthorized",
            "This operation needs a credential: send Authorization: Bearer <service key>.",
            headers=CHALLENGE,
        )
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(KEY_PREFIX):
        raise ApiProblem(
            "invalid_credential",
            "The Authorization header must be 'Bearer rpt_…'.",
            headers={"WWW-Authenticate": 'Bearer realm="rapport", error="invalid_token"'},
        )
    return secret


class Access:
    """A route's dependency: authenticate, check the scope, open the request's transaction."""

    def __init__(self, scope: Scope, *, write: bool) -> None:
        self.scope = scope
        self.write = write

    async def __call__(self, request: Request) -> AsyncIterator[UseCase]:
        digest = key_digest(_bearer_secret(request))
        runtime = runtime_of(request)
        async with unit_of_work(runtime.engine, write=self.write) as uow:
            key = runtime.keys.get(digest)
            if key is None:
                key = await uow.service_keys.find_active_by_digest(digest)
                if key is None:
                    raise ApiProblem(
                        "invalid_credential",
                        "This service key is unknown or has been revoked.",
                        headers={
                            "WWW-Authenticate": 'Bearer realm="rapport", error="invalid_token"'
                        },
                    )
                runtime.keys.put(key)
            if not key.grants(self.scope):
                raise ApiProblem(
                    "insufficient_scope",
                    f"This operation needs the scope {self.scope.value}.",
                    required_scope=self.scope.value,
                )
            yield UseCase(uow, Actor(org_id=key.org_id, key_id=key.id), runtime.clock())


def _use_case(scope: Scope, *, write: bool) -> Any:
    return Depends(Access(scope, write=write), scope="function")


# One alias per scope and mode: `uc: PeopleRead` in a route's signature.
PeopleRead = Annotated[UseCase, _use_case(Scope.PEOPLE_READ, write=False)]
PeopleWrite = Annotated[UseCase, _use_case(Scope.PEOPLE_WRITE, write=True)]
PairsRead = Annotated[UseCase, _use_case(Scope.PAIRS_READ, write=False)]
PairsWrite = Annotated[UseCase, _use_case(Scope.PAIRS_WRITE, write=True)]
MeetingsRead = Annotated[UseCase, _use_case(Scope.MEETINGS_READ, write=False)]
MeetingsWrite = Annotated[UseCase, _use_case(Scope.MEETINGS_WRITE, write=True)]
ContentRead = Annotated[UseCase, _use_case(Scope.CONTENT_READ, write=False)]
ContentWrite = Annotated[UseCase, _use_case(Scope.CONTENT_WRITE, write=True)]
PolicyWrite = Annotated[UseCase, _use_case(Scope.POLICY_WRITE, write=True)]
AdminRead = Annotated[UseCase, _use_case(Scope.ADMIN, write=False)]
AdminWrite = Annotated[UseCase, _use_case(Scope.ADMIN, write=True)]
