"""Running the service: migrate, serve, demo data and the local quick start."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer

from app.cli.root import in_transaction
from app.domain.access import Scope
from app.domain.clock import system_clock
from app.persistence.migrate import upgrade_to_head
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import Caller, UseCase
from app.services.settings_admin import create_service_key
from app.settings import UnsafeSettings, get_settings

DEV_KEY_NAME = "local quick start"


def migrate() -> None:
    """Apply every Alembic revision to RAPPORT_DATABASE_URL."""
    upgrade_to_head(get_settings().database_url)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn, with the HTTP limits of RAPPORT_HTTP_* (timeouts, header
    size)."""
    import uvicorn

    from app.api.http_server import server_options

    settings = get_settings()
    try:
        settings.check_production_ready()
    except UnsafeSettings as error:
        typer.echo(f"rapport: {error}", err=True)
        raise typer.Exit(1) from None
    uvicorn.run(
        "app.api.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        **server_options(settings),
    )


def demo(
    org_name: Annotated[str, typer.Option("--org-name", help="Name of the demo organization.")] = (
        "Rapport Demo"
    ),
) -> None:
    """Load a demo organization (about 60 people, six months of 1:1s); prints its id."""
    from app.services.demo import load_demo

    org_id = in_transaction(lambda uow: load_demo(uow, org_name, system_clock()))
    typer.echo(str(org_id))


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

    org_id, secret, created = in_transaction(prepare)
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


def register(cli: typer.Typer) -> None:
    """The top-level commands."""
    for command in (migrate, serve, demo, dev):
        cli.command()(command)
