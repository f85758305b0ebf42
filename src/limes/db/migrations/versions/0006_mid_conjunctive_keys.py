"""MID: the online detector blocks on the conjunctive keys of `limes mid detect`.

`mid_blocking_keys` held one fact per key (a surname, a year of birth); at a million
records such blocks hold thousands and a check compared hundreds of candidates. The
keys are rebuilt from `mid_records` with `limes.interop.mid.detector.CONJUNCTIVE`,
the keying of the initial load (Regulations (EU) 2019/817 and 2019/818, Art 27, 69),
so online and batch detection find the same candidates. The schema is unchanged.

Revision ID: 0006_mid_conjunctive_keys
Revises: 0005_mid
Create Date: 2026-12-07 17:20:00
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import orjson
import sqlalchemy as sa
from alembic import op

from limes.interop.mid.detector import CONJUNCTIVE
from limes.interop.mid.service import single_fact_keys
from limes.matching.identity import IdentityRecord

revision: str = "0006_mid_conjunctive_keys"
down_revision: str | Sequence[str] | None = "0005_mid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Records keyed per statement: bounded memory at millions of records.
_CHUNK = 5000

_records = sa.table(
    "mid_records", sa.column("record_id", sa.String), sa.column("identity", sa.Text)
)
_keys = sa.table(
    "mid_blocking_keys", sa.column("key", sa.String), sa.column("record_id", sa.String)
)


def upgrade() -> None:
    _rekey(CONJUNCTIVE.keys)


def downgrade() -> None:
    # Back to the single-fact keys of 0005.
    _rekey(single_fact_keys)


def _rekey(keys_of: Callable[[IdentityRecord], Iterable[str]]) -> None:
    connection = op.get_bind()
    connection.execute(sa.delete(_keys))
    after = ""
    while True:
        rows = connection.execute(
            sa.select(_records.c.record_id, _records.c.identity)
            .where(_records.c.record_id > after)
            .order_by(_records.c.record_id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        new_keys = [
            {"key": key, "record_id": record_id}
            for record_id, identity in rows
            for key in sorted(keys_of(IdentityRecord.from_json(orjson.loads(identity))))
        ]
        if new_keys:
            connection.execute(sa.insert(_keys), new_keys)
        after = rows[-1][0]
