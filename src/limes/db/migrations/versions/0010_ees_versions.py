"""EES: a version on individual files and entry/exit records.

An update names the version it was decided on and is refused if the row changed
meanwhile (optimistic concurrency), so an exit decided before a rebuttal of an
overstay (Reg. (EU) 2017/2226 Art 20) was stored cannot silently erase it.

Revision ID: 0010_ees_versions
Revises: 0009_mid_detection_runs
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_ees_versions"
down_revision: str | Sequence[str] | None = "0009_mid_detection_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("ees_individual_files", "ees_entry_exit_records")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
