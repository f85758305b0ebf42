"""EES: individual files, entry/exit and refusal records, crossing points, access log, idempotency keys.

Revision ID: 0002_ees
Revises: 0001_cir
Create Date: 2026-11-23 13:44:51.433441
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_ees"
down_revision: str | Sequence[str] | None = "0001_cir"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "ees_access_log",
        sa.Column("log_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("authority", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("crossing_point", sa.String(length=32), nullable=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("result_references", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_ees_access_log")),
    )
    with op.batch_alter_table("ees_access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ees_access_log_at"), ["at"], unique=False)

    op.create_table(
        "ees_crossing_points",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("border_type", sa.String(length=24), nullable=False),
        sa.Column("ees_active", sa.Boolean(), nullable=False),
        sa.Column("biometrics_required", sa.Boolean(), nullable=False),
        sa.Column("suspension", sa.String(length=24), nullable=False),
        sa.Column("suspension_reason", sa.String(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_ees_crossing_points")),
    )
    op.create_table(
        "ees_idempotency_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "user_id", name=op.f("pk_ees_idempotency_keys")),
    )
    op.create_table(
        "ees_individual_files",
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("cir_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("fingerprint_status", sa.String(length=24), nullable=False),
        sa.Column("completeness", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_exit_or_refusal", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("file_id", name=op.f("pk_ees_individual_files")),
        sa.UniqueConstraint("cir_id", name=op.f("uq_ees_individual_files_cir_id")),
    )
    op.create_table(
        "ees_entry_exit_records",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("entry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_crossing_point", sa.String(length=32), nullable=False),
        sa.Column("authorised_stay_until", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("visa_sticker_number", sa.String(length=32), nullable=True),
        sa.Column("visa_valid_from", sa.Date(), nullable=True),
        sa.Column("visa_valid_until", sa.Date(), nullable=True),
        sa.Column("visa_duration_days", sa.Integer(), nullable=True),
        sa.Column("visa_entries", sa.String(length=24), nullable=True),
        sa.Column("visa_limited_territorial_validity", sa.Boolean(), nullable=True),
        sa.Column("exit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exit_crossing_point", sa.String(length=32), nullable=True),
        sa.Column("overstay_from", sa.Date(), nullable=True),
        sa.Column("rebuttal", sa.Text(), nullable=True),
        sa.Column("rebutted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["ees_individual_files.file_id"],
            name=op.f("fk_ees_entry_exit_records_file_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_ees_entry_exit_records")),
    )
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ees_entry_exit_records_file_entry", ["file_id", "entry_at"], unique=False
        )
        batch_op.create_index(
            "ix_ees_entry_exit_records_open_stay_end",
            ["authorised_stay_until"],
            unique=False,
            sqlite_where=sa.text("exit_at IS NULL"),
            postgresql_where=sa.text("exit_at IS NULL"),
        )
        batch_op.create_index(
            "ix_ees_entry_exit_records_overstay_from", ["overstay_from"], unique=False
        )
        batch_op.create_index(
            "uq_ees_entry_exit_records_one_open_entry",
            ["file_id"],
            unique=True,
            sqlite_where=sa.text("exit_at IS NULL"),
            postgresql_where=sa.text("exit_at IS NULL"),
        )

    op.create_table(
        "ees_refusal_records",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("crossing_point", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["ees_individual_files.file_id"],
            name=op.f("fk_ees_refusal_records_file_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_ees_refusal_records")),
    )
    with op.batch_alter_table("ees_refusal_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ees_refusal_records_file_id"), ["file_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("ees_refusal_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ees_refusal_records_file_id"))

    op.drop_table("ees_refusal_records")
    with op.batch_alter_table("ees_entry_exit_records", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ees_entry_exit_records_one_open_entry",
            sqlite_where=sa.text("exit_at IS NULL"),
            postgresql_where=sa.text("exit_at IS NULL"),
        )
        batch_op.drop_index("ix_ees_entry_exit_records_overstay_from")
        batch_op.drop_index(
            "ix_ees_entry_exit_records_open_stay_end",
            sqlite_where=sa.text("exit_at IS NULL"),
            postgresql_where=sa.text("exit_at IS NULL"),
        )
        batch_op.drop_index("ix_ees_entry_exit_records_file_entry")

    op.drop_table("ees_entry_exit_records")
    op.drop_table("ees_individual_files")
    op.drop_table("ees_idempotency_keys")
    op.drop_table("ees_crossing_points")
    with op.batch_alter_table("ees_access_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ees_access_log_at"))

    op.drop_table("ees_access_log")
