"""The CIR's tables and the statements over them, built once at import.

Tables (one row per file, per document, per template, per change):

* `cir_identity_files`: the file and its identity data; names in three forms,
  the date of birth as a partial ISO date with its precision, the nationalities
  as comma-joined alpha-3 codes (read whole, never searched one by one).
* `cir_travel_documents`: the file's documents in order; one document number of
  one issuing state belongs to at most one file per source system.
* `cir_biometric_templates`: one template per file and modality.
* `cir_identity_keys`: the identity keys of each file (64-bit ids of
  `identity_search.identity_keys`), for the search by identity data (EES Art 23(2),
  27): one indexed probe per key, never a scan of the files.
* `cir_identity_changes`: every creation, update and erasure of a file, in commit
  order, written in the transaction that made it; the multiple-identity detector
  reads it to launch detection for each (2019/817 Art 27(1)).
* `cir_access_log`: one row per police identification or hit-flag query, refused or
  not (2019/817 Art 24): who, why, on what ground, the kinds of data searched with,
  the outcome and the cir_ids that answered; never the data queried or returned.
  Written in its own transaction (`sql_access`), so a refusal's entry is kept.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy import func as sa_func

from limes.db.metadata import UTCDateTime, metadata
from limes.interop.cir.models import Modality, SourceSystem

__all__ = [
    "access_log",
    "biometric_templates",
    "identity_changes",
    "identity_files",
    "identity_keys",
    "travel_documents",
]

_ENUM = 16  # length of the columns holding an enum value of ours

identity_files = Table(
    "cir_identity_files",
    metadata,
    Column("cir_id", String(64), primary_key=True),
    Column("system", String(_ENUM), nullable=False),
    Column("source_reference", String, nullable=False),
    Column("surname_original", String, nullable=False),
    Column("surname_mrz", String, nullable=False),
    Column("surname_normalised", String, nullable=False),
    Column("given_names_original", String, nullable=True),
    Column("given_names_mrz", String, nullable=True),
    Column("given_names_normalised", String, nullable=True),
    Column("date_of_birth", String(10), nullable=True),  # YYYY, YYYY-MM or YYYY-MM-DD
    Column("date_of_birth_precision", String(_ENUM), nullable=True),
    Column("sex", String, nullable=True),
    Column("nationalities", String, nullable=False),  # "UKR,GRC"; "" for none
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("member_state", String(3), nullable=True),  # Art 29(1): who created or updated
)

travel_documents = Table(
    "cir_travel_documents",
    metadata,
    Column(
        "cir_id",
        String(64),
        ForeignKey(identity_files.c.cir_id, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", SmallInteger, nullable=False),  # order within the file
    Column("system", String(_ENUM), nullable=False),  # the file's system, for the rule below
    Column("document_type", String, nullable=False),
    Column("number", String, nullable=False),
    Column("issuing_state", String, nullable=False),
    Column("expiry", Date, nullable=True),
    PrimaryKeyConstraint("cir_id", "position"),
    # One document maps to one file per system; the constraint's index serves lookups.
    UniqueConstraint("system", "number", "issuing_state"),
)

biometric_templates = Table(
    "cir_biometric_templates",
    metadata,
    Column(
        "cir_id",
        String(64),
        ForeignKey(identity_files.c.cir_id, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("modality", String(_ENUM), nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Column("quality", SmallInteger, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    PrimaryKeyConstraint("cir_id", "modality"),
)

identity_keys = Table(
    "cir_identity_keys",
    metadata,
    Column("system", String(_ENUM), nullable=False),  # the file's system: searches stay in one
    Column("key_id", BigInteger, nullable=False),
    Column(
        "cir_id",
        String(64),
        ForeignKey(identity_files.c.cir_id, ondelete="CASCADE"),
        nullable=False,
    ),
    # The key serves the search (system, key) -> files; the index on cir_id the rewrite
    # of a file's keys and the cascade of its erasure.
    PrimaryKeyConstraint("system", "key_id", "cir_id"),
    Index("ix_cir_identity_keys_cir_id", "cir_id"),
)

identity_changes = Table(
    "cir_identity_changes",
    metadata,
    # SQLite gives an INTEGER PRIMARY KEY the rowid, so the sequence grows there too.
    Column(
        "seq",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("cir_id", String(64), nullable=False),  # no foreign key: erasures are kept
    Column("system", String(_ENUM), nullable=False),
    Column("kind", String(_ENUM), nullable=False),  # "written" or "erased"
    Column("changed_at", UTCDateTime, nullable=False),
)

access_log = Table(
    "cir_access_log",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("at", UTCDateTime, nullable=False),
    Column("operation", String(32), nullable=False),  # "police_identification" or "hit_flag"
    # Free text as the requester stated it (or their account holds it): no length that
    # PostgreSQL would enforce, so that an entry is never refused for being long.
    Column("authority", String, nullable=False),
    Column("user_id", String, nullable=True),
    Column("purpose", Text, nullable=False),
    Column("ground", String, nullable=True),
    Column("query_fields", Text, nullable=False),  # JSON array of kinds: "biometric:face"
    Column("outcome", String(64), nullable=False),
    Column("result_references", Text, nullable=False),  # JSON array of cir_ids
    # Supervision reads one authority's entries, newest first, or everyone's.
    Index("ix_cir_access_log_authority_at", "authority", "at"),
    Index("ix_cir_access_log_at", "at"),
)

_files, _docs, _tpls = identity_files, travel_documents, biometric_templates
_keys = identity_keys
_found = _docs.alias("found")

# The file's columns with its documents' (LEFT JOIN: a file may hold none), in order.
_DOCUMENT_COLUMNS = (_docs.c.document_type, _docs.c.number, _docs.c.issuing_state, _docs.c.expiry)
_FILE_COLUMNS = (*_files.c, *_DOCUMENT_COLUMNS)
GET = (
    select(*_FILE_COLUMNS)
    .select_from(_files.outerjoin(_docs, _docs.c.cir_id == _files.c.cir_id))
    .where(_files.c.cir_id == bindparam("cir_id"))
    .order_by(_docs.c.position)
)
# One query: the matching document (unique index), its file (primary key) and all
# the file's documents (primary-key prefix).
FIND_BY_DOCUMENT = (
    select(*_FILE_COLUMNS)
    .select_from(
        _found.join(_files, _files.c.cir_id == _found.c.cir_id).outerjoin(
            _docs, _docs.c.cir_id == _files.c.cir_id
        )
    )
    .where(
        _found.c.system == bindparam("system"),
        _found.c.number == bindparam("number"),
        _found.c.issuing_state == bindparam("issuing_state"),
    )
    .order_by(_docs.c.position)
)
# The same document in every system's files: `system IN (every system)` lets both
# databases probe the (system, number, issuing_state) unique index once per system
# instead of scanning the table, since that index does not lead with the number.
FILES_OF_DOCUMENT = (
    select(*_FILE_COLUMNS)
    .select_from(
        _found.join(_files, _files.c.cir_id == _found.c.cir_id).outerjoin(
            _docs, _docs.c.cir_id == _files.c.cir_id
        )
    )
    .where(
        _found.c.system.in_([system.value for system in SourceSystem]),
        _found.c.number == bindparam("number"),
        _found.c.issuing_state == bindparam("issuing_state"),
    )
    .order_by(_files.c.cir_id, _docs.c.position)
)
INSERT_IDENTITY_KEYS = insert(_keys)
DELETE_IDENTITY_KEYS = delete(_keys).where(_keys.c.cir_id == bindparam("cir_id"))
# The files of some keys: one range of the primary key per key, at most `limit` files.
FILES_BY_IDENTITY = (
    select(_keys.c.cir_id)
    .where(
        _keys.c.system == bindparam("system"),
        _keys.c.key_id.in_(bindparam("key_ids", expanding=True)),
    )
    .distinct()
    .order_by(_keys.c.cir_id)
    .limit(bindparam("limit"))
)
EXISTS = select(exists().where(_files.c.cir_id == bindparam("cir_id")))
INSERT_FILE = insert(_files)
INSERT_DOCUMENTS = insert(_docs)
INSERT_TEMPLATES = insert(_tpls)
_UPDATE_KEEPS = frozenset({"cir_id", "system", "source_reference", "created_at", "member_state"})
# An update by no named Member State keeps the one recorded.
_UPDATED_STATE = sa_func.coalesce(bindparam("member_state", type_=String), _files.c.member_state)
UPDATE_FILE = (
    update(_files)
    .where(_files.c.cir_id == bindparam("b_cir_id"))
    .values({c.name: bindparam(c.name) for c in _files.c if c.name not in _UPDATE_KEEPS})
    .values(member_state=_UPDATED_STATE)
    .returning(_files.c.system)
)
SET_MEMBER_STATE = (
    update(_files)
    .where(_files.c.cir_id == bindparam("b_cir_id"))
    .values(member_state=bindparam("member_state"))
)
DELETE_DOCUMENTS = delete(_docs).where(_docs.c.cir_id == bindparam("cir_id"))
DELETE_TEMPLATES = delete(_tpls).where(
    _tpls.c.cir_id == bindparam("cir_id"),
    _tpls.c.modality.in_(bindparam("modalities", expanding=True)),
)
DELETE_FILE = delete(_files).where(_files.c.cir_id == bindparam("cir_id"))
_TEMPLATE_COLUMNS = (_tpls.c.modality, _tpls.c.vector, _tpls.c.quality, _tpls.c.synthetic)
TEMPLATES = select(*_TEMPLATE_COLUMNS).where(_tpls.c.cir_id == bindparam("cir_id"))
TEMPLATES_OF = TEMPLATES.where(_tpls.c.modality.in_(bindparam("modalities", expanding=True)))

# Every template of one modality: the stand-in gallery of CIR police identification
# until the sBMS answers 1:N (see `limes.interop.cir.search`); it reads the table whole.
ALL_TEMPLATES = (
    select(_tpls.c.cir_id, _files.c.system, *_TEMPLATE_COLUMNS)
    .join(_files, _files.c.cir_id == _tpls.c.cir_id)
    .where(_tpls.c.modality == bindparam("modality"))
    .order_by(_tpls.c.cir_id)
)
_chg = identity_changes
INSERT_CHANGES = insert(_chg)
CHANGES_AFTER = (
    select(_chg.c.seq, _chg.c.cir_id, _chg.c.system, _chg.c.kind, _chg.c.changed_at)
    .where(_chg.c.seq > bindparam("after"))
    .order_by(_chg.c.seq)
    .limit(bindparam("limit"))
)
LAST_CHANGE = select(_chg.c.seq).order_by(_chg.c.seq.desc()).limit(1)
COUNT_CHANGES_AFTER = select(sa_func.count()).where(_chg.c.seq > bindparam("after"))
# The pending part of the log is short when detection keeps up: a range of the key.
CHANGED_AFTER = (
    select(_chg.c.seq)
    .where(_chg.c.seq > bindparam("after"), _chg.c.cir_id == bindparam("cir_id"))
    .limit(1)
)
FILE_SYSTEM = select(_files.c.system).where(_files.c.cir_id == bindparam("cir_id"))

_log = access_log
INSERT_ACCESS_LOG = insert(_log)
# Newest first; entries of one instant (a fixed clock, a busy second) in reverse order
# of writing. The filters are added per call (`sql_access.SqlAccessLog.read`).
READ_ACCESS_LOG = select(
    _log.c.at,
    _log.c.operation,
    _log.c.authority,
    _log.c.purpose,
    _log.c.ground,
    _log.c.query_fields,
    _log.c.outcome,
    _log.c.result_references,
    _log.c.user_id,
).order_by(_log.c.at.desc(), _log.c.id.desc())

SYSTEM_ORDER = {system: index for index, system in enumerate(SourceSystem)}
MODALITY_ORDER = {modality: index for index, modality in enumerate(Modality)}
