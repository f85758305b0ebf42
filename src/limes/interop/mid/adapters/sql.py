"""The MID's records, blocking keys, links and identity confirmation files in SQL."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Row,
    bindparam,
    delete,
    insert,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy import func as sa_func
from sqlalchemy.sql.expression import Executable

from limes.core.errors import InvalidRequest
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.mid.adapters.sql_tables import (
    blocking_keys,
    detection_runs,
    icf_links,
    identity_confirmation_files,
    links,
    progress,
    records,
)
from limes.interop.mid.domain.lag import DetectionRun
from limes.interop.mid.domain.models import (
    IdentityConfirmationFile,
    Link,
    LinkColour,
    RecordRef,
    Verification,
)
from limes.interop.mid.linking import IndexedRecord
from limes.interop.mid.ports import StoredRecord
from limes.matching.identity import IdentityRecord

__all__ = ["SqlMidRepository", "SqlMidStore", "SqlMidUnitOfWork"]

_rec, _keys, _links, _icf, _icfl = (
    records,
    blocking_keys,
    links,
    identity_confirmation_files,
    icf_links,
)

_RECORD_COLUMNS = (_rec.c.record_id, _rec.c.system, _rec.c.identity, _rec.c.has_biometrics)
_RECORDS = select(*_RECORD_COLUMNS).where(_rec.c.record_id.in_(bindparam("ids", expanding=True)))
_DELETE_RECORD = delete(_rec).where(_rec.c.record_id == bindparam("record_id"))
_DELETE_KEYS = delete(_keys).where(_keys.c.record_id == bindparam("record_id"))
_INSERT_RECORD = insert(_rec)
_INSERT_KEYS = insert(_keys)
# Parsed identities by their stored JSON: a frequent name or date of birth brings the
# same candidates to one record after another. About 1 kB each.
_PARSED_IDENTITIES = 1 << 16

_LINK_COLUMNS = tuple(_links.c)
_LINKED = select(_links.c.a_record, _links.c.b_record).where(
    or_(_links.c.a_record == bindparam("record_id"), _links.c.b_record == bindparam("record_id"))
)
_LINK = select(*_LINK_COLUMNS).where(_links.c.link_id == bindparam("link_id"))
_LINKS_OF = (
    select(*_LINK_COLUMNS)
    .where(
        or_(
            _links.c.a_record == bindparam("record_id"), _links.c.b_record == bindparam("record_id")
        )
    )
    .order_by(_links.c.created_at, _links.c.link_id)
)
_PENDING = (
    select(*_LINK_COLUMNS)
    .where(_links.c.colour == LinkColour.YELLOW.value)
    .order_by(_links.c.created_at, _links.c.link_id)
    .limit(bindparam("limit"))
)
_PENDING_OF = _PENDING.where(
    _links.c.responsible_authority.in_(bindparam("authorities", expanding=True))
)
_COUNT_PENDING = select(sa_func.count()).where(_links.c.colour == LinkColour.YELLOW.value)
_COUNT_PENDING_OF = _COUNT_PENDING.where(
    _links.c.responsible_authority.in_(bindparam("authorities", expanding=True))
)
_DECIDE = (
    update(_links)
    .where(
        _links.c.link_id == bindparam("b_link_id"),
        _links.c.colour == bindparam("expected"),
        _links.c.decided_at.is_(None),
    )
    .values(
        colour=bindparam("colour"),
        reasons=bindparam("reasons"),
        updated_at=bindparam("updated_at"),
        decided_by=bindparam("decided_by"),
        decided_authority=bindparam("decided_authority"),
        decided_at=bindparam("decided_at"),
        justification=bindparam("justification"),
    )
)
_DELETE_LINKS = delete(_links).where(_links.c.link_id.in_(bindparam("ids", expanding=True)))
_DELETE_ICF_LINKS = delete(_icfl).where(_icfl.c.link_id.in_(bindparam("ids", expanding=True)))
_ICF = select(*_icf.c).where(_icf.c.icf_id == bindparam("icf_id"))
_ICF_LINKS = (
    select(*_LINK_COLUMNS)
    .select_from(_icfl.join(_links, _links.c.link_id == _icfl.c.link_id))
    .where(_icfl.c.icf_id == bindparam("icf_id"))
    .order_by(_links.c.created_at, _links.c.link_id)
)
_ICF_OF_RECORDS = (
    select(_icfl.c.icf_id)
    .select_from(_icfl.join(_links, _links.c.link_id == _icfl.c.link_id))
    .where(
        or_(
            _links.c.a_record.in_(bindparam("ids", expanding=True)),
            _links.c.b_record.in_(bindparam("ids", expanding=True)),
        )
    )
    .order_by(_icfl.c.icf_id)
    .limit(1)
)
_DELETE_ICF = delete(_icf).where(_icf.c.icf_id == bindparam("icf_id"))
_DELETE_ICF_MEMBERS = delete(_icfl).where(_icfl.c.icf_id == bindparam("icf_id"))
_PROGRESS = select(progress.c.seq).where(progress.c.source == "cir")
# Two detectors (the worker, `limes mid run`) take turns: on PostgreSQL the second
# waits on the row (SQLite's writer lock already serialises them; it has no FOR UPDATE).
_CLAIM_PROGRESS = _PROGRESS.with_for_update()
_runs = detection_runs
_RUN_COLUMNS = (
    _runs.c.finished_at,
    _runs.c.seconds,
    _runs.c.changes,
    _runs.c.links,
    _runs.c.last_seq,
)
_RUNS_SINCE = (
    select(*_RUN_COLUMNS)
    .where(_runs.c.finished_at > bindparam("since"))
    .order_by(_runs.c.finished_at)
)
_LAST_RUN = select(*_RUN_COLUMNS).order_by(_runs.c.finished_at.desc()).limit(1)
_PRUNE_RUNS = delete(_runs).where(_runs.c.finished_at < bindparam("before"))
_UPDATE_PROGRESS = update(progress).where(progress.c.source == "cir").values(seq=bindparam("seq"))


def identity_json(identity: IdentityRecord) -> dict[str, str]:
    """The identity as the JSON of `limes match`: only the fields that are set."""
    fields: dict[str, str | None] = {
        "surname": identity.surname or None,
        "given_names": identity.given_names or None,
        "dob": identity.dob.isoformat() if identity.dob else None,
        "sex": identity.sex.value if identity.sex else None,
        "nationality": identity.nationality,
        "doc_number": identity.doc_number,
        "doc_country": identity.doc_country,
        "place_of_birth": identity.place_of_birth,
    }
    return {name: value for name, value in fields.items() if value is not None}


# A PostgreSQL advisory lock, held by a decision's transaction: decisions are taken at
# an officer's pace, so one at a time costs nothing and keeps the ICF consistent.
_DECISIONS_LOCK_KEY = 0x4D4944_0001  # "MID", 1
_LOCK_DECISIONS = text("SELECT pg_advisory_xact_lock(:key)")


class SqlMidRepository:
    """`MidRepository` over one connection; the caller owns the transaction."""

    __slots__ = ("_c", "_read")

    def __init__(self, connection: Connection) -> None:
        self._c = connection
        # Records read with their candidates' keys, by id, until written here.
        self._read: dict[str, Sequence[Any]] = {}

    def record(self, record_id: str) -> StoredRecord | None:
        """The record with this id, or None."""
        found = self.records([record_id])
        return found[0] if found else None

    def records(self, record_ids: Sequence[str]) -> list[StoredRecord]:
        """The records with these ids that are held, in the order asked."""
        if not record_ids:
            return []
        rows: dict[str, Sequence[Any]] = {i: self._read[i] for i in record_ids if i in self._read}
        unread = [i for i in record_ids if i not in rows]
        if unread:
            rows.update((row[0], row) for row in self._c.execute(_RECORDS, {"ids": unread}))
        return [_stored(rows[i]) for i in record_ids if i in rows]

    def put_record(self, stored: StoredRecord, keys: Sequence[str], at: datetime) -> None:
        """Store or replace a record and its blocking keys."""
        record_id = stored.record.ref.record_id
        self.remove_record(record_id)
        self._c.execute(
            _INSERT_RECORD,
            {
                "record_id": record_id,
                "system": stored.record.ref.system,
                "identity": orjson.dumps(identity_json(stored.record.identity)).decode(),
                "has_biometrics": stored.has_biometrics,
                "updated_at": at.astimezone(UTC),
            },
        )
        if keys:
            self._c.execute(
                _INSERT_KEYS, [{"key": key, "record_id": record_id} for key in dict.fromkeys(keys)]
            )

    def remove_record(self, record_id: str) -> bool:
        """Remove a record and its keys; False if it was not held."""
        self._read.pop(record_id, None)
        self._c.execute(_DELETE_KEYS, {"record_id": record_id})
        return self._c.execute(_DELETE_RECORD, {"record_id": record_id}).rowcount > 0

    def candidates(self, blocks: Mapping[str, int]) -> tuple[list[str], int]:
        """Record ids sharing a key (of `blocks`, key to cap) whose block holds fewer than its cap.

        One statement for all the keys, which also reads the candidates' records for
        `records` (kept until this repository writes one of them).
        """
        if not blocks:
            return [], 0
        # Padded to a few statement sizes: compiling a statement of dozens of probes
        # costs more than running it, so every size compiled is kept (`_blocks`).
        size = _padded(len(blocks))
        parameters: dict[str, Any] = {f"k{i}": _NO_KEY for i in range(size)}
        parameters.update({f"c{i}": 1 for i in range(size)})
        for i, (key, cap) in enumerate(blocks.items()):
            parameters.update({f"k{i}": key, f"c{i}": cap})
        found: dict[str, None] = {}
        full = 0
        for row in self._c.execute(_blocks(size), parameters):
            if row.held >= row.cap:
                full += 1
                continue
            found[row.record_id] = None
            if row.identity is not None:
                self._read[row.record_id] = row
        return list(found), full

    def add_links(self, new_links: Sequence[Link]) -> None:
        """Store new links."""
        if new_links:
            self._c.execute(insert(_links), [_link_row(link) for link in new_links])

    def link(self, link_id: str) -> Link | None:
        """The link with this id, or None."""
        row = self._c.execute(_LINK, {"link_id": link_id}).first()
        return _link(row) if row is not None else None

    def linked_pairs(self, record_id: str) -> set[str]:
        """The ids of the records already linked to this one."""
        return {
            b if a == record_id else a
            for a, b in self._c.execute(_LINKED, {"record_id": record_id})
        }

    def links_of(self, record_id: str) -> list[Link]:
        """Every link of a record, oldest first."""
        return [_link(row) for row in self._c.execute(_LINKS_OF, {"record_id": record_id})]

    def serialize_decisions(self) -> None:
        """Hold the decisions' lock until the transaction ends (on SQLite, the writer lock)."""
        if self._c.dialect.name == "postgresql":
            self._c.execute(_LOCK_DECISIONS, {"key": _DECISIONS_LOCK_KEY})

    def save_decision(self, link: Link, expected: LinkColour) -> bool:
        """Write a decided link if it still has colour `expected` and no decision; else False."""
        v = link.verification
        if v is None:
            raise ValueError("save_decision needs a decided link")
        result = self._c.execute(
            _DECIDE,
            {
                "b_link_id": link.link_id,
                "expected": expected.value,
                "colour": link.colour.value,
                "reasons": orjson.dumps(list(link.reasons)).decode(),
                "updated_at": link.updated_at.astimezone(UTC),
                "decided_by": v.decided_by,
                "decided_authority": v.authority,
                "decided_at": v.decided_at.astimezone(UTC),
                "justification": v.justification,
            },
        )
        return result.rowcount == 1

    def pending(self, authorities: Sequence[str] | None, limit: int) -> list[Link]:
        """Yellow links awaiting verification, oldest first, of some authorities or all."""
        if authorities is None:
            rows = self._c.execute(_PENDING, {"limit": limit})
        else:
            parameters = {"limit": limit, "authorities": list(authorities)}
            rows = self._c.execute(_PENDING_OF, parameters)
        return [_link(row) for row in rows]

    def count_pending(self, authorities: Sequence[str] | None) -> int:
        """How many yellow links await verification, of some authorities or all."""
        if authorities is None:
            return int(self._c.execute(_COUNT_PENDING).scalar() or 0)
        parameters = {"authorities": list(authorities)}
        return int(self._c.execute(_COUNT_PENDING_OF, parameters).scalar() or 0)

    def remove_links(self, link_ids: Sequence[str]) -> None:
        """Delete links (and their places in identity confirmation files)."""
        if link_ids:
            self._c.execute(_DELETE_ICF_LINKS, {"ids": list(link_ids)})
            self._c.execute(_DELETE_LINKS, {"ids": list(link_ids)})

    def file_of_records(self, record_ids: Sequence[str]) -> IdentityConfirmationFile | None:
        """The identity confirmation file holding a link of any of these records, or None."""
        icf_id = self._c.execute(_ICF_OF_RECORDS, {"ids": list(record_ids)}).scalar()
        return self.file(icf_id) if icf_id is not None else None

    def file(self, icf_id: str) -> IdentityConfirmationFile | None:
        """The identity confirmation file with this id, or None."""
        row = self._c.execute(_ICF, {"icf_id": icf_id}).first()
        if row is None:
            return None
        members = tuple(_link(r) for r in self._c.execute(_ICF_LINKS, {"icf_id": icf_id}))
        return IdentityConfirmationFile(
            icf_id=row.icf_id,
            single_identification_number=row.single_identification_number,
            links=members,
            responsible_authority=row.responsible_authority,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def put_file(self, icf: IdentityConfirmationFile) -> None:
        """Store or replace an identity confirmation file with its links."""
        self.remove_file(icf.icf_id)
        self._c.execute(
            insert(_icf),
            {
                "icf_id": icf.icf_id,
                "single_identification_number": icf.single_identification_number,
                "responsible_authority": icf.responsible_authority,
                "created_at": icf.created_at.astimezone(UTC),
                "updated_at": icf.updated_at.astimezone(UTC),
            },
        )
        if icf.links:
            self._c.execute(
                insert(_icfl),
                [{"link_id": link.link_id, "icf_id": icf.icf_id} for link in icf.links],
            )

    def remove_file(self, icf_id: str) -> None:
        """Delete an identity confirmation file."""
        self._c.execute(_DELETE_ICF_MEMBERS, {"icf_id": icf_id})
        self._c.execute(_DELETE_ICF, {"icf_id": icf_id})

    def progress(self) -> int:
        """The last CIR change the MID has processed, 0 before the first."""
        return int(self._c.execute(_PROGRESS).scalar() or 0)

    def claim_progress(self) -> int:
        """`progress`, holding it against another detector until the transaction ends."""
        return int(self._c.execute(_CLAIM_PROGRESS).scalar() or 0)

    def set_progress(self, seq: int) -> None:
        """Record that the MID has processed the CIR's changes up to `seq`."""
        if self._c.execute(_UPDATE_PROGRESS, {"seq": seq}).rowcount == 0:
            self._c.execute(insert(progress), {"source": "cir", "seq": seq})

    def add_run(self, run: DetectionRun, prune_before: datetime) -> None:
        """Record a batch of detection; forget those that ended before `prune_before`."""
        self._c.execute(_PRUNE_RUNS, {"before": prune_before.astimezone(UTC)})
        self._c.execute(
            insert(_runs),
            {
                "finished_at": run.finished_at.astimezone(UTC),
                "seconds": run.seconds,
                "changes": run.changes,
                "links": run.links,
                "last_seq": run.last_seq,
            },
        )

    def runs_since(self, since: datetime) -> list[DetectionRun]:
        """The batches that ended after `since`, oldest first."""
        rows = self._c.execute(_RUNS_SINCE, {"since": since.astimezone(UTC)})
        return [DetectionRun(*row) for row in rows]

    def last_run(self) -> DetectionRun | None:
        """The batch that ended last, or None."""
        row = self._c.execute(_LAST_RUN).first()
        return DetectionRun(*row) if row is not None else None


class SqlMidUnitOfWork:
    """The MID's and the CIR's repositories over one transaction."""

    __slots__ = ("identities", "mid")

    def __init__(self, connection: Connection) -> None:
        self.mid = SqlMidRepository(connection)
        self.identities = SqlIdentityRepository(connection)


class SqlMidStore:
    """`MidStore` over an engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[SqlMidUnitOfWork]:
        """One transaction over the MID and CIR tables."""
        with SqlUnitOfWork(self._engine, read_only=not write) as uow:
            yield SqlMidUnitOfWork(uow.connection)


# A key no record has: every stored key is "kind:value".
_NO_KEY = ""


def _padded(count: int) -> int:
    """The statement size for `count` keys: 8, 16, 32, then multiples of 32."""
    if count <= 32:
        return max(8, 1 << (count - 1).bit_length())
    return -(-count // 32) * 32


def _blocks(count: int) -> Executable:
    """The blocks of `count` keys (`k0`, `k1`, ...) in one statement, with their records.

    One bounded probe per key: reading as many ids as its cap (`c0`, `c1`, ...) says
    whether the block is full without counting a block of a million. Of a full block
    one row comes back, to count it; the others come with their record, key by key in
    the order given, each block in record-id order.
    """
    statement = _BLOCK_STATEMENTS.get(count)
    if statement is None:
        probes = []
        for i in range(count):
            cap = sa_cast(bindparam(f"c{i}", type_=Integer), Integer)
            probe = (
                select(
                    literal_column(str(i)).label("position"),
                    cap.label("cap"),
                    _keys.c.record_id,
                )
                .where(_keys.c.key == bindparam(f"k{i}"))
                .limit(cap)
                .subquery(f"b{i}")
            )
            probes.append(select(probe.c.position, probe.c.cap, probe.c.record_id))
        blocks = union_all(*probes).subquery("blocks")
        sized = select(
            blocks.c.position,
            blocks.c.cap,
            blocks.c.record_id,
            sa_func.count().over(partition_by=blocks.c.position).label("held"),
            sa_func.row_number().over(partition_by=blocks.c.position).label("nth"),
        ).subquery("sized")
        # The id from the block, not from the join: a key may outlive its record.
        statement = (
            select(
                sized.c.held,
                sized.c.cap,
                sized.c.record_id,
                _rec.c.system,
                _rec.c.identity,
                _rec.c.has_biometrics,
            )
            .select_from(sized.outerjoin(_rec, _rec.c.record_id == sized.c.record_id))
            .where(or_(sized.c.held < sized.c.cap, sized.c.nth == 1))
            .order_by(sized.c.position, sized.c.record_id)
        )
        _BLOCK_STATEMENTS[count] = statement
    return statement


_BLOCK_STATEMENTS: dict[int, Executable] = {}


def _stored(row: Sequence[Any]) -> StoredRecord:
    # The last four columns of `_RECORDS` and of the blocks statement alike.
    record_id, system, identity, has_biometrics = row[-4:]
    try:
        parsed = _parsed(identity)
    except InvalidRequest:
        # Again uncached, for the error to name the record.
        parsed = IdentityRecord.from_json(orjson.loads(identity), field=record_id)
    return StoredRecord(IndexedRecord(RecordRef(system, record_id), parsed), bool(has_biometrics))


@lru_cache(maxsize=_PARSED_IDENTITIES)
def _parsed(identity: str) -> IdentityRecord:
    return IdentityRecord.from_json(orjson.loads(identity))


def _link_row(link: Link) -> dict[str, Any]:
    v = link.verification
    return {
        "link_id": link.link_id,
        "a_system": link.a.system,
        "a_record": link.a.record_id,
        "b_system": link.b.system,
        "b_record": link.b.record_id,
        "colour": link.colour.value,
        "reasons": orjson.dumps(list(link.reasons)).decode(),
        "created_at": link.created_at.astimezone(UTC),
        "updated_at": link.updated_at.astimezone(UTC),
        "responsible_authority": link.responsible_authority,
        "decided_by": v.decided_by if v else None,
        "decided_authority": v.authority if v else None,
        "decided_at": v.decided_at.astimezone(UTC) if v else None,
        "justification": v.justification if v else None,
    }


def _link(row: Row[Any]) -> Link:
    m = row._mapping
    colour = LinkColour(m["colour"])
    verification = (
        Verification(
            decided_by=m["decided_by"],
            authority=m["decided_authority"],
            decided_at=m["decided_at"],
            colour=colour,
            justification=m["justification"] or "",
        )
        if m["decided_at"] is not None
        else None
    )
    return Link(
        link_id=m["link_id"],
        a=RecordRef(m["a_system"], m["a_record"]),
        b=RecordRef(m["b_system"], m["b_record"]),
        colour=colour,
        reasons=tuple(orjson.loads(m["reasons"])),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        responsible_authority=m["responsible_authority"],
        verification=verification,
    )
