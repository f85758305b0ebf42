"""The CIR's identity files in SQL (SQLite or PostgreSQL), with SQLAlchemy Core.

Core rather than the ORM, and statements built once at import: the EES records up
to a thousand crossings a second through this repository, so a call costs a few
prepared statements and no session bookkeeping.

Tables (one row per file, per document, per template):

* `cir_identity_files`: the file and its identity data; names in three forms,
  the date of birth as a partial ISO date with its precision, the nationalities
  as comma-joined alpha-3 codes (read whole, never searched one by one).
* `cir_travel_documents`: the file's documents in order; one document number of
  one issuing state belongs to at most one file per source system.
* `cir_biometric_templates`: one template per file and modality.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    ForeignKey,
    LargeBinary,
    PrimaryKeyConstraint,
    Row,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    delete,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy import exc as sa_exc

from limes.core.errors import NotFound
from limes.core.identity import Name, PartialDate
from limes.db.metadata import UTCDateTime, metadata
from limes.db.unit_of_work import database_error
from limes.interop.cir.models import (
    BiometricTemplate,
    IdentityData,
    IdentityFile,
    Modality,
    SourceSystem,
    TravelDocument,
)

__all__ = [
    "SqlIdentityRepository",
    "biometric_templates",
    "identity_files",
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

_files, _docs, _tpls = identity_files, travel_documents, biometric_templates
_found = _docs.alias("found")

# The file's columns with its documents' (LEFT JOIN: a file may hold none), in order.
_DOCUMENT_COLUMNS = (_docs.c.document_type, _docs.c.number, _docs.c.issuing_state, _docs.c.expiry)
_FILE_COLUMNS = (*_files.c, *_DOCUMENT_COLUMNS)
_GET = (
    select(*_FILE_COLUMNS)
    .select_from(_files.outerjoin(_docs, _docs.c.cir_id == _files.c.cir_id))
    .where(_files.c.cir_id == bindparam("cir_id"))
    .order_by(_docs.c.position)
)
# One query: the matching document (unique index), its file (primary key) and all
# the file's documents (primary-key prefix).
_FIND_BY_DOCUMENT = (
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
_FILES_OF_DOCUMENT = (
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
_EXISTS = select(exists().where(_files.c.cir_id == bindparam("cir_id")))
_INSERT_FILE = insert(_files)
_INSERT_DOCUMENTS = insert(_docs)
_INSERT_TEMPLATES = insert(_tpls)
_UPDATE_KEEPS = frozenset({"cir_id", "system", "source_reference", "created_at"})
_UPDATE_FILE = (
    update(_files)
    .where(_files.c.cir_id == bindparam("b_cir_id"))
    .values({c.name: bindparam(c.name) for c in _files.c if c.name not in _UPDATE_KEEPS})
    .returning(_files.c.system)
)
_DELETE_DOCUMENTS = delete(_docs).where(_docs.c.cir_id == bindparam("cir_id"))
_DELETE_TEMPLATES = delete(_tpls).where(
    _tpls.c.cir_id == bindparam("cir_id"),
    _tpls.c.modality.in_(bindparam("modalities", expanding=True)),
)
_DELETE_FILE = delete(_files).where(_files.c.cir_id == bindparam("cir_id"))
_TEMPLATE_COLUMNS = (_tpls.c.modality, _tpls.c.vector, _tpls.c.quality, _tpls.c.synthetic)
_TEMPLATES = select(*_TEMPLATE_COLUMNS).where(_tpls.c.cir_id == bindparam("cir_id"))
_TEMPLATES_OF = _TEMPLATES.where(_tpls.c.modality.in_(bindparam("modalities", expanding=True)))

# Every template of one modality: the stand-in gallery of CIR police identification
# until the sBMS answers 1:N (see `limes.interop.cir.search`); it reads the table whole.
_ALL_TEMPLATES = (
    select(_tpls.c.cir_id, *_TEMPLATE_COLUMNS)
    .where(_tpls.c.modality == bindparam("modality"))
    .order_by(_tpls.c.cir_id)
)
_SYSTEM_ORDER = {system: index for index, system in enumerate(SourceSystem)}

_MODALITY_ORDER = {modality: index for index, modality in enumerate(Modality)}


class SqlIdentityRepository:
    """`IdentityRepository` over one connection; the caller owns the transaction.

    A `Conflict` (a file id or a document already stored) leaves the transaction
    unusable on PostgreSQL: let it end the unit of work.
    """

    __slots__ = ("_connection",)

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, identity_file: IdentityFile, templates: Sequence[BiometricTemplate]) -> None:
        """Store a new file with its templates.

        Raises:
            Conflict: the id is taken, or a document is already in a file of the system.
        """
        self.add_many([(identity_file, templates)])

    def add_many(self, files: Sequence[tuple[IdentityFile, Sequence[BiometricTemplate]]]) -> None:
        """Store new files with their templates, three statements for all of them.

        Raises:
            Conflict: an id is taken, or a document is already in a file of the system.
        """
        file_rows: list[dict[str, Any]] = []
        document_rows: list[dict[str, Any]] = []
        template_rows: list[dict[str, Any]] = []
        for identity_file, templates in files:
            file_row = _identity_row(identity_file.identity)
            file_row.update(
                cir_id=identity_file.cir_id,
                system=identity_file.system.value,
                source_reference=identity_file.source_reference,
                created_at=_utc(identity_file.created_at),
                updated_at=_utc(identity_file.updated_at),
            )
            file_rows.append(file_row)
            document_rows += _document_rows(
                identity_file.cir_id, identity_file.system, identity_file.documents
            )
            template_rows += _template_rows(identity_file.cir_id, templates)
        try:
            if file_rows:
                self._connection.execute(_INSERT_FILE, file_rows)
            if document_rows:
                self._connection.execute(_INSERT_DOCUMENTS, document_rows)
            if template_rows:
                self._connection.execute(_INSERT_TEMPLATES, template_rows)
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error

    def get(self, cir_id: str) -> IdentityFile | None:
        """The file with this id, or None."""
        try:
            rows = self._connection.execute(_GET, {"cir_id": cir_id}).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return _identity_file(rows)

    def find_by_document(
        self, system: SourceSystem, number: str, issuing_state: str
    ) -> IdentityFile | None:
        """The system's file holding this travel document, or None."""
        parameters = {"system": system.value, "number": number, "issuing_state": issuing_state}
        try:
            rows = self._connection.execute(_FIND_BY_DOCUMENT, parameters).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return _identity_file(rows)

    def update(
        self,
        cir_id: str,
        identity: IdentityData,
        documents: Sequence[TravelDocument],
        at: datetime,
    ) -> None:
        """Replace the identity data and documents of a file; `at` becomes its updated_at.

        Raises:
            NotFound: there is no such file.
            Conflict: a document is already in another file of the system.
        """
        values = _identity_row(identity)
        values.update(b_cir_id=cir_id, updated_at=_utc(at))
        try:
            system = self._connection.execute(_UPDATE_FILE, values).scalar()
            if system is None:
                raise NotFound(f"no identity file {cir_id!r} in the CIR")
            self._connection.execute(_DELETE_DOCUMENTS, {"cir_id": cir_id})
            if documents:
                rows = _document_rows(cir_id, SourceSystem(system), documents)
                self._connection.execute(_INSERT_DOCUMENTS, rows)
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error

    def templates(
        self, cir_id: str, modalities: Sequence[Modality] | None = None
    ) -> list[BiometricTemplate]:
        """The file's templates (all, or of the given modalities) in `Modality` order."""
        parameters: dict[str, Any] = {"cir_id": cir_id}
        statement = _TEMPLATES
        if modalities is not None:
            if not modalities:
                return []
            parameters["modalities"] = [modality.value for modality in modalities]
            statement = _TEMPLATES_OF
        try:
            rows = self._connection.execute(statement, parameters).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        found = [
            BiometricTemplate(Modality(row[0]), bytes(row[1]), row[2], bool(row[3])) for row in rows
        ]
        found.sort(key=lambda template: _MODALITY_ORDER[template.modality])
        return found

    def put_templates(self, cir_id: str, templates: Sequence[BiometricTemplate]) -> None:
        """Add templates, replacing any of the same modality.

        Raises:
            NotFound: there is no such file.
            Conflict: two of the templates have the same modality.
        """
        try:
            if not self._connection.execute(_EXISTS, {"cir_id": cir_id}).scalar():
                raise NotFound(f"no identity file {cir_id!r} in the CIR")
            if not templates:
                return
            modalities = [template.modality.value for template in templates]
            self._connection.execute(
                _DELETE_TEMPLATES, {"cir_id": cir_id, "modalities": modalities}
            )
            self._connection.execute(_INSERT_TEMPLATES, _template_rows(cir_id, templates))
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error

    def erase(self, cir_id: str) -> bool:
        """Erase the file; its documents and templates go with it (ON DELETE CASCADE)."""
        try:
            result = self._connection.execute(_DELETE_FILE, {"cir_id": cir_id})
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return result.rowcount > 0

    def files_of_document(self, number: str, issuing_state: str) -> list[IdentityFile]:
        """Every system's file holding this travel document, in `SourceSystem` order."""
        parameters = {"number": number, "issuing_state": issuing_state}
        try:
            rows = self._connection.execute(_FILES_OF_DOCUMENT, parameters).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        by_file: dict[str, list[Row[Any]]] = {}
        for row in rows:
            by_file.setdefault(row.cir_id, []).append(row)
        files = [found for group in by_file.values() if (found := _identity_file(group))]
        files.sort(key=lambda found: _SYSTEM_ORDER[found.system])
        return files

    def all_templates(self, modality: Modality) -> list[tuple[str, BiometricTemplate]]:
        """(cir_id, template) for every file holding a template of this modality, by cir_id."""
        try:
            rows = self._connection.execute(_ALL_TEMPLATES, {"modality": modality.value}).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return [
            (row[0], BiometricTemplate(Modality(row[1]), bytes(row[2]), row[3], bool(row[4])))
            for row in rows
        ]


