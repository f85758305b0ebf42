"""CIR: identity keys of each file, for the EES's search by identity data.

Reg. (EU) 2017/2226 Art 23(2), 27 and Implementing Decision (EU) 2019/327: the border
check searches the CIR with the traveller's identity data, not only the document, so
that a person with a new passport finds the file they have. `cir_identity_keys` holds
the keys of `limes.interop.cir.identity_search.identity_keys` per file (64-bit ids),
searched by index. The keys of the files already stored are written here.

Revision ID: 0013_ees_person
Revises: 0012_ees_scope
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from limes.core.identity import Name, PartialDate
from limes.interop.cir.identity_search import key_ids
from limes.interop.cir.models import IdentityData

revision: str = "0013_ees_person"
down_revision: str | Sequence[str] | None = "0012_ees_scope"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Files keyed per statement: bounded memory at millions of files.
_CHUNK = 5000

_files = sa.table(
    "cir_identity_files",
    sa.column("cir_id", sa.String),
    sa.column("system", sa.String),
    sa.column("surname_original", sa.String),
    sa.column("surname_mrz", sa.String),
    sa.column("surname_normalised", sa.String),
    sa.column("given_names_original", sa.String),
    sa.column("given_names_mrz", sa.String),
    sa.column("given_names_normalised", sa.String),
    sa.column("date_of_birth", sa.String),
    sa.column("nationalities", sa.String),
)
_keys = sa.table(
    "cir_identity_keys",
    sa.column("system", sa.String),
    sa.column("key_id", sa.BigInteger),
    sa.column("cir_id", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "cir_identity_keys",
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.BigInteger(), nullable=False),
        sa.Column("cir_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["cir_id"],
            ["cir_identity_files.cir_id"],
            name=op.f("fk_cir_identity_keys_cir_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("system", "key_id", "cir_id", name=op.f("pk_cir_identity_keys")),
    )
    op.create_index(
        op.f("ix_cir_identity_keys_cir_id"), "cir_identity_keys", ["cir_id"], unique=False
    )
    _key_stored_files()


def downgrade() -> None:
    op.drop_index(op.f("ix_cir_identity_keys_cir_id"), table_name="cir_identity_keys")
    op.drop_table("cir_identity_keys")


def _key_stored_files() -> None:
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(*_files.c)
            .where(_files.c.cir_id > after)
            .order_by(_files.c.cir_id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        new_keys = [
            {"system": row.system, "key_id": key, "cir_id": row.cir_id}
            for row in rows
            for key in key_ids(_identity(row))
        ]
        if new_keys:
            connection.execute(sa.insert(_keys), new_keys)
        after = rows[-1].cir_id


def _identity(row: sa.Row[tuple[object, ...]]) -> IdentityData:
    given = (
        Name(row.given_names_original, row.given_names_mrz, row.given_names_normalised)
        if row.given_names_original is not None
        else None
    )
    nationalities = row.nationalities
    return IdentityData(
        surname=Name(row.surname_original, row.surname_mrz, row.surname_normalised),
        given_names=given,
        date_of_birth=PartialDate.parse(row.date_of_birth) if row.date_of_birth else None,
        sex=None,
        nationalities=tuple(nationalities.split(",")) if nationalities else (),
    )
