"""Column declarations the tables share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlmodel import Field

from app.persistence.types import UTCDateTime


def instant(*, nullable: bool = False) -> Any:
    return Field(sa_type=UTCDateTime(), nullable=nullable)


def org_fk() -> Any:
    return Field(
        sa_column_args=[ForeignKey("organizations.id", ondelete="CASCADE")], nullable=False
    )


def fk(target: str, *, nullable: bool = False) -> Any:
    return Field(sa_column_args=[ForeignKey(target)], nullable=nullable)


def record_version() -> Any:
    """A record's version (app.domain.versions): 1 when created, one more on every write."""
    return Field(nullable=False)


def string(length: int, *, nullable: bool = False) -> Any:
    return Field(sa_type=String(length), nullable=nullable)
