"""The MID's tables (2019/817 and 2019/818 Art 25-36), and statements built once at import.

* `mid_records`: the identity data of each record the MID has seen (Art 27(3)), as the
  JSON of `limes match`, so candidates are judged without reading the source systems.
* `mid_blocking_keys`: blocking key to record, indexed by key: candidate retrieval in
  a few index probes, however many records there are.
* `mid_links`: one row per link (Art 28, 34(a), (b), (e)) with its colour, trail of
  reasons, responsible authority (Art 29) and manual-verification decision (Art 31-33).
* `mid_identity_confirmation_files` and `mid_icf_links`: the identity confirmation
  files and the links each holds (Art 34).
* `mid_progress`: how far the MID has read the CIR's change log.
* `mid_detection_runs`: the batches of detection of the last hour (when, how long,
  how many changes), for the lag an operator sees (`limes.interop.mid.domain.lag`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from limes.db.metadata import UTCDateTime, metadata

__all__ = [
    "blocking_keys",
    "detection_runs",
    "icf_links",
    "identity_confirmation_files",
    "links",
    "progress",
    "records",
]

_ID = 64
_ENUM = 16
_CODE = 64  # an authority code: "sirene_bureau:DEU"

records = Table(
    "mid_records",
    metadata,
    Column("record_id", String(_ID), primary_key=True),
    Column("system", String(_ENUM), nullable=False),
    Column("identity", Text, nullable=False),  # JSON of the identity fields
    Column("has_biometrics", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

blocking_keys = Table(
    "mid_blocking_keys",
    metadata,
    Column("key", String(160), nullable=False),
    Column("record_id", String(_ID), nullable=False),
    PrimaryKeyConstraint("key", "record_id"),
    Index("ix_mid_blocking_keys_record_id", "record_id"),
)

links = Table(
    "mid_links",
    metadata,
    Column("link_id", String(_ID), primary_key=True),
    Column("a_system", String(_ENUM), nullable=False),
    Column("a_record", String(_ID), nullable=False),
    Column("b_system", String(_ENUM), nullable=False),
    Column("b_record", String(_ID), nullable=False),
    Column("colour", String(_ENUM), nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of strings, oldest first
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("responsible_authority", String(_CODE), nullable=False),
    Column("decided_by", String(_ID), nullable=True),
    Column("decided_authority", String(_CODE), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("justification", Text, nullable=True),
    # One link per pair of records: detection never links the same pair twice.
    UniqueConstraint("a_record", "b_record"),
    Index("ix_mid_links_b_record", "b_record"),
    # The verification queue: yellow links of one authority, oldest first.
    Index("ix_mid_links_queue", "colour", "responsible_authority", "created_at"),
)

identity_confirmation_files = Table(
    "mid_identity_confirmation_files",
    metadata,
    Column("icf_id", String(_ID), primary_key=True),
    Column("single_identification_number", String(_ID), nullable=False, unique=True),
    Column("responsible_authority", String(_CODE), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

icf_links = Table(
    "mid_icf_links",
    metadata,
    Column("link_id", String(_ID), primary_key=True),  # a link is in at most one file
    Column("icf_id", String(_ID), nullable=False),
    Index("ix_mid_icf_links_icf_id", "icf_id"),
)

progress = Table(
    "mid_progress",
    metadata,
    Column("source", String(_ENUM), primary_key=True),  # "cir"
    Column("seq", BigInteger, nullable=False),
)

detection_runs = Table(
    "mid_detection_runs",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("finished_at", UTCDateTime, nullable=False),  # wall-clock time
    Column("seconds", Float, nullable=False),
    Column("changes", Integer, nullable=False),
    Column("links", Integer, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Index("ix_mid_detection_runs_finished_at", "finished_at"),
)
