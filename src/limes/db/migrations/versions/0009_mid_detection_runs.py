"""MID: the batches of detection the worker ran, for the lag an operator sees.

Detection runs in the worker process over the CIR's change log (Regulation (EU)
2019/817 Art 27). Each batch records when it ended (wall-clock time), how long it
took and how many changes it handled; rows older than an hour are pruned as new ones
come. They hold no personal data.

Revision ID: 0009_mid_detection_runs
Revises: 0008_cir_member_state
Create Date: 2026-12-12 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_mid_detection_runs"
down_revision: str | Sequence[str] | None = "0008_cir_member_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mid_detection_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mid_detection_runs")),
    )
    with op.batch_alter_table("mid_detection_runs", schema=None) as batch_op:
        batch_op.create_index("ix_mid_detection_runs_finished_at", ["finished_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mid_detection_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_mid_detection_runs_finished_at")

    op.drop_table("mid_detection_runs")
