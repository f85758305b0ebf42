"""CIR access for police and law-enforcement authorities, logged (Reg. (EU) 2019/817 Art 20, 22, 24).

`CirAccessService` is what the API and the CLI call: each query runs in a read
transaction of its own, searches the CIR through the shared biometric matching
service (Art 20(2), 22), and is logged in the access log, which keeps its entries in
transactions of their own so that a refusal is logged too (Art 24).
"""

from __future__ import annotations

from collections.abc import Sequence

from limes.biometrics.matching import Verifier
from limes.core.clock import Clock
from limes.core.errors import DomainError
from limes.interop.cir.biometric_index import CirBiometricIndex, SbmsSearcher
from limes.interop.cir.hit_flag import HitFlag, LawEnforcementHitFlag
from limes.interop.cir.logs import AccessLogEntry, AccessLogStore, CirOperation
from limes.interop.cir.models import BiometricTemplate
from limes.interop.cir.police import Identification, IdentificationRequest, PoliceIdentification
from limes.interop.cir.ports import IdentityStore
from limes.interop.cir.search import DocumentRef

__all__ = ["CirAccessService"]


class CirAccessService:
    """Police identification (Art 20), the hit flag (Art 22) and their log (Art 24)."""

    def __init__(
        self,
        store: IdentityStore,
        log: AccessLogStore,
        clock: Clock,
        index: CirBiometricIndex,
        verifier: Verifier | None = None,
    ) -> None:
        self._store = store
        self._log = log
        self._clock = clock
        self._index = index
        self._verifier = verifier

    def identify(self, request: IdentificationRequest) -> Identification:
        """Identify a person from live biometrics (Reg. (EU) 2019/817 Art 20), logged (Art 24).

        Raises:
            NoStatedPurpose, NoLegalGround, NotCapturedLive, ChildUnderTwelve,
            EmptyQuery, MalformedTemplate: the request is refused, and logged.
        """
        with self._store.reading() as repository:
            searcher = SbmsSearcher(self._index, repository, self._verifier)
            police = PoliceIdentification(repository, self._log, self._clock, searcher)
            return police.identify(request)

    def hit_flag(
        self,
        authority: str,
        purpose: str,
        *,
        document: DocumentRef | None = None,
        templates: Sequence[BiometricTemplate] = (),
        user_id: str | None = None,
    ) -> HitFlag:
        """Which systems hold data on the person (Reg. (EU) 2019/817 Art 22), logged (Art 24).

        Raises:
            NoStatedPurpose, EmptyQuery, MalformedTemplate: the query is refused, and logged.
        """
        with self._store.reading() as repository:
            searcher = SbmsSearcher(self._index, repository, self._verifier)
            flag = LawEnforcementHitFlag(repository, self._log, self._clock, searcher)
            return flag.query(
                authority, purpose, document=document, templates=templates, user_id=user_id
            )

    def log_refusal(
        self,
        operation: CirOperation,
        refusal: DomainError,
        *,
        authority: str,
        purpose: str,
        ground: str | None = None,
        query_fields: Sequence[str] = (),
        user_id: str | None = None,
    ) -> None:
        """Log a query refused before it reached the CIR: a role without access, bad input (Art 24).

        Attempts matter to data-protection monitoring as much as queries do; the
        outcome is the refusal's code, and nothing answered.
        """
        self._log.log(
            AccessLogEntry(
                at=self._clock.now(),
                operation=operation.value,
                authority=authority,
                purpose=purpose,
                ground=ground,
                query_fields=tuple(query_fields),
                outcome=refusal.code,
                result_references=(),
                user_id=user_id,
            )
        )

    def access_log(
        self,
        *,
        authority: str | None = None,
        operation: CirOperation | None = None,
        limit: int = 100,
    ) -> list[AccessLogEntry]:
        """The newest entries of the access log, for data-protection monitoring (Art 24).

        Raises:
            InvalidRequest: `limit` is not from 1 to `limes.interop.cir.logs.MAX_READ`.
        """
        chosen = operation.value if operation is not None else None
        return self._log.read(authority=authority, operation=chosen, limit=limit)
