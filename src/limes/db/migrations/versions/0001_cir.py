"""The CIR: identity files, their travel documents and biometric templates.

Revision ID: 0001_cir
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_cir"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cir_identity_files",
        sa.Column("cir_id", sa.String(length=64), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("source_reference", sa.String(), nullable=False),
        sa.Column("surname_original", sa.String(), nullable=False),
        sa.Column("surname_mrz", sa.String(), nullable=False),
        sa.Column("surname_normalised", sa.String(), nullable=False),
        sa.Column("given_names_original", sa.String(), nullable=True),
        sa.Column("given_names_mrz", sa.String(), nullable=True),
        sa.Column("given_names_normalised", sa.String(), nullable=True),
        sa.Column("date_of_birth", sa.String(length=10), nullable=True),
        sa.Column("date_of_birth_precision", sa.String(length=16), nullable=True),
        sa.Column("sex", sa.String(), nullable=True),
        sa.Column("nationalities", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cir_id", name=op.f("pk_cir_identity_files")),
    )
    op.create_table(
        "cir_travel_documents",
        sa.Column("cir_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("document_type", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("issuing_state", sa.String(), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cir_id"],
            ["cir_identity_files.cir_id"],
            name=op.f("fk_cir_travel_documents_cir_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cir_id", "position", name=op.f("pk_cir_travel_documents")),
        sa.UniqueConstraint(
            "system",
            "number",
            "issuing_state",
            name=op.f("uq_cir_travel_documents_system_number_issuing_state"),
        ),
    )
    op.create_table(
        "cir_biometric_templates",
        sa.Column("cir_id", sa.String(length=64), nullable=False),
        sa.Column("modality", sa.String(length=16), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("quality", sa.SmallInteger(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cir_id"],
            ["cir_identity_files.cir_id"],
            name=op.f("fk_cir_biometric_templates_cir_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cir_id", "modality", name=op.f("pk_cir_biometric_templates")),
    )


def downgrade() -> None:
    op.drop_table("cir_biometric_templates")
    op.drop_table("cir_travel_documents")
    op.drop_table("cir_identity_files")
