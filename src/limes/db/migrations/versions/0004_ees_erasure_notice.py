"""EES: the day an overstayer was told their data will be erased (Art 34(4)).

Revision ID: 0004_ees_erasure_notice
Revises: 0003_ees_stamps
Create Date: 2026-11-23 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_ees_erasure_notice"
down_revision: str | Sequence[str] | None = "0003_ees_stamps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erasure_notice_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.drop_column("erasure_notice_on")