def _translated(error: sa_exc.DBAPIError) -> Exception:
    return database_error(error) or error


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"instants must be timezone-aware: {value!r}")
    return value.astimezone(UTC)


def _identity_row(identity: IdentityData) -> dict[str, Any]:
    given = identity.given_names
    born = identity.date_of_birth
    return {
        "surname_original": identity.surname.original,
        "surname_mrz": identity.surname.mrz,
        "surname_normalised": identity.surname.normalised,
        "given_names_original": given.original if given else None,
        "given_names_mrz": given.mrz if given else None,
        "given_names_normalised": given.normalised if given else None,
        "date_of_birth": born.isoformat() if born else None,
        "date_of_birth_precision": born.precision.value if born else None,
        "sex": identity.sex,
        "nationalities": ",".join(identity.nationalities),
    }


def _document_rows(
    cir_id: str, system: SourceSystem, documents: Iterable[TravelDocument]
) -> list[dict[str, Any]]:
    return [
        {
            "cir_id": cir_id,
            "position": position,
            "system": system.value,
            "document_type": document.document_type,
            "number": document.number,
            "issuing_state": document.issuing_state,
            "expiry": document.expiry,
        }
        for position, document in enumerate(documents)
    ]


def _template_rows(cir_id: str, templates: Iterable[BiometricTemplate]) -> list[dict[str, Any]]:
    return [
        {
            "cir_id": cir_id,
            "modality": template.modality.value,
            "vector": template.vector,
            "quality": template.quality,
            "synthetic": template.synthetic,
        }
        for template in templates
    ]


def _identity_file(rows: Sequence[Row[Any]]) -> IdentityFile | None:
    if not rows:
        return None
    first = rows[0]._mapping
    given = (
        Name(
            first["given_names_original"], first["given_names_mrz"], first["given_names_normalised"]
        )
        if first["given_names_original"] is not None
        else None
    )
    born = first["date_of_birth"]
    nationalities = first["nationalities"]
    identity = IdentityData(
        surname=Name(first["surname_original"], first["surname_mrz"], first["surname_normalised"]),
        given_names=given,
        date_of_birth=PartialDate.parse(born) if born is not None else None,
        sex=first["sex"],
        nationalities=tuple(nationalities.split(",")) if nationalities else (),
    )
    documents = tuple(
        TravelDocument(row.document_type, row.number, row.issuing_state, row.expiry)
        for row in rows
        if row.number is not None
    )
    return IdentityFile(
        cir_id=first["cir_id"],
        system=SourceSystem(first["system"]),
        source_reference=first["source_reference"],
        identity=identity,
        documents=documents,
        created_at=first["created_at"],
        updated_at=first["updated_at"],
    )
