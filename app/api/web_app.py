"""The reference front end at /app (app/web: plain ES modules, HTML and CSS, no build step),
served with a strict Content-Security-Policy: scripts, styles, images and connections from
this origin only (`'self'` covers the same host's `ws:`/`wss:` socket at /graphql), nothing
inline, no framing.

Under `rapport dev` (RAPPORT_DEV_SIGN_IN) two more routes let a developer act as any demo
person: /app/dev/people lists the organization's people (managers first) and
/app/dev/sign-in mints a person token for the one chosen, with the admin key `rapport dev`
keeps beside its database. Without the setting both answer 404, and production refuses it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.api import pipeline
from app.api.problems import ApiProblem
from app.api.runtime import runtime_of
from app.domain.paging import PageRequest
from app.domain.people import Person
from app.domain.queries import PeopleFilter
from app.services import audit, person_tokens
from app.services.context import ServiceContext
from app.services.people import list_people
from app.services.quick_start import dev_key_file

APP_PATH = "/app"
WEB_FILES = Path(str(files("app") / "web"))
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
PAGE_SIZE = 200
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


class _FrontEndFiles(StaticFiles):
    """The folder's files, each answer with the security headers (and the page itself at
    /app/)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


class DevPersonOut(BaseModel):
    id: UUID
    name: str
    email: str | None
    role: str
    manages: int


class DevSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID


class DevTokenOut(BaseModel):
    token: str
    expires_at: datetime
    person: DevPersonOut


dev_router = APIRouter(prefix=f"{APP_PATH}/dev", include_in_schema=False)


@dev_router.get("/people")
async def dev_people(request: Request) -> Response:
    """The organization's active people to act as: managers first (most reports first),
    then everyone else, by name."""
    async with _as_dev_key(request, write=False) as ctx:
        people = await _everyone(ctx)
    reports: dict[UUID, int] = {}
    for person in people:
        if person.manager_id is not None:
            reports[person.manager_id] = reports.get(person.manager_id, 0) + 1
    chosen = sorted(people, key=lambda person: (-reports.get(person.id, 0), person.name))
    listed = [_person_out(person, reports.get(person.id, 0)) for person in chosen]
    return _json({"data": [person.model_dump(mode="json") for person in listed]})


@dev_router.post("/sign-in")
async def dev_sign_in(body: DevSignIn, request: Request) -> Response:
    """A person token for the person chosen (an unknown id, or another organization's, is
    `unknown_reference`), minted with the kept admin key."""
    runtime = runtime_of(request)
    async with _as_dev_key(request, write=True) as ctx:
        issued = await person_tokens.issue(
            ctx,
            runtime.credentials.signing_keys,
            person_id=body.person_id,
            ttl_seconds=runtime.settings.token_ttl_seconds,
        )
        await audit.record(ctx, "app-dev-sign-in", "POST", {"person_id": str(body.person_id)})
    out = DevTokenOut(
        token=issued.token, expires_at=issued.expires_at, person=_person_out(issued.person, 0)
    )
    return _json(out.model_dump(mode="json"))


@asynccontextmanager
async def _as_dev_key(request: Request, *, write: bool) -> AsyncIterator[ServiceContext]:
    """The request's transaction as the key `rapport dev` keeps; 404 unless dev sign-in is
    on, the request names this machine (or the address `rapport dev` binds) as its host, and
    the key is there. The host check keeps a web page whose name an attacker re-points at
    127.0.0.1 (DNS rebinding) from minting tokens through the developer's browser."""
    runtime = runtime_of(request)
    settings = runtime.settings
    if not settings.dev_sign_in or request.url.hostname not in {*LOOPBACK_NAMES, settings.host}:
        raise _not_here()
    key_file = dev_key_file(settings.database_url)
    if not key_file.is_file():
        raise _not_here()
    secret = key_file.read_text().strip()
    now = runtime.clock()
    async with pipeline.open_transaction(runtime, now, write=write, pending=None) as opened:
        caller = await pipeline.authenticate(runtime, secret, now, opened.uow)
        yield await opened.begin(caller)


def _not_here() -> ApiProblem:
    return ApiProblem(
        "not_found",
        "Signing in as a demo person is for `rapport dev`, on this machine only: paste a"
        " person token.",
    )


async def _everyone(ctx: ServiceContext) -> list[Person]:
    people: list[Person] = []
    cursor: str | None = None
    while True:
        page = await list_people(ctx, PeopleFilter(active=True), PageRequest.of(PAGE_SIZE, cursor))
        people.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return people


def _person_out(person: Person, manages: int) -> DevPersonOut:
    return DevPersonOut(
        id=person.id,
        name=person.name,
        email=person.email,
        role=person.role.value,
        manages=manages,
    )


def _json(content: dict[str, Any]) -> Response:
    return JSONResponse(content, headers={"Cache-Control": "no-store"})


def install_web_app(app: FastAPI) -> None:
    """The dev routes first (mounts match in order), then the folder at /app/."""
    app.include_router(dev_router)

    @app.get(APP_PATH, include_in_schema=False)
    async def front_end(request: Request) -> RedirectResponse:
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}{APP_PATH}/", status_code=308)

    app.mount(APP_PATH, _FrontEndFiles(directory=WEB_FILES, html=True), name="web-app")
