"""The CIR's identity files in SQL (SQLite or PostgreSQL), with SQLAlchemy Core.

Core rather than the ORM, and statements built once at import (`sql_tables`): the EES
records up to a thousand crossings a second through this repository, so a call costs
a few prepared statements and no session bookkeeping. Every write also records the
change in `cir_identity_changes`, in the same transaction, for the multiple-identity
detector (2019/817 Art 27(1)).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row
from sqlalchemy import exc as sa_exc

from limes.core.errors import NotFound
from limes.core.identity import Name, PartialDate
from limes.db.unit_of_work import database_error
from limes.interop.cir.adapters.sql_tables import (
    ALL_TEMPLATES,
    CHANGED_AFTER,
    CHANGES_AFTER,
    COUNT_CHANGES_AFTER,
    DELETE_DOCUMENTS,
    DELETE_FILE,
    DELETE_IDENTITY_KEYS,
    DELETE_TEMPLATES,
    FILE_SYSTEM,
    FILES_BY_IDENTITY,
    FILES_OF_DOCUMENT,
    FIND_BY_DOCUMENT,
    GET,
    INSERT_CHANGES,
    INSERT_DOCUMENTS,
    INSERT_FILE,
    INSERT_IDENTITY_KEYS,
    INSERT_TEMPLATES,
    LAST_CHANGE,
    MODALITY_ORDER,
    SET_MEMBER_STATE,
    SYSTEM_ORDER,
    TEMPLATES,
    TEMPLATES_OF,
    UPDATE_FILE,
)
from limes.interop.cir.identity_search import key_ids
from limes.interop.cir.models import (
    BiometricTemplate,
    ChangeKind,
    HeldTemplate,
    IdentityChange,
    IdentityData,
    IdentityFile,
    Modality,
    SourceSystem,
    TravelDocument,
)

__all__ = ["SqlIdentityRepository"]


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
        key_rows: list[dict[str, Any]] = []
        for identity_file, templates in files:
            file_row = _identity_row(identity_file.identity)
            file_row.update(
                cir_id=identity_file.cir_id,
                system=identity_file.system.value,
                source_reference=identity_file.source_reference,
                created_at=_utc(identity_file.created_at),
                updated_at=_utc(identity_file.updated_at),
                member_state=identity_file.member_state,
            )
            file_rows.append(file_row)
            document_rows += _document_rows(
                identity_file.cir_id, identity_file.system, identity_file.documents
            )
            template_rows += _template_rows(identity_file.cir_id, templates)
            key_rows += _key_rows(
                identity_file.cir_id, identity_file.system, identity_file.identity
            )
        try:
            if file_rows:
                self._connection.execute(INSERT_FILE, file_rows)
            if document_rows:
                self._connection.execute(INSERT_DOCUMENTS, document_rows)
            if template_rows:
                self._connection.execute(INSERT_TEMPLATES, template_rows)
            if key_rows:
                self._connection.execute(INSERT_IDENTITY_KEYS, key_rows)
            if file_rows:
                self._connection.execute(
                    INSERT_CHANGES,
                    [_change_row(r["cir_id"], r["system"], r["updated_at"]) for r in file_rows],
                )
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error

    def get(self, cir_id: str) -> IdentityFile | None:
        """The file with this id, or None."""
        try:
            rows = self._connection.execute(GET, {"cir_id": cir_id}).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return _identity_file(rows)

    def find_by_document(
        self, system: SourceSystem, number: str, issuing_state: str
    ) -> IdentityFile | None:
        """The system's file holding this travel document, or None."""
        parameters = {"system": system.value, "number": number, "issuing_state": issuing_state}
        try:
            rows = self._connection.execute(FIND_BY_DOCUMENT, parameters).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return _identity_file(rows)

    def files_by_identity(
        self, system: SourceSystem, identity: IdentityData, limit: int
    ) -> list[IdentityFile]:
        """The system's files sharing an identity key with `identity`, at most `limit`."""
        ids = key_ids(identity)
        if not ids or limit < 1:
            return []
        parameters = {"system": system.value, "key_ids": list(ids), "limit": limit}
        try:
            found = self._connection.execute(FILES_BY_IDENTITY, parameters).scalars().all()
            files = [self._connection.execute(GET, {"cir_id": c}).all() for c in found]
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return [f for rows in files if (f := _identity_file(rows)) is not None]

    def update(
        self,
        cir_id: str,
        identity: IdentityData,
        documents: Sequence[TravelDocument],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Replace the identity data and documents of a file; `at` becomes its updated_at.

        `member_state` updating the file becomes its `member_state` (Art 29(1)).

        Raises:
            NotFound: there is no such file.
            Conflict: a document is already in another file of the system.
        """
        values = _identity_row(identity)
        values.update(b_cir_id=cir_id, updated_at=_utc(at), member_state=member_state)
        try:
            system = self._connection.execute(UPDATE_FILE, values).scalar()
            if system is None:
                raise NotFound(f"no identity file {cir_id!r} in the CIR")
            self._connection.execute(DELETE_DOCUMENTS, {"cir_id": cir_id})
            if documents:
                rows = _document_rows(cir_id, SourceSystem(system), documents)
                self._connection.execute(INSERT_DOCUMENTS, rows)
            self._connection.execute(DELETE_IDENTITY_KEYS, {"cir_id": cir_id})
            keys = _key_rows(cir_id, SourceSystem(system), identity)
            if keys:
                self._connection.execute(INSERT_IDENTITY_KEYS, keys)
            self._connection.execute(
                INSERT_CHANGES, _change_row(cir_id, system, values["updated_at"])
            )
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error

    def templates(
        self, cir_id: str, modalities: Sequence[Modality] | None = None
    ) -> list[BiometricTemplate]:
        """The file's templates (all, or of the given modalities) in `Modality` order."""
        parameters: dict[str, Any] = {"cir_id": cir_id}
        statement = TEMPLATES
        if modalities is not None:
            if not modalities:
                return []
            parameters["modalities"] = [modality.value for modality in modalities]
            statement = TEMPLATES_OF
        try:
            rows = self._connection.execute(statement, parameters).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        found = [
            BiometricTemplate(Modality(row[0]), bytes(row[1]), row[2], bool(row[3])) for row in rows
        ]
        found.sort(key=lambda template: MODALITY_ORDER[template.modality])
        return found

    def put_templates(
        self,
        cir_id: str,
        templates: Sequence[BiometricTemplate],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Add templates, replacing any of the same modality; `at` is when.

        `member_state` updating the file becomes its `member_state` (Art 29(1)).

        Raises:
            NotFound: there is no such file.
            Conflict: two of the templates have the same modality.
        """
        try:
            system = self._connection.execute(FILE_SYSTEM, {"cir_id": cir_id}).scalar()
            if system is None:
                raise NotFound(f"no identity file {cir_id!r} in the CIR")
            if not templates:
                return
            modalities = [template.modality.value for template in templates]
            self._connection.execute(DELETE_TEMPLATES, {"cir_id": cir_id, "modalities": modalities})
            self._connection.execute(INSERT_TEMPLATES, _template_rows(cir_id, templates))
            if member_state is not None:
                self._connection.execute(
                    SET_MEMBER_STATE, {"b_cir_id": cir_id, "member_state": member_state}
                )
            self._connection.execute(INSERT_CHANGES, _change_row(cir_id, system, _utc(at)))
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error

    def erase(self, cir_id: str, at: datetime) -> bool:
        """Erase the file at `at`; its documents and templates go with it (ON DELETE CASCADE)."""
        try:
            system = self._connection.execute(FILE_SYSTEM, {"cir_id": cir_id}).scalar()
            if system is None:
                return False
            self._connection.execute(DELETE_FILE, {"cir_id": cir_id})
            row = _change_row(cir_id, system, _utc(at), ChangeKind.ERASED)
            self._connection.execute(INSERT_CHANGES, row)
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return True

    def changes_after(self, seq: int, limit: int) -> list[IdentityChange]:
        """Up to `limit` changes with a sequence number above `seq`, oldest first."""
        try:
            rows = self._connection.execute(CHANGES_AFTER, {"after": seq, "limit": limit}).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return [
            IdentityChange(row[0], row[1], SourceSystem(row[2]), ChangeKind(row[3]), row[4])
            for row in rows
        ]

    def last_change(self) -> int:
        """The sequence number of the latest change, 0 when there is none."""
        try:
            seq = self._connection.execute(LAST_CHANGE).scalar()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return int(seq or 0)

    def count_changes_after(self, seq: int) -> int:
        """How many changes follow sequence number `seq`."""
        try:
            count = self._connection.execute(COUNT_CHANGES_AFTER, {"after": seq}).scalar()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return int(count or 0)

    def changed_after(self, cir_id: str, seq: int) -> bool:
        """Whether a change to this file follows sequence number `seq`."""
        parameters = {"after": seq, "cir_id": cir_id}
        try:
            found = self._connection.execute(CHANGED_AFTER, parameters).first()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return found is not None

    def files_of_document(self, number: str, issuing_state: str) -> list[IdentityFile]:
        """Every system's file holding this travel document, in `SourceSystem` order."""
        parameters = {"number": number, "issuing_state": issuing_state}
        try:
            rows = self._connection.execute(FILES_OF_DOCUMENT, parameters).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        by_file: dict[str, list[Row[Any]]] = {}
        for row in rows:
            by_file.setdefault(row.cir_id, []).append(row)
        files = [found for group in by_file.values() if (found := _identity_file(group))]
        files.sort(key=lambda found: SYSTEM_ORDER[found.system])
        return files

    def all_templates(self, modality: Modality) -> list[HeldTemplate]:
        """Every template of this modality with its file and system, by cir_id."""
        try:
            rows = self._connection.execute(ALL_TEMPLATES, {"modality": modality.value}).all()
        except sa_exc.DBAPIError as error:
            raise _translated(error) from error
        return [
            HeldTemplate(
                row[0],
                SourceSystem(row[1]),
                BiometricTemplate(Modality(row[2]), bytes(row[3]), row[4], bool(row[5])),
            )
            for row in rows
        ]


def _translated(error: sa_exc.DBAPIError) -> Exception:
    return database_error(error) or error


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"instants must be timezone-aware: {value!r}")
    return value.astimezone(UTC)


def _change_row(
    cir_id: str, system: str, at: datetime, kind: ChangeKind = ChangeKind.WRITTEN
) -> dict[str, Any]:
    return {"cir_id": cir_id, "system": system, "kind": kind.value, "changed_at": at}


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


def _key_rows(cir_id: str, system: SourceSystem, identity: IdentityData) -> list[dict[str, Any]]:
    return [{"system": system.value, "key_id": key, "cir_id": cir_id} for key in key_ids(identity)]


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
        member_state=first["member_state"],
    )
