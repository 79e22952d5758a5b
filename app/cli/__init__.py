"""The `rapport` command: migrate, serve, organizations, keys, demo data and the outbox.

Commands that create something print only its id or secret, so scripts can capture it. Each
group of commands lives in its own module and is registered here.
"""

from __future__ import annotations

import sys

from app.cli import keys, orgs, outbox, people, running, tokens
from app.cli.root import REFUSED, CommandRefused, cli
from app.settings import SettingsRefused

cli.add_typer(orgs.app, name="orgs")
cli.add_typer(keys.app, name="keys")
cli.add_typer(tokens.app, name="tokens")
cli.add_typer(people.app, name="people")
cli.add_typer(outbox.app, name="outbox")
running.register(cli)


def main() -> None:
    try:
        cli()
    except (SettingsRefused, CommandRefused) as refused:
        # An operator's mistake is a sentence, not a traceback.
        print(f"rapport: {refused}", file=sys.stderr)
        raise SystemExit(REFUSED) from None
