"""The CIR's identity files in dictionaries, for fast unit tests.

It keeps the rules the SQL tables enforce (one file per id, one file per document
and system, one template per modality), checks them before changing anything, and
hands instants back in UTC as the database does. It has no transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from limes.core.errors import Conflict, NotFound
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

__all__ = ["MemoryIdentityRepository", "MemoryIdentityStore"]

_DocumentKey = tuple[SourceSystem, str, str]
_MODALITY_ORDER = {modality: index for index, modality in enumerate(Modality)}


class MemoryIdentityRepository:
    """`IdentityRepository` over dictionaries."""

    def __init__(self) -> None:
        self._files: dict[str, IdentityFile] = {}
        self._templates: dict[str, dict[Modality, BiometricTemplate]] = {}
        self._documents: dict[_DocumentKey, str] = {}
        self._changes: list[IdentityChange] = []
        # Identity key id -> the files keyed by it, in the order they were keyed.
        self._identity_keys: dict[int, dict[str, None]] = {}

    def add(self, identity_file: IdentityFile, templates: Sequence[BiometricTemplate]) -> None:
        """Store a new file with its templates.

        Raises:
            Conflict: the id is taken, or a document is already in a file of the system.
        """
        cir_id = identity_file.cir_id
        if cir_id in self._files:
            raise Conflict(f"the CIR already holds an identity file {cir_id!r}")
        keys = self._free_document_keys(cir_id, identity_file.system, identity_file.documents)
        by_modality = _by_modality(templates)
        self._files[cir_id] = replace(
            identity_file,
            created_at=_utc(identity_file.created_at),
            updated_at=_utc(identity_file.updated_at),
        )
        self._documents.update(dict.fromkeys(keys, cir_id))
        self._templates[cir_id] = by_modality
        self._index_identity(cir_id, identity_file.identity)
        self._record(cir_id, identity_file.system, identity_file.updated_at, ChangeKind.WRITTEN)

    def get(self, cir_id: str) -> IdentityFile | None:
        """The file with this id, or None."""
        return self._files.get(cir_id)

    def find_by_document(
        self, system: SourceSystem, number: str, issuing_state: str
    ) -> IdentityFile | None:
        """The system's file holding this travel document, or None."""
        cir_id = self._documents.get((system, number, issuing_state))
        return None if cir_id is None else self._files[cir_id]

    def files_by_identity(
        self, system: SourceSystem, identity: IdentityData, limit: int
    ) -> list[IdentityFile]:
        """The system's files sharing an identity key with `identity`, at most `limit`."""
        found: dict[str, None] = {}
        for key in key_ids(identity):
            for cir_id in self._identity_keys.get(key, {}):
                if self._files[cir_id].system is system:
                    found[cir_id] = None
        return [self._files[cir_id] for cir_id in sorted(found)[: max(limit, 0)]]

    def _index_identity(self, cir_id: str, identity: IdentityData) -> None:
        for key in key_ids(identity):
            self._identity_keys.setdefault(key, {})[cir_id] = None

    def _unindex_identity(self, cir_id: str, identity: IdentityData) -> None:
        for key in key_ids(identity):
            self._identity_keys.get(key, {}).pop(cir_id, None)

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
        current = self._files.get(cir_id)
        if current is None:
            raise NotFound(f"no identity file {cir_id!r} in the CIR")
        keys = self._free_document_keys(cir_id, current.system, documents)
        updated_at = _utc(at)
        for old in current.documents:
            del self._documents[_key(current.system, old)]
        self._documents.update(dict.fromkeys(keys, cir_id))
        self._unindex_identity(cir_id, current.identity)
        self._index_identity(cir_id, identity)
        self._files[cir_id] = replace(
            current,
            identity=identity,
            documents=tuple(documents),
            updated_at=updated_at,
            member_state=member_state or current.member_state,
        )
        self._record(cir_id, current.system, updated_at, ChangeKind.WRITTEN)

    def templates(
        self, cir_id: str, modalities: Sequence[Modality] | None = None
    ) -> list[BiometricTemplate]:
        """The file's templates (all, or of the given modalities) in `Modality` order."""
        held = self._templates.get(cir_id, {})
        wanted = held.keys() if modalities is None else set(modalities) & held.keys()
        return [held[modality] for modality in sorted(wanted, key=_MODALITY_ORDER.__getitem__)]

    def put_templates(
        self,
        cir_id: str,
        templates: Sequence[BiometricTemplate],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Add templates at `at`, replacing any of the same modality.

        `member_state` updating the file becomes its `member_state` (Art 29(1)).

        Raises:
            NotFound: there is no such file.
            Conflict: two of the templates have the same modality.
        """
        held = self._files.get(cir_id)
        if held is None:
            raise NotFound(f"no identity file {cir_id!r} in the CIR")
        by_modality = _by_modality(templates)
        if by_modality:
            self._templates[cir_id].update(by_modality)
            if member_state is not None:
                self._files[cir_id] = replace(held, member_state=member_state)
            self._record(cir_id, held.system, at, ChangeKind.WRITTEN)

    def erase(self, cir_id: str, at: datetime) -> bool:
        """Erase the file, its documents and its templates; False if it did not exist."""
        erased = self._files.pop(cir_id, None)
        if erased is None:
            return False
        for document in erased.documents:
            del self._documents[_key(erased.system, document)]
        del self._templates[cir_id]
        self._unindex_identity(cir_id, erased.identity)
        self._record(cir_id, erased.system, at, ChangeKind.ERASED)
        return True

    def changes_after(self, seq: int, limit: int) -> list[IdentityChange]:
        """Up to `limit` changes after sequence number `seq`, oldest first (Art 27(1))."""
        return self._changes[max(seq, 0) : max(seq, 0) + max(limit, 0)]

    def last_change(self) -> int:
        """The sequence number of the latest change, 0 when there is none."""
        return len(self._changes)

    def count_changes_after(self, seq: int) -> int:
        """How many changes follow sequence number `seq`."""
        return max(len(self._changes) - max(seq, 0), 0)

    def changed_after(self, cir_id: str, seq: int) -> bool:
        """Whether a change to this file follows sequence number `seq`."""
        return any(change.cir_id == cir_id for change in self._changes[max(seq, 0) :])

    def _record(self, cir_id: str, system: SourceSystem, at: datetime, kind: ChangeKind) -> None:
        seq = len(self._changes) + 1
        self._changes.append(IdentityChange(seq, cir_id, system, kind, _utc(at)))

    def files_of_document(self, number: str, issuing_state: str) -> list[IdentityFile]:
        """Every system's file holding this travel document, in `SourceSystem` order."""
        found = (self._documents.get((system, number, issuing_state)) for system in SourceSystem)
        return [self._files[cir_id] for cir_id in found if cir_id is not None]

    def all_templates(self, modality: Modality) -> list[HeldTemplate]:
        """Every template of this modality with its file and system, by cir_id."""
        return [
            HeldTemplate(cir_id, self._files[cir_id].system, held[modality])
            for cir_id, held in sorted(self._templates.items())
            if modality in held
        ]

    def _free_document_keys(
        self, cir_id: str, system: SourceSystem, documents: Iterable[TravelDocument]
    ) -> list[_DocumentKey]:
        keys = [_key(system, document) for document in documents]
        if len(set(keys)) != len(keys):
            raise Conflict("the same travel document is given twice")
        for key in keys:
            holder = self._documents.get(key)
            if holder is not None and holder != cir_id:
                raise Conflict(f"the travel document is already in a {system} file of the CIR")
        return keys


class MemoryIdentityStore:
    """`IdentityStore` over one `MemoryIdentityRepository`, which has no transactions."""

    def __init__(self, repository: MemoryIdentityRepository | None = None) -> None:
        self.repository = repository if repository is not None else MemoryIdentityRepository()

    @contextmanager
    def reading(self) -> Iterator[MemoryIdentityRepository]:
        """The repository itself."""
        yield self.repository


def _key(system: SourceSystem, document: TravelDocument) -> _DocumentKey:
    return (system, document.number, document.issuing_state)


def _by_modality(templates: Iterable[BiometricTemplate]) -> dict[Modality, BiometricTemplate]:
    by_modality: dict[Modality, BiometricTemplate] = {}
    for template in templates:
        if template.modality in by_modality:
            raise Conflict(f"two templates of modality {template.modality} are given")
        by_modality[template.modality] = template
    return by_modality


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"instants must be timezone-aware: {value!r}")
    return value.astimezone(UTC)
