"""Who acts and when: passed to every use case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.domain.identifiers import new_id
from app.domain.privacy import Caller
from app.persistence.unit_of_work import UnitOfWork

__all__ = ["Caller", "UseCase", "new_id"]


@dataclass(frozen=True, slots=True)
class UseCase:
    """What every use case needs: the transaction, the caller and the current instant."""

    uow: UnitOfWork
    caller: Caller
    now: datetime

    @property
    def org_id(self) -> UUID:
        return self.caller.org_id
