"""EES: indexes for the retention job's selection of what is due (Art 34).

The job used to read every file, one query per file, in one write transaction. It
now selects by ranges on the exit of closed records, the end of stay of open ones,
the date of refusals and the last exit or refusal of files.

Revision ID: 0011_ees_retention_indexes
Revises: 0010_ees_versions
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_ees_retention_indexes"
down_revision: str | Sequence[str] | None = "0010_ees_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_ees_entry_exit_records_exit_at", "ees_entry_exit_records", "exit_at"),
    ("ix_ees_refusal_records_refused_at", "ees_refusal_records", "refused_at"),
    (
        "ix_ees_individual_files_last_exit_or_refusal",
        "ees_individual_files",
        "last_exit_or_refusal",
    ),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade() -> None:
    for name, table, _ in _INDEXES:
        op.drop_index(name, table_name=table)
