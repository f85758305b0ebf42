"""EES: the dates of stamps affixed alongside records during the transition.

Revision ID: 0003_ees_stamps
Revises: 0002_ees
Create Date: 2026-11-23 13:54:19.422909
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_ees_stamps"
down_revision: str | Sequence[str] | None = "0002_ees"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entry_stamp", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("exit_stamp", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.drop_column("exit_stamp")
        batch_op.drop_column("entry_stamp")
