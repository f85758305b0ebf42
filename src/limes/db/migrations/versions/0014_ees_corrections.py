"""EES: corrections of the record, decisions on the stay, the notice outbox, log erasure.

- entry/exit records say what a rebuttal rests on and whether their exit was set by it
  (Reg. (EU) 2017/2226 Art 20);
- decisions extending, revoking or annulling an authorised stay (Art 19);
- the outbox of notices to the Member States before overstayers' data go (Art 34);
- the access log names the file a line concerns and the day it goes (Art 46(4)).

Revision ID: 0014_ees_corrections
Revises: 0011_ees_retention_indexes
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from limes.db.metadata import UTCDateTime

revision: str = "0014_ees_corrections"
down_revision: str | Sequence[str] | None = "0011_ees_retention_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rebuttal_kind", sa.String(length=24), nullable=True))
        batch_op.add_column(
            sa.Column("exit_by_rebuttal", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("ees_access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("erase_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_ees_access_log_subject", ["subject"], unique=False)
        batch_op.create_index("ix_ees_access_log_erase_on", ["erase_on"], unique=False)
    op.create_table(
        "ees_stay_decisions",
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("authority", sa.String(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("previous_until", sa.Date(), nullable=False),
        sa.Column("new_until", sa.Date(), nullable=False),
        sa.Column("visa_sticker_number", sa.String(length=32), nullable=True),
        sa.Column("revocation_reasons", sa.String(length=16), nullable=False, server_default=""),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["ees_entry_exit_records.record_id"],
            name=op.f("fk_ees_stay_decisions_record_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_ees_stay_decisions")),
    )
    with op.batch_alter_table("ees_stay_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_ees_stay_decisions_record_id", ["record_id"], unique=False)
        batch_op.create_index("ix_ees_stay_decisions_file_id", ["file_id"], unique=False)
    op.create_table(
        "ees_erasure_notices",
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("member_state", sa.String(length=3), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("erasure_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["ees_individual_files.file_id"],
            name=op.f("fk_ees_erasure_notices_file_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_ees_erasure_notices")),
    )
    with op.batch_alter_table("ees_erasure_notices", schema=None) as batch_op:
        batch_op.create_index("ix_ees_erasure_notices_file_id", ["file_id"], unique=False)
        batch_op.create_index(
            "ix_ees_erasure_notices_member_state_created",
            ["member_state", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("ees_erasure_notices")
    op.drop_table("ees_stay_decisions")
    with op.batch_alter_table("ees_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_ees_access_log_erase_on")
        batch_op.drop_index("ix_ees_access_log_subject")
        batch_op.drop_column("erase_on")
        batch_op.drop_column("subject")
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.drop_column("exit_by_rebuttal")
        batch_op.drop_column("rebuttal_kind")
