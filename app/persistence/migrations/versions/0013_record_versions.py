"""Record versions: people, pairs, meetings, agenda items, notes, commitments and policies
carry a version (1 for existing rows, one more on every write), the ETag of REST and the
`version` of GraphQL; the policy says whether edits must name it (`require_if_match`).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("people", "pairs", "meetings", "agenda_items", "notes", "commitments", "policies")


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(
            table, sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    op.add_column(
        "policies",
        sa.Column(
            "require_if_match", sa.Boolean(), nullable=False, server_default=sa.text("false")
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.drop_column("require_if_match")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
