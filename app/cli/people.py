"""`rapport people`: the directory sync from a CSV file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from pydantic import ValidationError

from app.api.schemas.directory import DirectoryRowIn, DirectorySyncOut
from app.cli.root import in_transaction
from app.domain.clock import system_clock
from app.domain.directory import MAX_ROWS, DirectoryRejected, DirectoryRow
from app.persistence.unit_of_work import UnitOfWork
from app.services import audit
from app.services.context import Caller, ServiceContext
from app.services.directory import sync_directory

app = typer.Typer(help="People.", no_args_is_help=True)
COLUMNS = tuple(DirectoryRowIn.model_fields)


def _rows(path: Path) -> list[DirectoryRow]:
    """The CSV's rows through the same field rules as POST /v1/directory/sync; empty cells
    are absent fields."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
        if unknown or "external_id" not in (reader.fieldnames or ()):
            raise typer.BadParameter(
                f"the header must name columns among {', '.join(COLUMNS)}"
                f" (external_id and name required); unknown: {', '.join(unknown) or 'none'}",
                param_hint="FILE",
            )
        rows, problems = [], []
        for line, record in enumerate(reader, start=2):
            fields = {name: value for name, value in record.items() if value not in ("", None)}
            try:
                rows.append(DirectoryRowIn.model_validate(fields).row())
            except ValidationError as error:
                problems += [f"line {line}: {e['loc'][0]}: {e['msg']}" for e in error.errors()]
    if problems:
        raise typer.BadParameter("\n".join(problems), param_hint="FILE")
    if len(rows) > MAX_ROWS:
        raise typer.BadParameter(f"at most {MAX_ROWS:,} people per sync", param_hint="FILE")
    return rows


@app.command("import")
def people_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV file.")],
    org: Annotated[UUID, typer.Option("--org", help="Organization id.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the diff, write nothing.")
    ] = False,
    deactivate_missing: Annotated[
        bool, typer.Option("--deactivate-missing", help="Deactivate people not in the file.")
    ] = False,
) -> None:
    """Sync the organization's people with a CSV (columns: the sync's fields); prints the
    diff as JSON (as POST /v1/directory/sync answers it)."""
    rows = _rows(file)

    async def sync(uow: UnitOfWork) -> str:
        await uow.enter_organization(org)
        if not await uow.organizations.exists(org):
            raise typer.BadParameter(f"no organization with id {org}", param_hint="--org")
        service_context = ServiceContext(uow, Caller(org_id=org), system_clock())
        done = await sync_directory(
            service_context, rows, deactivate_missing=deactivate_missing, dry_run=dry_run
        )
        if not dry_run:  # the trail's line for a change made without a credential
            await audit.record(service_context, "cli_people_import", "CLI", {})
        return DirectorySyncOut.of(done).model_dump_json(indent=2)

    try:
        typer.echo(in_transaction(sync))
    except DirectoryRejected as rejected:
        for error in rejected.errors:
            typer.echo(f"line {error.row + 2}: {error.code}: {error.detail}", err=True)
        raise typer.Exit(1) from rejected
