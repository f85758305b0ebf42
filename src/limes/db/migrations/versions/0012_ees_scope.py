"""EES: the family-member status (Art 2(1)(b), 16(2)) and the authority (Art 16(2), 18).

Entry/exit records and individual files say whether the traveller entered as a
family member of a Union citizen, to whom the calculator, the overstay flag and the
three-year retention do not apply (Art 11, 12, 34(4)); entry and refusal records
name the authority that admitted or refused the traveller.

Revision ID: 0012_ees_scope
Revises: 0011_ees_retention_indexes
Create Date: 2026-12-07 23:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_ees_scope"
down_revision: str | Sequence[str] | None = "0011_ees_retention_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _family_member() -> sa.Column[bool]:
    return sa.Column("family_member", sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    with op.batch_alter_table("ees_individual_files", schema=None) as batch_op:
        batch_op.add_column(_family_member())
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(), nullable=True))
        batch_op.add_column(_family_member())
    with op.batch_alter_table("ees_refusal_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ees_refusal_records", schema=None) as batch_op:
        batch_op.drop_column("authority")
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.drop_column("family_member")
        batch_op.drop_column("authority")
    with op.batch_alter_table("ees_individual_files", schema=None) as batch_op:
        batch_op.drop_column("family_member")
