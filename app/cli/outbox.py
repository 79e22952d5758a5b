"""`rapport outbox`: how webhook delivery is keeping up."""

from __future__ import annotations

import typer

from app.cli.root import in_transaction, require_every_organization, row
from app.domain.clock import system_clock
from app.persistence.repositories.webhooks import EndpointBacklog
from app.persistence.unit_of_work import UnitOfWork

app = typer.Typer(help="The outbox of events and their webhook deliveries.", no_args_is_help=True)


@app.command("status")
def outbox_status() -> None:
    """One tab-separated line per webhook endpoint of every organization: pending
    deliveries, whether it is failing (since when) or disabled, and the age in seconds of
    its oldest pending delivery (`-` when none is pending)."""

    async def backlog(uow: UnitOfWork) -> list[EndpointBacklog]:
        await require_every_organization(uow, "rapport outbox status")
        return await uow.webhook_deliveries.backlog()

    lines = in_transaction(backlog)
    now = system_clock()
    typer.echo(row("organization", "endpoint", "pending", "failing", "oldest_pending_seconds"))
    for line in lines:
        if not line.enabled:
            failing = f"disabled:{line.disabled_reason}"
        elif line.failing_since is not None:
            failing = line.failing_since.isoformat()
        else:
            failing = "-"
        oldest = (
            "-" if line.oldest_pending is None else int((now - line.oldest_pending).total_seconds())
        )
        typer.echo(row(line.org_id, line.endpoint_id, line.pending, failing, oldest))
