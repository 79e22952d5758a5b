"""`rapport keys`: service keys."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer

from app.cli.root import in_transaction
from app.domain.access import Scope
from app.domain.clock import system_clock
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import Caller, UseCase
from app.services.settings_admin import create_service_key

app = typer.Typer(help="Service keys.", no_args_is_help=True)


@app.command("create")
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

    typer.echo(in_transaction(create))
