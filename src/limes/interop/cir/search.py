"""Biometric search of the CIR's files, behind a `Searcher` the sBMS can replace.

The law makes the shared biometric matching service (sBMS, Reg. (EU) 2019/817
Art 12-16) do the 1:N search behind CIR identification (Art 20(2)) and the hit flag
(Art 22). Until `limes.interop.sbms` is wired into the CIR, `RepositorySearcher`
stands in: it narrows the candidates to the files of a presented document when there
is one, else to every file holding a template of a probed modality, and compares the
probe 1:1 with each candidate (`limes.biometrics.verify_best`). That costs one
comparison per candidate, so it suits test and demo galleries, not 400 million files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from limes.biometrics.matching import BiometricCheck, Verifier, verify_best
from limes.interop.cir.models import BiometricTemplate
from limes.interop.cir.ports import IdentityRepository

__all__ = ["BiometricHit", "DocumentRef", "RepositorySearcher", "Searcher", "query_fields"]


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A travel document as presented: its number and 3-letter issuing state."""

    number: str
    issuing_state: str


@dataclass(frozen=True, slots=True)
class BiometricHit:
    """A file whose templates matched the probe, with the comparison that decided it."""

    cir_id: str
    check: BiometricCheck


class Searcher(Protocol):
    """Finds the CIR files whose templates match a probe (Reg. (EU) 2019/817 Art 20(2), 22)."""

    def search(
        self, probes: Sequence[BiometricTemplate], document: DocumentRef | None
    ) -> list[BiometricHit]:
        """The matching files, by cir_id; `document` narrows the candidates when given."""
        ...


class RepositorySearcher:
    """The stand-in `Searcher`: 1:1 comparisons over candidates read from the repository."""

    def __init__(self, repository: IdentityRepository, verifier: Verifier | None = None) -> None:
        self._repository = repository
        self._verifier = verifier

    def search(
        self, probes: Sequence[BiometricTemplate], document: DocumentRef | None
    ) -> list[BiometricHit]:
        """The candidate files whose templates match the probe (Reg. (EU) 2019/817 Art 20(2))."""
        references = self._candidates(probes, document)
        hits: list[BiometricHit] = []
        for cir_id in sorted(references):
            check = verify_best(probes, references[cir_id], self._verifier)
            if check.matched:
                hits.append(BiometricHit(cir_id, check))
        return hits

    def _candidates(
        self, probes: Sequence[BiometricTemplate], document: DocumentRef | None
    ) -> dict[str, list[BiometricTemplate]]:
        modalities = sorted({probe.modality for probe in probes})
        if document is not None:
            files = self._repository.files_of_document(document.number, document.issuing_state)
            return {f.cir_id: self._repository.templates(f.cir_id, modalities) for f in files}
        references: dict[str, list[BiometricTemplate]] = {}
        for modality in modalities:
            for held in self._repository.all_templates(modality):
                references.setdefault(held.cir_id, []).append(held.template)
        return references


def query_fields(
    probes: Sequence[BiometricTemplate], document: DocumentRef | None
) -> tuple[str, ...]:
    """The kinds of data a query searched with, for its log entry (Reg. (EU) 2019/817 Art 24)."""
    fields = [f"biometric:{modality}" for modality in sorted({p.modality for p in probes})]
    if document is not None:
        fields.append("travel_document")
    return tuple(fields)
