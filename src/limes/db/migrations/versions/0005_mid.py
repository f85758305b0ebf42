"""Interoperability: the CIR's change log, and the MID's records, links and files.

The change log starts with one "written" change per file already in the CIR, so the
multiple-identity detector runs over existing data once, as the initial load of
Art 69 of Regulations (EU) 2019/817 and 2019/818 asks.

Revision ID: 0005_mid
Revises: 0004_ees_erasure_notice
Create Date: 2026-11-23 18:21:40
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_mid"
down_revision: str | Sequence[str] | None = "0004_ees_erasure_notice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cir_identity_changes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("cir_id", sa.String(length=64), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_cir_identity_changes")),
    )
    op.execute(
        "INSERT INTO cir_identity_changes (cir_id, system, kind, changed_at) "
        "SELECT cir_id, system, 'written', updated_at FROM cir_identity_files "
        "ORDER BY updated_at, cir_id"
    )
    op.create_table(
        "mid_blocking_keys",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", "record_id", name=op.f("pk_mid_blocking_keys")),
    )
    with op.batch_alter_table("mid_blocking_keys", schema=None) as batch_op:
        batch_op.create_index("ix_mid_blocking_keys_record_id", ["record_id"], unique=False)

    op.create_table(
        "mid_icf_links",
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("icf_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_mid_icf_links")),
    )
    with op.batch_alter_table("mid_icf_links", schema=None) as batch_op:
        batch_op.create_index("ix_mid_icf_links_icf_id", ["icf_id"], unique=False)

    op.create_table(
        "mid_identity_confirmation_files",
        sa.Column("icf_id", sa.String(length=64), nullable=False),
        sa.Column("single_identification_number", sa.String(length=64), nullable=False),
        sa.Column("responsible_authority", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("icf_id", name=op.f("pk_mid_identity_confirmation_files")),
        sa.UniqueConstraint(
            "single_identification_number",
            name=op.f("uq_mid_identity_confirmation_files_single_identification_number"),
        ),
    )
    op.create_table(
        "mid_links",
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("a_system", sa.String(length=16), nullable=False),
        sa.Column("a_record", sa.String(length=64), nullable=False),
        sa.Column("b_system", sa.String(length=16), nullable=False),
        sa.Column("b_record", sa.String(length=64), nullable=False),
        sa.Column("colour", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responsible_authority", sa.String(length=64), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_authority", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_mid_links")),
        sa.UniqueConstraint("a_record", "b_record", name=op.f("uq_mid_links_a_record_b_record")),
    )
    with op.batch_alter_table("mid_links", schema=None) as batch_op:
        batch_op.create_index("ix_mid_links_b_record", ["b_record"], unique=False)
        batch_op.create_index(
            "ix_mid_links_queue", ["colour", "responsible_authority", "created_at"], unique=False
        )

    op.create_table(
        "mid_progress",
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_mid_progress")),
    )
    op.create_table(
        "mid_records",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("has_biometrics", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_mid_records")),
    )


def downgrade() -> None:
    op.drop_table("mid_records")
    op.drop_table("mid_progress")
    with op.batch_alter_table("mid_links", schema=None) as batch_op:
        batch_op.drop_index("ix_mid_links_queue")
        batch_op.drop_index("ix_mid_links_b_record")

    op.drop_table("mid_links")
    op.drop_table("mid_identity_confirmation_files")
    with op.batch_alter_table("mid_icf_links", schema=None) as batch_op:
        batch_op.drop_index("ix_mid_icf_links_icf_id")

    op.drop_table("mid_icf_links")
    with op.batch_alter_table("mid_blocking_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_mid_blocking_keys_record_id")

    op.drop_table("mid_blocking_keys")
    op.drop_table("cir_identity_changes")
