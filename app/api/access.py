"""REST's and SCIM's side of the request pipeline (app.api.pipeline): each route's
dependency names the scope a key needs and which callers it serves, and runs the pipeline
around the route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request

from app.api import pipeline
from app.api.idempotency import idempotent_request
from app.api.pipeline import AuditLine, Callers
from app.api.runtime import runtime_of
from app.domain.access import Scope
from app.services import audit
from app.services.context import ServiceContext


class Access:
    """A route's dependency: the request pipeline around the route. Authenticate in the
    request's transaction, authorize the kind of caller and the scope, run the route (for a
    write with an Idempotency-Key, as the key's operation: app.api.idempotency), audit the
    change before it commits, or the read of content once it has succeeded."""

    def __init__(self, scope: Scope | None, *, write: bool, callers: Callers = Callers.ANY):
        self.scope = scope
        self.write = write
        self.callers = callers

    async def __call__(self, request: Request) -> AsyncIterator[ServiceContext]:
        credential = pipeline.bearer_credential(request)
        runtime = runtime_of(request)
        now = runtime.clock()
        pending = idempotent_request(request.scope) if self.write else None
        async with pipeline.open_transaction(
            runtime, now, write=self.write, pending=pending
        ) as opened:
            caller = await pipeline.authenticate(runtime, credential, now, opened.uow)
            pipeline.authorize(caller, self.scope, self.callers)
            service_context = await opened.begin(caller)
            if pending is None:
                yield service_context
            else:
                async with pending.operation(opened.uow):
                    yield service_context
            if self.write:
                line = _audit_line(request)
                await audit.record(service_context, line.operation, line.method, line.record_ids)
        if not self.write:
            pipeline.finish(runtime, service_context, [_audit_line(request)])


def _audit_line(request: Request) -> AuditLine:
    """The operation id, the method and the ids in the path."""
    route = request.scope.get("route")
    operation = str(getattr(route, "operation_id", None) or request.url.path)
    return AuditLine(operation, request.method, dict(request.path_params))


def _use_case(scope: Scope | None, *, write: bool, callers: Callers = Callers.ANY) -> Any:
    return Depends(Access(scope, write=write, callers=callers), scope="function")


# One alias per scope and mode: `ctx: PeopleRead` in a route's signature. Person tokens are
# served by all of them except the key-only ones; for persons the privacy contract decides.
PeopleRead = Annotated[ServiceContext, _use_case(Scope.PEOPLE_READ, write=False)]
PeopleWrite = Annotated[ServiceContext, _use_case(Scope.PEOPLE_WRITE, write=True)]
PairsRead = Annotated[ServiceContext, _use_case(Scope.PAIRS_READ, write=False)]
PairsWrite = Annotated[ServiceContext, _use_case(Scope.PAIRS_WRITE, write=True)]
MeetingsRead = Annotated[ServiceContext, _use_case(Scope.MEETINGS_READ, write=False)]
MeetingsWrite = Annotated[ServiceContext, _use_case(Scope.MEETINGS_WRITE, write=True)]
ContentRead = Annotated[ServiceContext, _use_case(Scope.CONTENT_READ, write=False)]
ContentWrite = Annotated[ServiceContext, _use_case(Scope.CONTENT_WRITE, write=True)]
MetricsRead = Annotated[ServiceContext, _use_case(Scope.METRICS_READ, write=False)]
PolicyWrite = Annotated[ServiceContext, _use_case(Scope.POLICY_WRITE, write=True)]
AdminRead = Annotated[
    ServiceContext, _use_case(Scope.ADMIN, write=False, callers=Callers.SERVICE_KEYS)
]
AdminWrite = Annotated[
    ServiceContext, _use_case(Scope.ADMIN, write=True, callers=Callers.SERVICE_KEYS)
]
TokensWrite = Annotated[
    ServiceContext, _use_case(Scope.TOKENS_WRITE, write=True, callers=Callers.SERVICE_KEYS)
]
AuditRead = Annotated[
    ServiceContext, _use_case(Scope.ADMIN, write=False, callers=Callers.SERVICE_KEYS)
]
# A person for themselves, or an admin key for anyone (app.domain.privacy).
CalendarTokenWrite = Annotated[ServiceContext, _use_case(Scope.ADMIN, write=True)]
AnyCaller = Annotated[ServiceContext, _use_case(None, write=False)]
PersonRead = Annotated[ServiceContext, _use_case(None, write=False, callers=Callers.PEOPLE)]
# Webhook endpoints and the events feed: service keys with the webhooks scope.
WebhooksRead = Annotated[
    ServiceContext, _use_case(Scope.WEBHOOKS, write=False, callers=Callers.SERVICE_KEYS)
]
WebhooksWrite = Annotated[
    ServiceContext, _use_case(Scope.WEBHOOKS, write=True, callers=Callers.SERVICE_KEYS)
]
# SCIM: service keys with the scim scope; the key's organization is the directory.
ScimRead = Annotated[
    ServiceContext, _use_case(Scope.SCIM, write=False, callers=Callers.SERVICE_KEYS)
]
ScimWrite = Annotated[
    ServiceContext, _use_case(Scope.SCIM, write=True, callers=Callers.SERVICE_KEYS)
]
