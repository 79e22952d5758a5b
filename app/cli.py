"""The `rapport` command: migrate, serve, organizations, keys and demo data.

Commands that create something print only its id or secret, so scripts can capture it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar
from uuid import UUID

import typer

from app.domain.access import Scope
from app.domain.clock import system_clock
from app.persistence.database import create_engine
from app.persistence.migrate import upgrade_to_head
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services.context import Caller, UseCase
from app.services.organizations import create_organization
from app.services.settings_admin import create_service_key
from app.settings import get_settings

T = TypeVar("T")

cli = typer.Typer(
    help="Rapport: an API-first backend for one-on-one meetings.", no_args_is_help=True
)
orgs = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)
keys = typer.Typer(help="Service keys.", no_args_is_help=True)
cli.add_typer(orgs, name="orgs")
cli.add_typer(keys, name="keys")


def _in_transaction(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with unit_of_work(engine, write=True) as uow:
                return await work(uow)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@cli.command()
def migrate() -> None:
    """Apply every Alembic revision to RAPPORT_DATABASE_URL."""
    upgrade_to_head(get_settings().database_url)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    uvicorn.run(
        "app.api.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level=get_settings().log_level.lower(),
        proxy_headers=True,
    )


@orgs.command("create")
def orgs_create(name: Annotated[str, typer.Argument(help="The organization's name.")]) -> None:
    """Create an organization; prints only its id."""
    org_id = _in_transaction(lambda uow: create_organization(uow, name, system_clock()))
    typer.echo(str(org_id))


@keys.command("create")
def keys_create(
    org: Annotated[UUID, typer.Option("--org", help="Organization id.")],
    scope: Annotated[list[Scope], typer.Option("--scope", help="A scope; repeat for more.")],
    name: Annotated[str, typer.Option("--name", help="What the key is for.")] = "cli",
) -> None:
    """Create a service key; prints only the key (it is not shown again)."""

    async def create(uow: UnitOfWork) -> str:
        await uow.enter_organization(org)
        if not await uow.organizations.exists(org):
            raise typer.BadParameter(f"no organization with id {org}", param_hint="--org")
        use_case = UseCase(uow, Caller(org_id=org), system_clock())
        _, secret = await create_service_key(use_case, name=name, scopes=frozenset(scope))
        return secret

    typer.echo(_in_transaction(create))


@cli.command()
def demo(
    org_name: Annotated[str, typer.Option("--org-name", help="Name of the demo organization.")] = (
        "Rapport Demo"
    ),
) -> None:
    """Load a demo organization (about 60 people, six months of 1:1s); prints its id."""
    from app.services.demo import load_demo

    org_id = _in_transaction(lambda uow: load_demo(uow, org_name, system_clock()))
    typer.echo(str(org_id))


DEV_KEY_NAME = "local quick start"


@cli.command()
def dev(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    org_name: Annotated[str, typer.Option("--org-name", help="Demo organization.")] = (
        "Rapport Demo"
    ),
) -> None:
    """Local quick start: migrate, load the demo organization once, mint a fresh admin key
    (revoking the previous quick-start key) and serve."""
    from app.services.demo import load_demo

    upgrade_to_head(get_settings().database_url)

    async def prepare(uow: UnitOfWork) -> tuple[UUID, str, bool]:
        now = system_clock()
        org_id = await uow.organizations.find_id_by_name(org_name)
        created = org_id is None
        if org_id is None:
            org_id = await load_demo(uow, org_name, now)
        await uow.enter_organization(org_id)
        await uow.service_keys.revoke_named(org_id, DEV_KEY_NAME, now)
        use_case = UseCase(uow, Caller(org_id=org_id), now)
        _, secret = await create_service_key(
            use_case, name=DEV_KEY_NAME, scopes=frozenset({Scope.ADMIN})
        )
        return org_id, secret, created

    org_id, secret, created = _in_transaction(prepare)
    base = f"http://{host}:{port}"
    loaded = "loaded just now" if created else "already loaded"
    typer.echo(
        f"\nRapport is starting on the embedded database ({get_settings().database_url}).\n"
        f"  API:      {base}/v1\n"
        f"  Docs:     {base}/docs\n"
        f"  Demo org: {org_id} ({loaded})\n"
        f"  Admin key (new each start): {secret}\n"
        f"  Try:      curl -H 'Authorization: Bearer {secret}' {base}/v1/pairs\n"
    )
    serve(host=host, port=port, workers=1)


def main() -> None:
    cli()
