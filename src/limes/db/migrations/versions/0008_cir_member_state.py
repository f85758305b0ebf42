"""CIR: the Member State whose authority created or last updated each file.

Regulation (EU) 2019/817 Art 29(1): the authority of the Member State that created or
updated the data verifies the links that creation or update brings. Files stored
before this revision have none; their links are verified by the authority of any
Member State, as before.

Revision ID: 0008_cir_member_state
Revises: 0007_cir_access_log
Create Date: 2026-12-07 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_cir_member_state"
down_revision: str | Sequence[str] | None = "0007_cir_access_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cir_identity_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_state", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cir_identity_files", schema=None) as batch_op:
        batch_op.drop_column("member_state")
