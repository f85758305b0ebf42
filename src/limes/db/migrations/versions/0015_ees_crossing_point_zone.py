"""EES: the local day of a crossing, and fall-back crossings to review.

A crossing point has its IANA time zone, and entry/exit and refusal records keep the
local calendar day of the crossing (EES Art 11, 16(2)(a); Schengen Borders Code Art
6(1)): an entry at 01:30 in Helsinki counts on that Helsinki day, not on the UTC
day before. A crossing recorded from the fall-back that the central checks object to
is kept with the reason it needs review, and an exit records how it reached the EES
(EES Art 21).

Revision ID: 0015_ees_crossing_point_zone
Revises: 0014_ees_corrections
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_ees_crossing_point_zone"
down_revision: str | Sequence[str] | None = "0014_ees_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ees_crossing_points", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entry_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("exit_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("exit_source", sa.String(length=24), nullable=True))
    with op.batch_alter_table("ees_refusal_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refused_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_ees_entry_exit_records_for_review",
        "ees_entry_exit_records",
        ["entry_at"],
        unique=False,
        sqlite_where=sa.text("review_reason IS NOT NULL"),
        postgresql_where=sa.text("review_reason IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_ees_entry_exit_records_for_review", table_name="ees_entry_exit_records")
    with op.batch_alter_table("ees_refusal_records", schema=None) as batch_op:
        batch_op.drop_column("refused_on")
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.drop_column("exit_source")
        batch_op.drop_column("review_reason")
        batch_op.drop_column("exit_date")
        batch_op.drop_column("entry_date")
    with op.batch_alter_table("ees_crossing_points", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
