"""CIR: the access log of police identification and hit-flag queries.

One row per query under Art 20 or Art 22 of Regulation (EU) 2019/817, refused or
not, as Art 24 asks: who asked, why, on what ground, the kinds of data searched with,
the outcome and the files that answered. It holds none of the personal data queried.

Revision ID: 0007_cir_access_log
Revises: 0006_mid_conjunctive_keys
Create Date: 2026-12-07 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_cir_access_log"
down_revision: str | Sequence[str] | None = "0006_mid_conjunctive_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cir_access_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("authority", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("ground", sa.String(), nullable=True),
        sa.Column("query_fields", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("result_references", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cir_access_log")),
    )
    with op.batch_alter_table("cir_access_log", schema=None) as batch_op:
        batch_op.create_index("ix_cir_access_log_at", ["at"], unique=False)
        batch_op.create_index("ix_cir_access_log_authority_at", ["authority", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cir_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_cir_access_log_authority_at")
        batch_op.drop_index("ix_cir_access_log_at")

    op.drop_table("cir_access_log")
