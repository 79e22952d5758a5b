"""The root command and what every command group shares: one transaction on the configured
database, tab-separated listings, and errors as one line on stderr."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from app import safe_logging
from app.api.rest.event_data import RestRenderer
from app.domain.clock import system_clock
from app.persistence.database import create_engine
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services.outbox import publish_every_organization
from app.settings import get_settings

T = TypeVar("T")

cli = typer.Typer(
    help="Rapport: an API-first backend for one-on-one meetings.", no_args_is_help=True
)

# Exit status of a refused command (bad settings, an id that names nothing); 1 stays for
# failures nobody expected.
REFUSED = 2


class CommandRefused(Exception):
    """A command that cannot do what it was asked; the message is its one line on stderr."""


def in_transaction(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run `work` in one write transaction on RAPPORT_DATABASE_URL; what it changes becomes
    events in the same transaction, as a request's changes do."""
    safe_logging.install()

    async def run() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with unit_of_work(engine, write=True) as uow:
                done = await work(uow)
                await publish_every_organization(uow, system_clock(), RestRenderer())
                return done
        finally:
            await engine.dispose()

    return asyncio.run(run())


async def require_every_organization(uow: UnitOfWork, command: str) -> None:
    """Commands that look past tenants need a role row-level security does not confine."""
    if not await uow.organizations.sees_every_organization():
        raise CommandRefused(
            f"{command} reads every organization: run it as the tables' owner (the role"
            " that runs rapport migrate), not as the app's role, which row-level security"
            " confines to one organization"
        )


def row(*cells: object) -> str:
    """One tab-separated line; tabs and line breaks inside a cell become spaces."""
    return "\t".join(str(cell).translate(_FLATTEN) for cell in cells)


_FLATTEN = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
