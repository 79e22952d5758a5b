"""`rapport tokens`: the person-token signing key."""

from __future__ import annotations

import typer

from app.cli.root import in_transaction
from app.domain.clock import system_clock
from app.domain.token_generations import SigningGeneration
from app.persistence.unit_of_work import UnitOfWork
from app.services import token_signing

app = typer.Typer(help="Person tokens.", no_args_is_help=True)


@app.command("rotate-secret")
def rotate_secret() -> None:
    """Sign new person tokens with a new key; tokens signed before keep working until they
    expire (every process picks the new key up within RAPPORT_KEY_CACHE_SECONDS). Prints
    the new generation's number. A leaked RAPPORT_TOKEN_SECRET is not fixed by this: replace
    the secret itself (see docs/security.md)."""

    async def rotate(uow: UnitOfWork) -> SigningGeneration:
        return await token_signing.rotate(uow, system_clock())

    typer.echo(in_transaction(rotate).generation)
