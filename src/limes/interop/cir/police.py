"""Identification by police authorities in the CIR (Reg. (EU) 2019/817 Art 20).

A police authority may query the CIR with biometric data taken live during an
identity check, only on one of the Art 20(1) grounds and never for a child under 12
unless it is in the child's best interest. A hit gives access to the identity and
travel-document data of the file (Art 18(1), Art 20(3)) and to which system holds
it (Art 18(2)), nothing more. Every request, refused or not, is logged (Art 24).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np

from limes.biometrics.vectors import MAX_QUALITY, MIN_QUALITY, TEMPLATE_DIMENSIONS
from limes.core.clock import Clock
from limes.core.errors import DomainError, FieldError
from limes.core.identity import PartialDate
from limes.interop.cir.errors import (
    ChildUnderTwelve,
    EmptyQuery,
    MalformedTemplate,
    NoLegalGround,
    NoStatedPurpose,
    NotCapturedLive,
)
from limes.interop.cir.logs import AccessLog, AccessLogEntry, CirOperation
from limes.interop.cir.models import (
    BiometricTemplate,
    IdentityData,
    SourceSystem,
    TravelDocument,
)
from limes.interop.cir.ports import IdentityRepository
from limes.interop.cir.search import DocumentRef, RepositorySearcher, Searcher, query_fields

__all__ = [
    "CHILD_AGE_LIMIT",
    "Identification",
    "IdentificationGround",
    "IdentificationRequest",
    "IdentifiedPerson",
    "PoliceIdentification",
    "legal_ground",
    "require_captured_live",
    "require_child_safeguard",
    "require_stated_purpose",
    "require_wellformed_probes",
    "youngest_age",
]

# Reg. (EU) 2019/817 of 20 May 2019, Art 20(1), unamended: no query of a child
# younger than this, unless in the child's best interest.
CHILD_AGE_LIMIT = 12

OPERATION = CirOperation.POLICE_IDENTIFICATION.value
_FLOAT32_BYTES = 4


class IdentificationGround(StrEnum):
    """The grounds for a police query of the CIR (Reg. (EU) 2019/817 Art 20(1)(a)-(e))."""

    NO_DOCUMENT = "no_document"  # (a) no travel or other credible document
    DOUBTFUL_DOCUMENT = "doubtful_document"  # (c) doubts about the document's authenticity
    DOUBTFUL_IDENTITY = "doubtful_identity"  # (b), (d) doubts about identity data or holder
    CANNOT_OR_WILL_NOT_COOPERATE = "cannot_or_will_not_cooperate"  # (e)


@dataclass(frozen=True, slots=True)
class IdentificationRequest:
    """A police identification request (Reg. (EU) 2019/817 Art 20(1)-(2)).

    `ground` may be given as text from an API; anything outside the enum is refused.
    The age is the estimated age in years or the date of birth the person gave; with
    both, the younger reading counts. `document` is the one the person presented, if any.
    `user_id` names the official who queries, for the log (Art 24(5)).
    """

    authority: str
    purpose: str
    ground: IdentificationGround | str | None
    captured_live: bool
    probes: tuple[BiometricTemplate, ...]
    estimated_age: int | None = None
    date_of_birth: PartialDate | None = None
    in_childs_interest: bool = False
    document: DocumentRef | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class IdentifiedPerson:
    """What a hit discloses: identity and document data and the holding system (Art 18, 20(3))."""

    system: SourceSystem
    identity: IdentityData
    documents: tuple[TravelDocument, ...]


@dataclass(frozen=True, slots=True)
class Identification:
    """The outcome of a police identification, with the reasons for the officer."""

    persons: tuple[IdentifiedPerson, ...]
    explanation: tuple[str, ...]

    @property
    def identified(self) -> bool:
        """Whether any file matched (Reg. (EU) 2019/817 Art 20(3))."""
        return bool(self.persons)


def require_stated_purpose(authority: str, purpose: str) -> None:
    """Refuse a query that names no authority or purpose (Reg. (EU) 2019/817 Art 20(1), 24)."""
    if not authority.strip() or not purpose.strip():
        raise NoStatedPurpose("Name the requesting authority and the purpose of the query")


def legal_ground(ground: IdentificationGround | str | None) -> IdentificationGround:
    """The stated ground, or a refusal if it is none of Reg. (EU) 2019/817 Art 20(1)(a)-(e)."""
    try:
        return IdentificationGround(ground if ground is not None else "")
    except ValueError:
        allowed = ", ".join(IdentificationGround)
        raise NoLegalGround(
            f"A police query of the CIR needs one of the Art 20(1) grounds ({allowed}); "
            f"got {ground!r}"
        ) from None


def require_captured_live(captured_live: bool) -> None:
    """Refuse biometrics not taken live in the person's presence (Reg. (EU) 2019/817 Art 20(2))."""
    if not captured_live:
        raise NotCapturedLive(
            "Take the biometric data live, in the person's presence, during the identity check"
        )


