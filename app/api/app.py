"""The FastAPI application: routers, problem handlers and the committed contract's shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine

from app import measurements, safe_logging
from app.api import prometheus
from app.api.access import Access
from app.api.body_limit import BodyLimit
from app.api.docs_pages import install_docs_pages
from app.api.graphql.router import install_graphql
from app.api.idempotency import (
    IDEMPOTENCY_PROBLEMS,
    KEY_HEADER,
    KEY_PATTERN,
    REPLAYED_HEADER,
)
from app.api.idempotency_middleware import install_idempotency
from app.api.operations import router as operations_router
from app.api.pipeline import Callers
from app.api.problems import (
    REQUEST_ID_HEADER,
    Problem,
    declare_problems,
    install_problem_handlers,
    new_request_id,
    problem_responses,
)
from app.api.rate_limiting import RateLimiter
from app.api.request_log import RequestObserver
from app.api.rest.entity_tags import ETAG
from app.api.rest.event_data import RestRenderer
from app.api.rest.routers import access as access_routes
from app.api.rest.routers import (
    agenda,
    calendar,
    commitments,
    directory,
    events,
    meetings,
    metrics,
    notes,
    pairs,
    people,
    policy,
    rate_limits,
    service_keys,
    sign_in,
    templates,
    webhooks,
)
from app.api.rest.routers import audit as audit_routes
from app.api.runtime import Runtime, credentials_for
from app.api.scim import scim_routers
from app.api.scim.errors import scim_answer
from app.api.scim.http import PREFIX as SCIM_PREFIX
from app.api.strict_inputs import strict_inputs
from app.api.web_app import install_web_app
from app.domain.clock import Clock, system_clock
from app.persistence.database import create_engine
from app.persistence.instrumentation import instrument
from app.persistence.live_listen import LocalListener, PostgresListener
from app.services.live import LiveHub, LiveLimits
from app.services.read_audit import ReadAuditLog
from app.services.scheduler import Scheduler
from app.services.webhook_delivery import WebhookWorker
from app.services.webhook_endpoints import UrlPolicy
from app.settings import Settings, get_settings

ROUTERS = (
    operations_router,
    *(
        module.router
        for module in (
            people,
            pairs,
            meetings,
            metrics,
            agenda,
            notes,
            commitments,
            templates,
            policy,
            service_keys,
            access_routes,
            audit_routes,
            sign_in,
            directory,
            rate_limits,
            calendar,
            webhooks,
            events,
        )
    ),
    webhooks.deliveries_router,
)


def api_routes() -> list[APIRoute]:
    """Every operation of the app, flat (the route table that tests and the docs walk)."""
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> FastAPI:
    """Build the app; the engine is created on startup and disposed on shutdown."""
    settings = settings or get_settings()
    settings.check_production_ready()
    safe_logging.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = serving_engine(settings)
        instrument(engine, measurements.connections_in_use)
        read_audit = ReadAuditLog(engine)
        webhooks = WebhookWorker(
            engine, clock, UrlPolicy(allow_private=settings.webhooks_allow_private)
        )
        scheduler = Scheduler(engine, clock, RestRenderer(), webhooks.wake)
        live = LiveHub(
            live_listener(settings, engine),
            LiveLimits(settings.live_subscriptions_per_person, settings.live_queue_size),
            on_events=webhooks.wake,
        )
        app.state.runtime = Runtime(
            settings,
            engine,
            clock,
            credentials_for(settings),
            read_audit,
            RateLimiter(settings),
            webhooks,
            scheduler,
            live,
        )
        await live.start()
        read_audit.start()
        if settings.webhook_delivery != "elsewhere":  # `rapport serve`: see app.cli.running
            webhooks.start()
        scheduler.start()
        try:
            yield
        finally:
            await live.stop()
            await scheduler.stop()
            await webhooks.stop()
            await read_audit.stop()
            await engine.dispose()

    app = FastAPI(
        title="Rapport",
        version="1.0.0",
        summary="An API-first backend for one-on-one meetings.",
        description=(
            "People, pairs, meetings, agenda items, notes and commitments, with cadence rules"
            " enforced. Errors are RFC 9457 problems with a stable `code`."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_docs_pages(app)
    install_idempotency(app)  # innermost: it holds answers back, bounded by the body limit
    app.add_middleware(BodyLimit, max_bytes=settings.http_max_body_bytes)
    app.add_middleware(RequestObserver)
    # Outermost: the request id exists before anything else runs, and every answer has it.
    app.add_middleware(
        CorrelationIdMiddleware, header_name=REQUEST_ID_HEADER, generator=new_request_id
    )
    app.include_router(prometheus.router)
    install_problem_handlers(app, {SCIM_PREFIX: scim_answer})
    install_graphql(app, settings)  # first: see there
    for router in ROUTERS:
        # Health checks answer whatever a prober appends; the API refuses what it ignores.
        strict = [] if router is operations_router else [Depends(strict_inputs)]
        app.include_router(router, dependencies=strict)
    for router in scim_routers():
        app.include_router(router)
    install_web_app(app)
    app.state.api_routes = api_routes()
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def serving_engine(settings: Settings) -> AsyncEngine:
    """The engine of a serving process (and of the delivery process), per the settings."""
    return create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        overflow=0,
        pool_wait=settings.db_pool_wait_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
        statement_timeout=settings.db_statement_timeout_seconds,
        prepared_statements=settings.db_prepared_statements,
    )


def live_listener(settings: Settings, engine: AsyncEngine) -> LocalListener | PostgresListener:
    """PostgreSQL: a LISTENing connection of its own; SQLite: in-process."""
    if engine.dialect.name == "sqlite":
        return LocalListener(engine)
    return PostgresListener(
        engine,
        settings.live_database_url or settings.database_url,
        ping_seconds=settings.live_ping_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
    )


def required_scope(route: APIRoute) -> Access | None:
    """The Access dependency of a route, if it has one."""
    for dependency in route.dependant.dependencies:
        if isinstance(dependency.call, Access):
            return dependency.call
    return None


def _security(access: Access) -> list[dict[str, list[str]]]:
    key = {"serviceKey": [access.scope.value] if access.scope is not None else []}
    person: dict[str, list[str]] = {"personToken": []}
    if access.callers is Callers.SERVICE_KEYS:
        return [key]
    if access.callers is Callers.PEOPLE:
        return [person]
    return [key, person]


RESPONSE_HEADERS = {
    "X-Request-ID": "The request's id (the client's UUID, else a new one); problems repeat it.",
    "RateLimit-Policy": 'The budgets that apply: `"key";q=100;w=1, "organization";q=6000;w=60`'
    " (requests `q` per `w` seconds).",
    "RateLimit": 'Where each budget stands: `"key";r=57;t=1, …` (`r` requests remain, the'
    " window ends in `t` seconds).",
}


def _declare_headers(operation: dict[str, Any]) -> None:
    """Every answer of an authenticated operation carries the request id and the rate-limit
    headers; a 429 says when to retry, a 412 the record's current ETag."""
    for status, response in operation["responses"].items():
        headers = response.setdefault("headers", {})
        for name, description in RESPONSE_HEADERS.items():
            headers[name] = {"description": description, "schema": {"type": "string"}}
        if status == "429":
            headers["Retry-After"] = {
                "description": "Seconds until the spent budget has room again.",
                "schema": {"type": "integer"},
            }
        if status == "412":
            headers[ETAG] = {
                "description": "The record's current version, to read it again and retry with.",
                "schema": {"type": "string"},
            }


