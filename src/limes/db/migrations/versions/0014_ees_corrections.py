"""EES: corrections of the record, decisions on the stay, the notice outbox, log erasure.

- entry/exit records say what a rebuttal rests on and whether their exit was set by it
  (Reg. (EU) 2017/2226 Art 20);
- decisions extending, revoking or annulling an authorised stay (Art 19);
- the outbox of notices to the Member States before overstayers' data go (Art 34);
- the access log names the file a line concerns and the day it goes (Art 46(4)); the
  lines already logged get theirs here, so none is kept for ever.

Revision ID: 0014_ees_corrections
Revises: 0013_ees_person
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

from limes.db.metadata import UTCDateTime

revision: str = "0014_ees_corrections"
down_revision: str | Sequence[str] | None = "0013_ees_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As `limes.ees.ports.AccessLogEntry.subject` and `ees.domain.corrections` read them at
# this revision: a file id is "F" and 20 hex digits; a line naming no single file goes
# six years after it was written (Art 34(3) five years, Art 46(4) one more).
_FILE_ID = re.compile(r"F[0-9a-f]{20}")
_UNATTACHED_YEARS = 6
_CHUNK = 1000


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
    _backfill_log_subjects()
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


def _backfill_log_subjects() -> None:
    """Name the file of every line already logged, or the day a line naming none goes."""
    log = sa.table(
        "ees_access_log",
        sa.column("log_id", sa.Integer()),
        sa.column("at", UTCDateTime()),
        sa.column("result_references", sa.Text()),
        sa.column("subject", sa.String()),
        sa.column("erase_on", sa.Date()),
    )
    bind = op.get_bind()
    set_subject = (
        sa.update(log)
        .where(log.c.log_id == sa.bindparam("b_log_id"))
        .values(subject=sa.bindparam("b_subject"), erase_on=sa.bindparam("b_erase_on"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(log.c.log_id, log.c.at, log.c.result_references)
            .where(log.c.log_id > last)
            .order_by(log.c.log_id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        values = []
        for log_id, at, references in rows:
            files = {r for r in (references or "").split() if _FILE_ID.fullmatch(r)}
            subject = files.pop() if len(files) == 1 else None
            erase_on = None if subject else _years_on(at.date(), _UNATTACHED_YEARS)
            values.append({"b_log_id": log_id, "b_subject": subject, "b_erase_on": erase_on})
        bind.execute(set_subject, values)
        last = rows[-1][0]


def _years_on(day: date, years: int) -> date:
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
