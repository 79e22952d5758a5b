"""`rapport idempotency`: the stored answers of POSTs sent with an Idempotency-Key."""

from __future__ import annotations

import typer

from app.cli.root import in_transaction
from app.domain.clock import system_clock
from app.persistence.unit_of_work import UnitOfWork
from app.services.idempotency import purge_expired

app = typer.Typer(help="Idempotency keys (docs/retries.md).", no_args_is_help=True)


@app.command("purge")
def idempotency_purge() -> None:
    """Delete the answers kept past their 24 hours, in every organization, now (the
    scheduler of a running service does it hourly); prints how many."""

    async def purge(uow: UnitOfWork) -> int:
        return await purge_expired(uow, system_clock())

    typer.echo(str(in_transaction(purge)))
