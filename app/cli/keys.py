"""`rapport keys`: service keys."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer

from app.cli.root import CommandRefused, in_transaction, require_every_organization, row
from app.domain.access import Scope, ServiceKey
from app.domain.clock import system_clock
from app.domain.errors import NotFound
from app.domain.paging import MAX_LIMIT, Cursor, PageRequest
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import Caller, ServiceContext
from app.services.settings_admin import (
    create_service_key,
    list_service_keys,
    revoke_service_key,
)

app = typer.Typer(help="Service keys.", no_args_is_help=True)


async def _use_case(uow: UnitOfWork, org: UUID) -> ServiceContext:
    await uow.enter_organization(org)
    if not await uow.organizations.exists(org):
        raise CommandRefused(f"no organization has the id {org}")
    return ServiceContext(uow, Caller(org_id=org), system_clock())


@app.command("create")
def keys_create(
    org: Annotated[UUID, typer.Option("--org", help="Organization id.")],
    scope: Annotated[list[Scope], typer.Option("--scope", help="A scope; repeat for more.")],
    name: Annotated[str, typer.Option("--name", help="What the key is for.")] = "cli",
) -> None:
    """Create a service key; prints only the key (it is not shown again)."""

    async def create(uow: UnitOfWork) -> str:
        service_context = await _use_case(uow, org)
        _, secret = await create_service_key(service_context, name=name, scopes=frozenset(scope))
        return secret

    typer.echo(in_transaction(create))


@app.command("list")
def keys_list(org: Annotated[UUID, typer.Option("--org", help="Organization id.")]) -> None:
    """One tab-separated line per key, oldest first: id, name, scopes, created, revoked
    (never the secret nor its digest)."""

    async def every_key(uow: UnitOfWork) -> list[ServiceKey]:
        service_context = await _use_case(uow, org)
        keys: list[ServiceKey] = []
        request = PageRequest(limit=MAX_LIMIT)
        while True:
            page = await list_service_keys(service_context, request)
            keys += page.items
            if page.next_cursor is None:
                return keys
            request = PageRequest(limit=MAX_LIMIT, cursor=Cursor.decode(page.next_cursor))

    keys = in_transaction(every_key)
    typer.echo(row("id", "name", "scopes", "created", "revoked"))
    for key in keys:
        revoked = key.revoked_at.isoformat() if key.revoked_at else "-"
        scopes = ",".join(sorted(key.scopes))
        typer.echo(row(key.id, key.name, scopes, key.created_at.isoformat(), revoked))


@app.command("revoke")
def keys_revoke(key_id: Annotated[UUID, typer.Argument(help="The key's id.")]) -> None:
    """Revoke a key; replicas stop accepting it within RAPPORT_KEY_CACHE_SECONDS."""

    async def revoke(uow: UnitOfWork) -> ServiceKey:
        await require_every_organization(uow, "rapport keys revoke")
        org = await uow.service_keys.organization_of(key_id)
        try:
            if org is None:
                raise NotFound("service key", key_id)
            return await revoke_service_key(await _use_case(uow, org), key_id)
        except NotFound:
            raise CommandRefused(f"no active service key has the id {key_id}") from None

    key = in_transaction(revoke)
    typer.echo(f"revoked {key.id} ({key.name})", err=True)
