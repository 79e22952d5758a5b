"""`rapport orgs`: organizations (tenants)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.root import in_transaction
from app.domain.clock import system_clock
from app.services.organizations import create_organization

app = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)


@app.command("create")
def orgs_create(name: Annotated[str, typer.Argument(help="The organization's name.")]) -> None:
    """Create an organization; prints only its id."""
    org_id = in_transaction(lambda uow: create_organization(uow, name, system_clock()))
    typer.echo(str(org_id))
