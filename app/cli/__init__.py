"""The `rapport` command: migrate, serve, organizations, keys and demo data.

Commands that create something print only its id or secret, so scripts can capture it. Each
group of commands lives in its own module and is registered here.
"""

from __future__ import annotations

from app.cli import keys, orgs, people, running, tokens
from app.cli.root import cli

cli.add_typer(orgs.app, name="orgs")
cli.add_typer(keys.app, name="keys")
cli.add_typer(tokens.app, name="tokens")
cli.add_typer(people.app, name="people")
running.register(cli)


def main() -> None:
    cli()
