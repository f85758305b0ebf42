"""The EES tables in SQL, their statements built once, and the mapping of rows to records.

`limes.ees.adapters.sql` runs these statements on a unit of work's connection;
`limes.db.tables` gathers the tables for Alembic and the schema tests.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Row,
    String,
    Table,
    Text,
    bindparam,
    false,
    insert,
    or_,
    select,
    text,
    union,
    update,
)

from limes.db.metadata import UTCDateTime, metadata
from limes.ees.domain.corrections import (
    ErasureNotice,
    StayDecision,
    StayDecisionKind,
    unattached_log_erasure_date,
)
from limes.ees.domain.models import (
    BorderType,
    Completeness,
    CrossingPoint,
    EntryExitRecord,
    EvidenceKind,
    FingerprintStatus,
    IndividualFile,
    RecordSource,
    RefusalReason,
    RefusalRecord,
    SuspensionScope,
    TravellerKind,
    VisaDetails,
)
from limes.ees.ports import AccessLogEntry, IdempotentOutcome
from limes.shortstay import EntriesAllowed

_ENUM = 24

crossing_points = Table(
    "ees_crossing_points",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String, nullable=False),
    Column("country", String(3), nullable=False),
    Column("border_type", String(_ENUM), nullable=False),
    Column("ees_active", Boolean, nullable=False),
    Column("biometrics_required", Boolean, nullable=False),
    Column("suspension", String(_ENUM), nullable=False),
    Column("suspension_reason", String, nullable=True),
    Column("changed_at", UTCDateTime, nullable=True),
    Column("changed_by", String, nullable=True),
    # The IANA zone that decides the local day of a crossing (EES Art 11).
    Column("time_zone", String(64), nullable=False, server_default="UTC"),
)

individual_files = Table(
    "ees_individual_files",
    metadata,
    Column("file_id", String(64), primary_key=True),
    Column("cir_id", String(64), nullable=False, unique=True),
    Column("kind", String(_ENUM), nullable=False),
    Column("fingerprint_status", String(_ENUM), nullable=False),
    Column("completeness", String(_ENUM), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_exit_or_refusal", Date, nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    # EES Art 2(1)(b): a family member of a Union citizen at the last entry.
    Column("family_member", Boolean, nullable=False, server_default=false()),
    # The retention job selects files by their last exit or refusal (EES Art 34(2)).
    Index("ix_ees_individual_files_last_exit_or_refusal", "last_exit_or_refusal"),
)

entry_exit_records = Table(
    "ees_entry_exit_records",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column(
        "file_id",
        String(64),
        ForeignKey("ees_individual_files.file_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("entry_at", UTCDateTime, nullable=False),
    Column("entry_crossing_point", String(32), nullable=False),
    Column("authorised_stay_until", Date, nullable=False),
    Column("source", String(_ENUM), nullable=False),
    Column("visa_sticker_number", String(32), nullable=True),
    Column("visa_valid_from", Date, nullable=True),
    Column("visa_valid_until", Date, nullable=True),
    Column("visa_duration_days", Integer, nullable=True),
    Column("visa_entries", String(_ENUM), nullable=True),
    Column("visa_limited_territorial_validity", Boolean, nullable=True),
    Column("exit_at", UTCDateTime, nullable=True),
    Column("exit_crossing_point", String(32), nullable=True),
    Column("overstay_from", Date, nullable=True),
    Column("rebuttal", Text, nullable=True),
    Column("rebutted_at", UTCDateTime, nullable=True),
    Column("entry_stamp", Date, nullable=True),
    Column("exit_stamp", Date, nullable=True),
    Column("erasure_notice_on", Date, nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    # The local days of the crossings (EES Art 11); NULL for records kept before.
    Column("entry_date", Date, nullable=True),
    Column("exit_date", Date, nullable=True),
    # A fall-back crossing that needs a person to look at it (EES Art 21).
    Column("review_reason", Text, nullable=True),
    Column("exit_source", String(_ENUM), nullable=True),
    Column("rebuttal_kind", String(_ENUM), nullable=True),
    Column("exit_by_rebuttal", Boolean, nullable=False, server_default=false()),
    # EES Art 16(2): the authority that admitted the traveller, the family-member status.
    Column("authority", String, nullable=True),
    Column("family_member", Boolean, nullable=False, server_default=false()),
    Index("ix_ees_entry_exit_records_file_entry", "file_id", "entry_at"),
    Index(
        "ix_ees_entry_exit_records_for_review",
        "entry_at",
        sqlite_where=text("review_reason IS NOT NULL"),
        postgresql_where=text("review_reason IS NOT NULL"),
    ),
    Index(
        "uq_ees_entry_exit_records_one_open_entry",
        "file_id",
        unique=True,
        sqlite_where=text("exit_at IS NULL"),
        postgresql_where=text("exit_at IS NULL"),
    ),
    Index(
        "ix_ees_entry_exit_records_open_stay_end",
        "authorised_stay_until",
        sqlite_where=text("exit_at IS NULL"),
        postgresql_where=text("exit_at IS NULL"),
    ),
    Index("ix_ees_entry_exit_records_overstay_from", "overstay_from"),
    # The retention job selects closed records by their exit (EES Art 34(1)).
    Index("ix_ees_entry_exit_records_exit_at", "exit_at"),
)

refusal_records = Table(
    "ees_refusal_records",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column(
        "file_id",
        String(64),
        ForeignKey("ees_individual_files.file_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("refused_at", UTCDateTime, nullable=False),
    Column("crossing_point", String(32), nullable=False),
    Column("reasons", String(16), nullable=False),
    Column("source", String(_ENUM), nullable=False),
    Column("refused_on", Date, nullable=True),
    # EES Art 18: the authority that refused entry.
    Column("authority", String, nullable=True),
    # The retention job selects refusals by their date (EES Art 34(1)).
    Index("ix_ees_refusal_records_refused_at", "refused_at"),
)

access_log = Table(
    "ees_access_log",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("user_id", String, nullable=False),
    Column("role", String(_ENUM), nullable=False),
    Column("authority", String, nullable=False),
    Column("purpose", String, nullable=False),
    Column("operation", String(32), nullable=False),
    Column("crossing_point", String(32), nullable=True),
    Column("query", Text, nullable=False),
    Column("result_references", Text, nullable=False),
    # The one file the line concerns, and the day it goes (EES Art 46(4)): set when the
    # line names no single file, or when its file is erased.
    Column("subject", String(64), nullable=True, index=True),
    Column("erase_on", Date, nullable=True, index=True),
)

# Decisions on an authorised stay, entered in the entry/exit record (EES Art 19).
stay_decisions = Table(
    "ees_stay_decisions",
    metadata,
    Column("decision_id", String(64), primary_key=True),
    Column(
        "record_id",
        String(64),
        ForeignKey("ees_entry_exit_records.record_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("file_id", String(64), nullable=False, index=True),
    Column("kind", String(_ENUM), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("authority", String, nullable=False),
    Column("place", String, nullable=False),
    Column("grounds", Text, nullable=False),
    Column("previous_until", Date, nullable=False),
    Column("new_until", Date, nullable=False),
    Column("visa_sticker_number", String(32), nullable=True),
    Column("revocation_reasons", String(16), nullable=False, server_default=""),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", String, nullable=False),
)

# The outbox of notices to the Member States (EES Art 34): read and acknowledged by the
# authority of the Member State addressed.
erasure_notices = Table(
    "ees_erasure_notices",
    metadata,
    Column("notice_id", String(64), primary_key=True),
    Column("member_state", String(3), nullable=False),
    Column(
        "file_id",
        String(64),
        ForeignKey("ees_individual_files.file_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("record_id", String(64), nullable=False),
    Column("erasure_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=True),
    Column("acknowledged_by", String, nullable=True),
    Index("ix_ees_erasure_notices_member_state_created", "member_state", "created_at"),
)

idempotency_keys = Table(
    "ees_idempotency_keys",
    metadata,
    Column("key", String(200), nullable=False),
    Column("user_id", String, nullable=False),
    Column("operation", String(16), nullable=False),
    Column("request_digest", String(64), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("key", "user_id"),
)


# The statements of a border check, built once (a statement built per call costs more
# to build and to look up in the compiled cache than SQLite takes to run it).
FILE = select(individual_files).where(individual_files.c.file_id == bindparam("file_id"))
FILE_OF_IDENTITY = select(individual_files).where(individual_files.c.cir_id == bindparam("cir_id"))
ENTRY = select(entry_exit_records).where(entry_exit_records.c.record_id == bindparam("record_id"))
ENTRIES = (
    select(entry_exit_records)
    .where(entry_exit_records.c.file_id == bindparam("file_id"))
    .order_by(entry_exit_records.c.entry_at)
)
REFUSALS = (
    select(refusal_records)
    .where(refusal_records.c.file_id == bindparam("file_id"))
    .order_by(refusal_records.c.refused_at)
)
OUTCOME = select(idempotency_keys).where(
    idempotency_keys.c.key == bindparam("key"), idempotency_keys.c.user_id == bindparam("user_id")
)
INSERT_FILE = insert(individual_files)
# An update names its row by the bound "key" and the version it was decided on by
# "expected_version"; a row changed meanwhile is not updated (optimistic concurrency).
UPDATE_FILE = update(individual_files).where(
    individual_files.c.file_id == bindparam("key"),
    individual_files.c.version == bindparam("expected_version"),
)
INSERT_ENTRY = insert(entry_exit_records)
UPDATE_ENTRY = update(entry_exit_records).where(
    entry_exit_records.c.record_id == bindparam("key"),
    entry_exit_records.c.version == bindparam("expected_version"),
)
INSERT_ACCESS = insert(access_log)

# What the retention job looks at (EES Art 34): every part is a range on an index, so
# a day's run reads what may be due, not every file.
_records = entry_exit_records.c
FILES_DUE_FOR_RETENTION = union(
    select(_records.file_id).where(
        _records.exit_at.is_not(None), _records.exit_at < bindparam("exited_before")
    ),
    select(_records.file_id).where(
        _records.exit_at.is_(None),
        _records.authorised_stay_until < bindparam("stay_ended_before"),
        or_(
            _records.erasure_notice_on.is_(None),
            _records.authorised_stay_until < bindparam("noticed_stay_ended_before"),
        ),
    ),
    select(refusal_records.c.file_id).where(
        refusal_records.c.refused_at < bindparam("refused_before")
    ),
    select(individual_files.c.file_id).where(
        individual_files.c.last_exit_or_refusal < bindparam("last_exit_before")
    ),
    # Family members of Union citizens: a year after the exit (EES Art 34(4)).
    select(_records.file_id).where(
        _records.family_member.is_(True),
        _records.exit_at.is_not(None),
        _records.exit_at < bindparam("family_member_exited_before"),
    ),
    select(individual_files.c.file_id).where(
        individual_files.c.family_member.is_(True),
        individual_files.c.last_exit_or_refusal < bindparam("family_member_last_exit_before"),
    ),
)
INSERT_OUTCOME = insert(idempotency_keys)


def keyed(values: dict[str, Any], key: str) -> dict[str, Any]:
    """The values of a row to update, its key column renamed to the bound "key"."""
    # An UPDATE of many rows names its row by the bound "key", not by the column.
    values["key"] = values.pop(key)
    return values


def versioned(values: dict[str, Any], key: str) -> dict[str, Any]:
    """The values of a versioned row to update: found by key and version, version + 1."""
    values = keyed(values, key)
    values["expected_version"] = values["version"]
    values["version"] += 1
    return values


def file_from_row(row: Row[Any]) -> IndividualFile:
    """The individual file stored in this row."""
    return IndividualFile(
        file_id=row.file_id,
        cir_id=row.cir_id,
        kind=TravellerKind(row.kind),
        fingerprint_status=FingerprintStatus(row.fingerprint_status),
        completeness=Completeness(row.completeness),
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_exit_or_refusal=row.last_exit_or_refusal,
        version=row.version,
        family_member=bool(row.family_member),
    )


def file_values(f: IndividualFile) -> dict[str, Any]:
    """The row that stores this individual file."""
    return {
        "file_id": f.file_id,
        "cir_id": f.cir_id,
        "kind": f.kind.value,
        "fingerprint_status": f.fingerprint_status.value,
        "completeness": f.completeness.value,
        "created_at": f.created_at,
        "updated_at": f.updated_at,
        "last_exit_or_refusal": f.last_exit_or_refusal,
        "version": f.version,
        "family_member": f.family_member,
    }


def entry_from_row(row: Row[Any]) -> EntryExitRecord:
    """The entry/exit record stored in this row."""
    visa = None
    if row.visa_sticker_number is not None:
        visa = VisaDetails(
            sticker_number=row.visa_sticker_number,
            valid_from=row.visa_valid_from,
            valid_until=row.visa_valid_until,
            duration_days=row.visa_duration_days,
            entries=EntriesAllowed(row.visa_entries),
            limited_territorial_validity=bool(row.visa_limited_territorial_validity),
        )
    return EntryExitRecord(
        record_id=row.record_id,
        file_id=row.file_id,
        entry_at=row.entry_at,
        entry_crossing_point=row.entry_crossing_point,
        authorised_stay_until=row.authorised_stay_until,
        source=RecordSource(row.source),
        visa=visa,
        exit_at=row.exit_at,
        exit_crossing_point=row.exit_crossing_point,
        overstay_from=row.overstay_from,
        rebuttal=row.rebuttal,
        rebutted_at=row.rebutted_at,
        entry_stamp=row.entry_stamp,
        exit_stamp=row.exit_stamp,
        erasure_notice_on=row.erasure_notice_on,
        rebuttal_kind=EvidenceKind(row.rebuttal_kind) if row.rebuttal_kind else None,
        exit_by_rebuttal=bool(row.exit_by_rebuttal),
        version=row.version,
        entry_date=row.entry_date,
        exit_date=row.exit_date,
        review_reason=row.review_reason,
        exit_source=RecordSource(row.exit_source) if row.exit_source else None,
        authority=row.authority,
        family_member=bool(row.family_member),
    )


def entry_values(r: EntryExitRecord) -> dict[str, Any]:
    """The row that stores this entry/exit record."""
    v = r.visa
    return {
        "record_id": r.record_id,
        "file_id": r.file_id,
        "entry_at": r.entry_at,
        "entry_crossing_point": r.entry_crossing_point,
        "authorised_stay_until": r.authorised_stay_until,
        "source": r.source.value,
        "visa_sticker_number": v.sticker_number if v else None,
        "visa_valid_from": v.valid_from if v else None,
        "visa_valid_until": v.valid_until if v else None,
        "visa_duration_days": v.duration_days if v else None,
        "visa_entries": v.entries.value if v else None,
        "visa_limited_territorial_validity": v.limited_territorial_validity if v else None,
        "exit_at": r.exit_at,
        "exit_crossing_point": r.exit_crossing_point,
        "overstay_from": r.overstay_from,
        "rebuttal": r.rebuttal,
        "rebutted_at": r.rebutted_at,
        "entry_stamp": r.entry_stamp,
        "exit_stamp": r.exit_stamp,
        "erasure_notice_on": r.erasure_notice_on,
        "rebuttal_kind": r.rebuttal_kind.value if r.rebuttal_kind else None,
        "exit_by_rebuttal": r.exit_by_rebuttal,
        "version": r.version,
        "entry_date": r.entry_date,
        "exit_date": r.exit_date,
        "review_reason": r.review_reason,
        "exit_source": r.exit_source.value if r.exit_source else None,
        "authority": r.authority,
        "family_member": r.family_member,
    }


def refusal_from_row(row: Row[Any]) -> RefusalRecord:
    """The refusal record stored in this row."""
    return RefusalRecord(
        record_id=row.record_id,
        file_id=row.file_id,
        refused_at=row.refused_at,
        crossing_point=row.crossing_point,
        reasons=tuple(RefusalReason(letter) for letter in row.reasons),
        source=RecordSource(row.source),
        refused_on=row.refused_on,
        authority=row.authority,
    )


def refusal_values(record: RefusalRecord) -> dict[str, Any]:
    """The row that stores this refusal record."""
    return {
        "record_id": record.record_id,
        "file_id": record.file_id,
        "refused_at": record.refused_at,
        "crossing_point": record.crossing_point,
        "reasons": "".join(record.reasons),
        "source": record.source.value,
        "refused_on": record.refused_on,
        "authority": record.authority,
    }


def crossing_point_from_row(row: Row[Any]) -> CrossingPoint:
    """The crossing point stored in this row."""
    return CrossingPoint(
        code=row.code,
        name=row.name,
        country=row.country,
        border_type=BorderType(row.border_type),
        ees_active=bool(row.ees_active),
        biometrics_required=bool(row.biometrics_required),
        suspension=SuspensionScope(row.suspension),
        suspension_reason=row.suspension_reason,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
        time_zone=row.time_zone,
    )


def crossing_point_values(crossing_point: CrossingPoint) -> dict[str, Any]:
    """The row that stores this crossing point."""
    return {
        "code": crossing_point.code,
        "name": crossing_point.name,
        "country": crossing_point.country,
        "border_type": crossing_point.border_type.value,
        "ees_active": crossing_point.ees_active,
        "biometrics_required": crossing_point.biometrics_required,
        "suspension": crossing_point.suspension.value,
        "suspension_reason": crossing_point.suspension_reason,
        "changed_at": crossing_point.changed_at,
        "changed_by": crossing_point.changed_by,
        "time_zone": crossing_point.time_zone,
    }


def access_from_row(row: Row[Any]) -> AccessLogEntry:
    """The access log entry stored in this row."""
    return AccessLogEntry(
        at=row.at,
        user_id=row.user_id,
        role=row.role,
        authority=row.authority,
        purpose=row.purpose,
        operation=row.operation,
        crossing_point=row.crossing_point,
        query=json.loads(row.query),
        result_references=tuple(row.result_references.split()),
    )


def access_values(entry: AccessLogEntry) -> dict[str, Any]:
    """The row that stores this access log entry."""
    return {
        "at": entry.at,
        "user_id": entry.user_id,
        "role": entry.role,
        "authority": entry.authority,
        "purpose": entry.purpose,
        "operation": entry.operation,
        "crossing_point": entry.crossing_point,
        "query": json.dumps(entry.query, sort_keys=True),
        "result_references": " ".join(entry.result_references),
        "subject": entry.subject,
        "erase_on": None if entry.subject else unattached_log_erasure_date(entry.at.date()),
    }


def outcome_from_row(row: Row[Any]) -> IdempotentOutcome:
    """The Idempotency-Key outcome stored in this row."""
    return IdempotentOutcome(
        row.key, row.user_id, row.operation, row.request_digest, row.record_id, row.created_at
    )


def outcome_values(outcome: IdempotentOutcome) -> dict[str, Any]:
    """The row that stores this Idempotency-Key outcome."""
    return {
        "key": outcome.key,
        "user_id": outcome.user_id,
        "operation": outcome.operation,
        "request_digest": outcome.request_digest,
        "record_id": outcome.record_id,
        "created_at": outcome.created_at,
    }


def stay_decision_from_row(row: Row[Any]) -> StayDecision:
    """The decision on an authorised stay stored in this row."""
    return StayDecision(
        decision_id=row.decision_id,
        record_id=row.record_id,
        file_id=row.file_id,
        kind=StayDecisionKind(row.kind),
        decided_on=row.decided_on,
        authority=row.authority,
        place=row.place,
        grounds=row.grounds,
        previous_until=row.previous_until,
        new_until=row.new_until,
        visa_sticker_number=row.visa_sticker_number,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        revocation_reasons=tuple(RefusalReason(letter) for letter in row.revocation_reasons),
    )


def stay_decision_values(d: StayDecision) -> dict[str, Any]:
    """The row that stores this decision on an authorised stay."""
    return {
        "decision_id": d.decision_id,
        "record_id": d.record_id,
        "file_id": d.file_id,
        "kind": d.kind.value,
        "decided_on": d.decided_on,
        "authority": d.authority,
        "place": d.place,
        "grounds": d.grounds,
        "previous_until": d.previous_until,
        "new_until": d.new_until,
        "visa_sticker_number": d.visa_sticker_number,
        "revocation_reasons": "".join(d.revocation_reasons),
        "recorded_at": d.recorded_at,
        "recorded_by": d.recorded_by,
    }


def notice_from_row(row: Row[Any]) -> ErasureNotice:
    """The notice stored in this row."""
    return ErasureNotice(
        notice_id=row.notice_id,
        member_state=row.member_state,
        file_id=row.file_id,
        record_id=row.record_id,
        erasure_on=row.erasure_on,
        created_at=row.created_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
    )


def notice_values(n: ErasureNotice) -> dict[str, Any]:
    """The row that stores this notice."""
    return {
        "notice_id": n.notice_id,
        "member_state": n.member_state,
        "file_id": n.file_id,
        "record_id": n.record_id,
        "erasure_on": n.erasure_on,
        "created_at": n.created_at,
        "acknowledged_at": n.acknowledged_at,
        "acknowledged_by": n.acknowledged_by,
    }
