"""The local quick start's admin key: kept across restarts, so a front end a developer has
open keeps working when the server restarts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy.engine import make_url

from app.domain.access import Scope, key_digest
from app.services.context import Caller, ServiceContext
from app.services.ports.unit_of_work import UnitOfWork
from app.services.settings_admin import create_service_key

QUICK_START_KEY_NAME = "local quick start"


async def quick_start_key(
    uow: UnitOfWork, org_id: UUID, kept: str | None, now: datetime
) -> tuple[str, bool]:
    """The kept key if it still opens the organization as admin, else a new one (the older
    quick-start keys revoked); the flag says whether the kept key was reused."""
    if kept is not None:
        key = await uow.service_keys.authenticate(key_digest(kept))
        if (
            key is not None
            and key.org_id == org_id
            and key.name == QUICK_START_KEY_NAME
            and key.grants(Scope.ADMIN)
        ):
            return kept, True
    await uow.enter_organization(org_id)
    await uow.service_keys.revoke_named(org_id, QUICK_START_KEY_NAME, now)
    _, secret = await create_service_key(
        ServiceContext(uow, Caller(org_id=org_id), now),
        name=QUICK_START_KEY_NAME,
        scopes=frozenset({Scope.ADMIN}),
    )
    return secret, False


def dev_key_file(database_url: str) -> Path:
    """Where `rapport dev` keeps its key: beside an SQLite file (`rapport.db` →
    `rapport.dev-key`), else in the working directory named after the database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_suffix(".dev-key")
    return Path(f"{url.database or 'rapport'}.dev-key")
