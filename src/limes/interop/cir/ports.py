"""What the CIR needs from storage, and what source systems see of the CIR."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from limes.interop.cir.models import (
    BiometricTemplate,
    HeldTemplate,
    IdentityChange,
    IdentityData,
    IdentityFile,
    Modality,
    SourceSystem,
    TravelDocument,
)


class IdentityRepository(Protocol):
    """Identity files and their templates, within the caller's unit of work."""

    def add(self, identity_file: IdentityFile, templates: Sequence[BiometricTemplate]) -> None:
        """Store a new file with its templates."""
        ...

    def get(self, cir_id: str) -> IdentityFile | None:
        """The file with this id, or None."""
        ...

    def find_by_document(
        self, system: SourceSystem, number: str, issuing_state: str
    ) -> IdentityFile | None:
        """The system's file holding this travel document, or None."""
        ...

    def files_by_identity(
        self, system: SourceSystem, identity: IdentityData, limit: int
    ) -> list[IdentityFile]:
        """The system's files sharing an identity key with `identity`, at most `limit`.

        The keys are `limes.interop.cir.identity_search.identity_keys`: a search by
        identity data, read by index (EES Art 23(2), 27); the caller judges each file.
        """
        ...

    def update(
        self,
        cir_id: str,
        identity: IdentityData,
        documents: Sequence[TravelDocument],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Replace the identity data and documents of a file; a named state becomes its own."""
        ...

    def templates(
        self, cir_id: str, modalities: Sequence[Modality] | None = None
    ) -> list[BiometricTemplate]:
        """The file's templates, all or of the given modalities."""
        ...

    def put_templates(
        self,
        cir_id: str,
        templates: Sequence[BiometricTemplate],
        at: datetime,
        member_state: str | None = None,
    ) -> None:
        """Add templates at `at`, replacing any of the same modality; a named state becomes its own."""
        ...

    def erase(self, cir_id: str, at: datetime) -> bool:
        """Erase the file, its documents and its templates; False if it did not exist."""
        ...

    def changes_after(self, seq: int, limit: int) -> list[IdentityChange]:
        """Up to `limit` changes after sequence number `seq`, oldest first (Art 27(1))."""
        ...

    def last_change(self) -> int:
        """The sequence number of the latest change, 0 when there is none."""
        ...

    def count_changes_after(self, seq: int) -> int:
        """How many changes follow sequence number `seq`."""
        ...

    def changed_after(self, cir_id: str, seq: int) -> bool:
        """Whether a change to this file follows sequence number `seq`."""
        ...

    def files_of_document(self, number: str, issuing_state: str) -> list[IdentityFile]:
        """Every system's file holding this travel document, in `SourceSystem` order."""
        ...

    def all_templates(self, modality: Modality) -> list[HeldTemplate]:
        """Every template of this modality with its file and system, by cir_id."""
        ...


class IdentityStore(Protocol):
    """Opens read transactions over the CIR, one per police or law-enforcement query."""

    def reading(self) -> AbstractContextManager[IdentityRepository]:
        """A read-only unit of work; it takes no writer lock."""
        ...
