"""`rapport orgs`: organizations (tenants)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.root import in_transaction, require_every_organization, row
from app.domain.clock import system_clock
from app.domain.people import Organization
from app.persistence.unit_of_work import UnitOfWork
from app.services.organizations import create_organization

app = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)


@app.command("create")
def orgs_create(name: Annotated[str, typer.Argument(help="The organization's name.")]) -> None:
    """Create an organization; prints only its id."""
    org_id = in_transaction(lambda uow: create_organization(uow, name, system_clock()))
    typer.echo(str(org_id))


@app.command("list")
def orgs_list() -> None:
    """One tab-separated line per organization, oldest first: id, name, created."""

    async def every_organization(uow: UnitOfWork) -> list[Organization]:
        await require_every_organization(uow, "rapport orgs list")
        return await uow.organizations.all()

    organizations = in_transaction(every_organization)
    typer.echo(row("id", "name", "created"))
    for organization in organizations:
        typer.echo(row(organization.id, organization.name, organization.created_at.isoformat()))