IDEMPOTENCY_COMPONENTS = {
    "parameters": {
        "IdempotencyKey": {
            "name": KEY_HEADER,
            "in": "header",
            "required": False,
            "description": "Retry safely: a retry with the same key within 24 hours gets the"
            " first answer (`Idempotent-Replayed: true`) instead of running again. 1 to 255"
            ' visible ASCII characters, bare or quoted (`"…"`); per credential'
            " (docs/retries.md).",
            "schema": {"type": "string", "pattern": KEY_PATTERN},
        }
    },
    "headers": {
        "IdempotentReplayed": {
            "description": "`true` when this is the stored answer to an earlier request with"
            " the same Idempotency-Key.",
            "schema": {"type": "string", "enum": ["true"]},
        }
    },
}


def _declare_idempotency(operation: dict[str, Any]) -> None:
    """A POST that changes something takes an Idempotency-Key (docs/retries.md)."""
    parameter = {"$ref": "#/components/parameters/IdempotencyKey"}
    operation.setdefault("parameters", []).append(parameter)
    declare_problems(operation["responses"], *IDEMPOTENCY_PROBLEMS)
    replayed = {"$ref": "#/components/headers/IdempotentReplayed"}
    for response in operation["responses"].values():
        response.setdefault("headers", {})[REPLAYED_HEADER] = replayed


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
    for section, entries in IDEMPOTENCY_COMPONENTS.items():
        components.setdefault(section, {}).update(entries)
    components["securitySchemes"] = {
        "serviceKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "A service key (`rpt_…`) with the scope each operation names.",
        },
        "personToken": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A person token from POST /v1/person-tokens, or, in an"
            " organization signing in with OpenID Connect (GET /v1/sign-in), an ID token of"
            " its identity provider: the caller is that person and the privacy contract"
            " applies.",
        },
    }
    for route in api_routes():
        access = required_scope(route)
        if access is None:
            continue
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            operation["security"] = _security(access)
            if access.scope is not None:
                operation["x-required-scope"] = access.scope.value
            if "requestBody" in operation:
                refusals = problem_responses("payload_too_large", "unsupported_media_type")
                operation["responses"]["413"] = refusals[413]
                operation["responses"]["415"] = refusals[415]
            if method == "POST" and access.write:
                _declare_idempotency(operation)
            _declare_headers(operation)
    app.openapi_schema = document
    return document