def youngest_age(estimated_age: int | None, date_of_birth: PartialDate | None, today: date) -> int:
    """The youngest age the statements allow, so that a possible child is treated as one (Art 20(1))."""
    ages: list[int] = []
    if estimated_age is not None:
        if estimated_age < 0:
            raise EmptyQuery(f"The estimated age {estimated_age} is negative; give years of age")
        ages.append(estimated_age)
    if date_of_birth is not None:
        ages.append(_age_on(_latest_birthday(date_of_birth), today))
    if not ages:
        raise EmptyQuery("State the person's estimated age or date of birth (Art 20(1) age limit)")
    return min(ages)


def require_child_safeguard(age: int, in_childs_interest: bool) -> None:
    """Refuse a query of a child under 12 unless in the child's interest (Reg. (EU) 2019/817 Art 20(1))."""
    if age < CHILD_AGE_LIMIT and not in_childs_interest:
        raise ChildUnderTwelve(
            f"The person may be {age}: a child under {CHILD_AGE_LIMIT} is queried only "
            "when it is in the child's best interest; state that interest to proceed"
        )


def require_wellformed_probes(probes: Sequence[BiometricTemplate], field: str = "probes") -> None:
    """Refuse probes the sBMS cannot compare (for Reg. (EU) 2019/817 Art 20(2), 22(1)).

    Not a legal rule: the template format of limes (`limes.biometrics.vectors`), checked
    before the search so that a bad probe is refused, and logged (Art 24), as such.
    """
    for index, probe in enumerate(probes):
        where = f"{field}[{index}]"
        values = TEMPLATE_DIMENSIONS[probe.modality]
        size = values * _FLOAT32_BYTES
        reason = None
        if len(probe.vector) != size:
            reason = (
                f"{len(probe.vector)} bytes; a {probe.modality} template is {values} "
                f"little-endian float32 values ({size} bytes)"
            )
        elif not np.all(np.isfinite(np.frombuffer(probe.vector, dtype="<f4"))):
            reason = "holds NaN or infinite values; send the template as extracted"
        if reason is not None:
            raise MalformedTemplate(
                f"{where} is not a {probe.modality} template: {reason}",
                [FieldError(f"{where}.vector", reason)],
            )
        if not MIN_QUALITY <= probe.quality <= MAX_QUALITY:
            reason = f"{probe.quality} is outside {MIN_QUALITY}-{MAX_QUALITY}"
            raise MalformedTemplate(
                f"{where}.quality: {reason}; give the capture's quality score from 0 to 100",
                [FieldError(f"{where}.quality", reason)],
            )


class PoliceIdentification:
    """Police identification in the CIR (Reg. (EU) 2019/817 Art 20), logged per Art 24."""

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

    def identify(self, request: IdentificationRequest) -> Identification:
        """Identify a person from live biometrics (Reg. (EU) 2019/817 Art 20), logging the request.

        A refused request, or one whose search fails, is logged with the error's code
        as its outcome before the error is raised (Art 24).
        """
        try:
            ground = self._admit(request)
            hits = self._searcher.search(request.probes, request.document)
        except DomainError as refusal:
            self._record(request, refusal.code, ())
            raise
        persons: list[IdentifiedPerson] = []
        references: list[str] = []
        explanation: list[str] = []
        for hit in hits:
            found = self._repository.get(hit.cir_id)
            if found is None:
                continue  # erased since the search: its data may no longer be disclosed
            persons.append(IdentifiedPerson(found.system, found.identity, found.documents))
            references.append(found.cir_id)
            explanation.append(f"{found.system}: {hit.check.reason}")
        if not persons:
            explanation.append("no file in the CIR matched the live biometrics")
        self._record(request, "identified" if persons else "not_identified", references, ground)
        return Identification(tuple(persons), tuple(explanation))

    def _admit(self, request: IdentificationRequest) -> IdentificationGround:
        require_stated_purpose(request.authority, request.purpose)
        ground = legal_ground(request.ground)
        require_captured_live(request.captured_live)
        age = youngest_age(request.estimated_age, request.date_of_birth, self._clock.today())
        require_child_safeguard(age, request.in_childs_interest)
        if not request.probes:
            raise EmptyQuery("Give at least one biometric template taken from the person")
        require_wellformed_probes(request.probes)
        return ground

    def _record(
        self,
        request: IdentificationRequest,
        outcome: str,
        references: Sequence[str],
        ground: IdentificationGround | None = None,
    ) -> None:
        stated = ground.value if ground is not None else _as_text(request.ground)
        self._log.log(
            AccessLogEntry(
                at=self._clock.now(),
                operation=OPERATION,
                authority=request.authority,
                purpose=request.purpose,
                ground=stated,
                query_fields=query_fields(request.probes, request.document),
                outcome=outcome,
                result_references=tuple(references),
                user_id=request.user_id,
            )
        )


def _as_text(ground: IdentificationGround | str | None) -> str | None:
    return None if ground is None else str(ground)


def _latest_birthday(born: PartialDate) -> date:
    month = born.month if born.month is not None else 12
    day = born.day if born.day is not None else calendar.monthrange(born.year, month)[1]
    return date(born.year, month, day)


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
