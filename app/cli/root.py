"""The root command and what every command group shares: one transaction on the configured
database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from app import safe_logging
from app.persistence.database import create_engine
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.settings import get_settings

T = TypeVar("T")

cli = typer.Typer(
    help="Rapport: an API-first backend for one-on-one meetings.", no_args_is_help=True
)


def in_transaction(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run `work` in one write transaction on RAPPORT_DATABASE_URL."""
    safe_logging.install()

    async def run() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with unit_of_work(engine, write=True) as uow:
                return await work(uow)
        finally:
            await engine.dispose()

    return asyncio.run(run())
