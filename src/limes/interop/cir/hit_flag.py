"""The law-enforcement hit flag of the CIR (Reg. (EU) 2019/817 Art 22).

A designated authority (or Europol) preventing, detecting or investigating terrorist
offences or other serious criminal offences first learns only WHICH of the EES, VIS,
ETIAS and Eurodac hold data on the person (Art 22(1)-(2)); the data themselves are
reached afterwards through each system's own law-enforcement procedure (Art 22(3)).
So the reply names systems and never carries identity, document or biometric data.
Every query is logged (Art 24).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from limes.core.clock import Clock
from limes.core.errors import DomainError
from limes.interop.cir.errors import EmptyQuery
from limes.interop.cir.logs import AccessLog, AccessLogEntry, CirOperation
from limes.interop.cir.models import BiometricTemplate, IdentityFile, SourceSystem
from limes.interop.cir.police import require_stated_purpose, require_wellformed_probes
from limes.interop.cir.ports import IdentityRepository
from limes.interop.cir.search import DocumentRef, RepositorySearcher, Searcher, query_fields

__all__ = ["FLAGGED_SYSTEMS", "HitFlag", "LawEnforcementHitFlag", "flagged_systems"]

# The systems whose data a hit flag may reveal (Reg. (EU) 2019/817 Art 22(1)); the
# CIR's ECRIS-TCN slot falls under Reg. (EU) 2019/818 and is never flagged here.
FLAGGED_SYSTEMS = (SourceSystem.EES, SourceSystem.VIS, SourceSystem.ETIAS, SourceSystem.EURODAC)

OPERATION = CirOperation.HIT_FLAG.value


@dataclass(frozen=True, slots=True)
class HitFlag:
    """Which systems hold data on the person (Reg. (EU) 2019/817 Art 22(2)), and why we say so."""

    systems: tuple[SourceSystem, ...]
    explanation: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        """Whether any system holds data on the person."""
        return bool(self.systems)


def flagged_systems(files: Sequence[IdentityFile]) -> tuple[SourceSystem, ...]:
    """The Art 22(1) systems holding these files, once each, in `FLAGGED_SYSTEMS` order."""
    held = {found.system for found in files}
    return tuple(system for system in FLAGGED_SYSTEMS if system in held)


class LawEnforcementHitFlag:
    """Hit-flag queries of the CIR (Reg. (EU) 2019/817 Art 22), logged per Art 24."""

    def __init__(
        self,
        repository: IdentityRepository,
        log: AccessLog,
        clock: Clock,
        searcher: Searcher | None = None,
    ) -> None:
        self._repository = repository
        self._log = log
        self._clock = clock
        # The stand-in 1:1 search until the sBMS 1:N is plugged in (see `search`).
        self._searcher = searcher if searcher is not None else RepositorySearcher(repository)

    def query(
        self,
        authority: str,
        purpose: str,
        *,
        document: DocumentRef | None = None,
        templates: Sequence[BiometricTemplate] = (),
        user_id: str | None = None,
    ) -> HitFlag:
        """Which systems hold data on the person with this document or these templates (Art 22).

        `user_id` names the official who queries, for the log (Art 24(5)). A refused
        query, or one whose search fails, is logged with the error's code (Art 24(4)).
        """
        fields = query_fields(templates, document)
        try:
            require_stated_purpose(authority, purpose)
            if document is None and not templates:
                raise EmptyQuery("Give a travel document or biometric templates to query with")
            require_wellformed_probes(templates)
            files = self._files(document, templates)
        except DomainError as refusal:
            self._record(authority, purpose, fields, refusal.code, (), user_id)
            raise
        systems = flagged_systems(files)
        explanation = [self._reason(system, document, templates) for system in systems]
        if not systems:
            explanation.append("none of the EES, VIS, ETIAS or Eurodac holds data on the person")
        shown = [found.cir_id for found in files if found.system in systems]
        outcome = "flagged" if systems else "not_flagged"
        self._record(authority, purpose, fields, outcome, shown, user_id)
        return HitFlag(systems, tuple(explanation))

    def _files(
        self, document: DocumentRef | None, templates: Sequence[BiometricTemplate]
    ) -> list[IdentityFile]:
        if templates:
            # The document narrows the biometric candidates, as in Art 20 identification.
            hits = self._searcher.search(templates, document)
            found = (self._repository.get(hit.cir_id) for hit in hits)
            return [identity_file for identity_file in found if identity_file is not None]
        if document is None:
            return []
        return self._repository.files_of_document(document.number, document.issuing_state)

    @staticmethod
    def _reason(
        system: SourceSystem,
        document: DocumentRef | None,
        templates: Sequence[BiometricTemplate],
    ) -> str:
        how = "biometric data" if templates else "travel document"
        if templates and document is not None:
            how = "biometric data, among the files of the travel document"
        return f"{system} holds data on the person (matched on {how}); request access from {system} under its own law-enforcement procedure"

    def _record(
        self,
        authority: str,
        purpose: str,
        fields: tuple[str, ...],
        outcome: str,
        references: Sequence[str],
        user_id: str | None,
    ) -> None:
        self._log.log(
            AccessLogEntry(
                at=self._clock.now(),
                operation=OPERATION,
                authority=authority,
                purpose=purpose,
                ground=None,
                query_fields=fields,
                outcome=outcome,
                result_references=tuple(references),
                user_id=user_id,
            )
        )
