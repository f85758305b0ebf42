"""The search for a traveller's file beyond the document, and the guard's decision on it.

EES Art 23(2)-(4), 27 and Implementing Decision (EU) 2019/327: when the document is
in no file, the border check searches the EES's files in the CIR by identity data
(names, date of birth, nationality, sex; `limes.interop.cir.identity_search`, judged
by `limes.matching` as the MID judges its candidates) and identifies the traveller
1:N by face and fingerprints through the sBMS; when the 1:1 verification against the
file of the document fails, it identifies 1:N as well. What it finds are candidate
files (`FileCandidate`), which the guard confirms or sets aside
(`limes.ees.domain.identification`); the decision is logged (Art 46).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from limes.biometrics.templates import BiometricTemplate
from limes.core.documents import MrzReading
from limes.core.errors import BackendUnavailable
from limes.ees.domain.border import CrossingRequest, identity_of, travel_document_of
from limes.ees.domain.identification import (
    CandidateBasis,
    FileCandidate,
    IdentityDecision,
    chosen_candidate,
    require_identity_settled,
    require_verification_settled,
)
from limes.ees.outcomes import Actor, BorderCheck
from limes.ees.planning import Decision
from limes.ees.ports import (
    BiometricIdentification,
    BiometricIdentifier,
    BiometricVerifier,
    EesStore,
    EesUnitOfWork,
    VerificationOutcome,
)
from limes.interop.cir.identity_search import IDENTITY_CANDIDATES, matching_record
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from limes.interop.cir.ports import IdentityRepository
from limes.matching.engine import match_identities
from limes.matching.identity import IdentityRecord
from limes.matching.results import Outcome

__all__ = [
    "PrefetchedIdentification",
    "PreparedDecision",
    "find_candidates",
    "identify_after_failed_verification",
    "identity_warnings",
    "prepared",
    "search_beyond_document",
    "settle_identity",
]

_AGREE = frozenset({Outcome.SAME, Outcome.SIMILAR})
T = TypeVar("T")


def find_candidates(
    uow: EesUnitOfWork,
    verifier: BiometricVerifier,
    identifier: BiometricIdentifier | None,
    identity: IdentityData,
    document: TravelDocument,
    captured: Sequence[BiometricTemplate],
    excluded: str | None = None,
    *,
    by_identity: bool = True,
) -> tuple[FileCandidate, ...]:
    """EES Art 23(2)-(4), 27: the EES files that may be the traveller's, with why.

    By identity data (when `by_identity`): files sharing a name and date of birth key,
    kept when `limes.matching` finds the identities the same or similar, and dropped
    when both sides hold biometrics of a common modality that do not match (a
    different person of the same name). By biometrics: the sBMS's 1:N search, each
    hit confirmed 1:1. `excluded` is the CIR file already found by the document.
    """
    probe = matching_record(identity, document)
    found: dict[str, FileCandidate] = {}
    if by_identity:
        for candidate in _by_identity_data(uow, verifier, identity, probe, captured):
            found.setdefault(candidate.cir_id, candidate)
    if identifier is not None and captured:
        for candidate in _by_biometrics(uow, identifier, probe, captured):
            found.setdefault(candidate.cir_id, candidate)
    found.pop(excluded or "", None)
    return tuple(found.values())


def _by_identity_data(
    uow: EesUnitOfWork,
    verifier: BiometricVerifier,
    identity: IdentityData,
    probe: IdentityRecord,
    captured: Sequence[BiometricTemplate],
) -> list[FileCandidate]:
    candidates: list[FileCandidate] = []
    for held in uow.identities.files_by_identity(SourceSystem.EES, identity, IDENTITY_CANDIDATES):
        # The biometrics first: a few dot products settle most namesakes before the
        # costlier comparison of names.
        stored = uow.identities.templates(held.cir_id) if captured else []
        verification = verifier.verify(captured, stored) if stored else None
        if verification is not None and verification.matched is False:
            continue  # the same name and birth date, but another person's biometrics
        match = match_identities(probe, matching_record(held.identity, _first(held)))
        if match.verdict not in _AGREE:
            continue
        reasons = [f"identity data {match.explanation}"]
        basis = [CandidateBasis.IDENTITY_DATA]
        if verification is not None and verification.matched:
            basis.append(CandidateBasis.BIOMETRICS)
            reasons.append(f"biometrics match: {verification.explanation}")
        candidate = _candidate(uow, held, basis, reasons)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def _by_biometrics(
    uow: EesUnitOfWork,
    identifier: BiometricIdentifier,
    probe: IdentityRecord,
    captured: Sequence[BiometricTemplate],
) -> list[FileCandidate]:
    candidates: list[FileCandidate] = []
    for hit in identifier.identify(uow.identities, captured):
        held = uow.identities.get(hit.cir_id)
        if held is None:
            continue
        match = match_identities(probe, matching_record(held.identity, _first(held)))
        reasons = [
            f"biometrics match (1:N): {hit.explanation}",
            f"identity data {match.explanation}",
        ]
        candidate = _candidate(uow, held, [CandidateBasis.BIOMETRICS], reasons)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def search_beyond_document(
    uow: EesUnitOfWork,
    verifier: BiometricVerifier,
    identifier: BiometricIdentifier | None,
    request: CrossingRequest,
    document: MrzReading,
) -> tuple[IdentityFile | None, tuple[FileCandidate, ...]]:
    """EES Art 23(2)-(4), 27: for a document in no file, the candidates and the confirmed one.

    Returns the CIR file of the candidate the guard confirmed (None if none was) and
    every candidate found.
    """
    candidates = find_candidates(
        uow,
        verifier,
        identifier,
        identity_of(document),
        travel_document_of(document),
        request.capture.templates,
    )
    chosen = chosen_candidate(candidates, request.identity_decision)
    return (uow.identities.get(chosen.cir_id) if chosen else None), candidates


def identify_after_failed_verification(
    uow: EesUnitOfWork,
    verifier: BiometricVerifier,
    identifier: BiometricIdentifier | None,
    request: CrossingRequest,
    document: MrzReading,
    cir_id: str,
) -> tuple[FileCandidate, ...]:
    """EES Art 27: the other files whose biometrics match, when the 1:1 verification failed."""
    return find_candidates(
        uow,
        verifier,
        identifier,
        identity_of(document),
        travel_document_of(document),
        request.capture.templates,
        cir_id,
        by_identity=False,
    )


def identity_warnings(
    verification: VerificationOutcome | None,
    candidates: Sequence[FileCandidate],
    adds_document: bool,
) -> list[str]:
    """What the guard is told about who the traveller is (EES Art 23(2)-(4), 27)."""
    warnings: list[str] = []
    if verification is not None and verification.matched is False:
        warnings.append(
            "The traveller does not match the biometrics of the file: check the identity by "
            "other means before recording, or record a refusal."
        )
    if candidates and not adds_document:
        warnings.append(
            f"{len(candidates)} existing file(s) may be this traveller's: confirm one or "
            "state a different person."
        )
    if adds_document:
        warnings.append(
            "The confirmed file gets this travel document; the stay counts over its history."
        )
    return warnings


def _first(held: IdentityFile) -> TravelDocument | None:
    return held.documents[0] if held.documents else None


def _candidate(
    uow: EesUnitOfWork,
    held: IdentityFile,
    basis: Sequence[CandidateBasis],
    reasons: Sequence[str],
) -> FileCandidate | None:
    individual_file = uow.ees.file_of_identity(held.cir_id)
    if individual_file is None:
        return None  # a CIR file without its EES file: being erased
    return FileCandidate(
        individual_file.file_id,
        held.cir_id,
        held.identity,
        held.documents,
        tuple(basis),
        tuple(reasons),
    )


def settle_identity(
    uow: EesUnitOfWork,
    actor: Actor,
    check: BorderCheck,
    decision: IdentityDecision | None,
    at: datetime,
    *,
    verification_counts: bool = True,
) -> None:
    """EES Art 23(2)-(4), 27: refuse to record until the guard has settled who the traveller is.

    A failed 1:1 verification (unless `verification_counts` is False: a refusal may
    always be recorded) and an unconfirmed candidate file each stop the record; the
    guard's decision that lets it go on is logged with its reason (Art 46).
    """
    if verification_counts:
        matched = check.verification.matched if check.verification is not None else None
        require_verification_settled(matched, decision, check.candidates)
        if matched is False and decision is not None:
            _log_decision(uow, actor, check, at, "identity_confirmed_manually", decision)
    if check.identity is None or check.adds_document:
        require_identity_settled(check.candidates, decision)
        if check.candidates and decision is not None:
            if decision.different_person:
                _log_decision(uow, actor, check, at, "different_person", decision)
            elif decision.confirmed_file_id is not None:
                _log_decision(uow, actor, check, at, "confirm_candidate_file", decision)


def unsettled_identity(check: BorderCheck) -> str | None:
    """EES Art 21, 23(2)-(4), 27: why a crossing kept during an outage needs a person to
    look at who the traveller was, or None.

    The crossing happened and the guard who saw the traveller cannot be asked: it is
    recorded (in a new file where candidate files were found) and flagged for review.
    """
    doubts: list[str] = []
    if check.verification is not None and check.verification.matched is False:
        doubts.append("the traveller did not match the biometrics of the file (Art 23(2))")
    if check.candidates and check.identity is None:
        files = ", ".join(c.file_id for c in check.candidates)
        doubts.append(
            f"existing file(s) {files} may be the traveller's (Art 27); recorded in a new file"
        )
    if not doubts:
        return None
    return "Recorded from the fall-back (EES Art 21) without the guard's decision: " + (
        "; ".join(doubts) + "."
    )


def _log_decision(
    uow: EesUnitOfWork,
    actor: Actor,
    check: BorderCheck,
    at: datetime,
    outcome: str,
    decision: IdentityDecision,
) -> None:
    uow.ees.log_access(
        actor.access(
            at,
            outcome,
            crossing_point=check.crossing_point.code,
            query={
                "document_number": check.document.document_number or "",
                "issuing_state": check.document.issuing_state or "",
                "reason": decision.reason.strip(),
            },
            references=tuple(c.file_id for c in check.candidates)
            or ((check.individual_file.file_id,) if check.individual_file else ()),
        )
    )


class PrefetchedIdentification:
    """EES Art 27: a crossing's 1:N identification, searched before its decision.

    The 1:N search reads the whole gallery; on SQLite the decisions are taken one after
    another on the store's committer thread, so a search there would hold up every
    desk's commit. `run` searches beforehand on a thread of its own (only when the
    document is in no file, the case that needs it) and the decision then uses what it
    found; a decision without it (the 1:1 verification failed, or it runs again after a
    conflict) searches itself.
    """

    def __init__(
        self,
        store: EesStore,
        identifier: BiometricIdentifier,
        probes: Sequence[BiometricTemplate],
        document: MrzReading,
    ) -> None:
        self._store = store
        self._identifier = identifier
        self._probes = probes
        self._document = document
        self._hits: tuple[BiometricIdentification, ...] | None = None

    @property
    def ready(self) -> bool:
        """Whether a search now would not wait for the index's load (see `identify`)."""
        return self._identifier.ready

    def run(self) -> None:
        """Search 1:N now, off the thread that decides, if the document is in no file."""
        number, state = self._document.document_number, self._document.issuing_state
        if not self._probes or number is None or state is None:
            return
        with self._store.unit_of_work(write=False) as uow:
            if uow.identities.find_by_document(SourceSystem.EES, number, state) is None:
                self._hits = tuple(self._identifier.identify(uow.identities, self._probes))

    def identify(
        self, identities: IdentityRepository, probes: Sequence[BiometricTemplate]
    ) -> list[BiometricIdentification]:
        """The hits found beforehand for these probes, or a search now."""
        if self._hits is not None and probes is self._probes:
            hits, self._hits = self._hits, None  # used once: a decision taken again searches
            return list(hits)
        if not self._identifier.ready:
            # The decision may run on the thread that commits every desk's crossings: it
            # must not wait minutes for a starting server's index.
            raise BackendUnavailable(
                "The biometric identification (EES Art 27) is loading its index after a "
                "start: retry in a moment with the same Idempotency-Key."
            )
        return self._identifier.identify(identities, probes)


class PreparedDecision(Generic[T]):
    """A decision with work to do beforehand, off the thread that decides (`prepare`)."""

    def __init__(self, decide: Decision[T], prepare: Callable[[], None]) -> None:
        self._decide = decide
        self._prepare = prepare

    def __call__(self, uow: EesUnitOfWork) -> T:
        """Decide on the unit of work."""
        return self._decide(uow)

    def prepare(self) -> None:
        """Do the work beforehand; a thread of the caller's, never an event loop's."""
        self._prepare()


def prepared(decide: Decision[T], prefetch: PrefetchedIdentification | None) -> Decision[T]:
    """`decide`, with the 1:N search of `prefetch` to run beforehand when there is one."""
    if prefetch is None:
        return decide
    return PreparedDecision(decide, prefetch.run)
