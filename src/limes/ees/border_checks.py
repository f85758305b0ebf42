"""The steps shared by the border use cases of `limes.ees.service`.

The check of a document and its traveller, the traveller's file found or created
(with its CIR file) and completed at exit, the first receipt of a retried request,
the outcome an Idempotency-Key remembers, and the access log entry of each use case.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from limes.core.documents import MrzReading, read_mrz
from limes.core.errors import FieldError
from limes.ees.domain.assessment import StayAssessment, assess_entry, assess_exit
from limes.ees.domain.border import (
    CrossingRequest,
    identity_of,
    require_one_hand,
    travel_document_of,
    visa_status_of,
)
from limes.ees.domain.errors import (
    CrossingPointNotFound,
    IdempotencyKeyReused,
    MissingVisa,
    NotInEesScope,
)
from limes.ees.domain.identification import FileCandidate
from limes.ees.domain.models import (
    Completeness,
    Direction,
    EntryExitRecord,
    FingerprintStatus,
    IndividualFile,
    TravellerKind,
)
from limes.ees.domain.scope import ScopeDecision, ScopeReason, VisaStatus, ees_scope
from limes.ees.domain.stamps import StampedStays, plan_stamped_stays
from limes.ees.identification import (
    identify_after_failed_verification,
    identity_warnings,
    search_beyond_document,
)
from limes.ees.outcomes import Actor, BorderCheck, CrossingReceipt, new_id
from limes.ees.ports import (
    BiometricIdentifier,
    BiometricVerifier,
    EesUnitOfWork,
    IdempotentOutcome,
)
from limes.ees.review import review_warnings
from limes.interop.cir.models import IdentityFile, SourceSystem
from limes.shortstay import Limit


def border_check(
    uow: EesUnitOfWork,
    verifier: BiometricVerifier,
    request: CrossingRequest,
    direction: Direction,
    document: MrzReading,
    now: datetime,
    identifier: BiometricIdentifier | None = None,
) -> BorderCheck:
    """The crossing point, file, 1:1 verification, assessment and warnings of a check.

    A traveller the EES does not register (Art 2) is refused before anything is read.
    EES Art 23(2)-(4), 27: a document in no file leads to the search by identity data
    and the 1:N identification (`limes.ees.identification`); a candidate the guard
    confirmed is the traveller's file, and the stay counts over its history.
    """
    scope = registered_or_refused(request, document, now)
    visa_status = visa_status_of(request, document, now.date())
    crossing_point = uow.ees.crossing_point(request.crossing_point)
    if crossing_point is None:
        raise CrossingPointNotFound(
            f"No crossing point has the code {request.crossing_point!r}.",
            [FieldError("crossing_point", "unknown crossing point code")],
        )
    assert document.document_number is not None  # noqa: S101 - a valid MRZ has one
    assert document.issuing_state is not None  # noqa: S101 - a valid MRZ has one
    identity = uow.identities.find_by_document(
        SourceSystem.EES, document.document_number, document.issuing_state
    )
    candidates: tuple[FileCandidate, ...] = ()
    adds_document = False
    captured = request.capture.templates
    if identity is None:
        identity, candidates = search_beyond_document(uow, verifier, identifier, request, document)
        adds_document = identity is not None
    individual_file = uow.ees.file_of_identity(identity.cir_id) if identity else None
    entries = tuple(uow.ees.entries(individual_file.file_id)) if individual_file else ()
    refusals = tuple(uow.ees.refusals(individual_file.file_id)) if individual_file else ()
    stored = uow.identities.templates(identity.cir_id) if identity and captured else []
    verification = verifier.verify(captured, stored) if stored else None
    if identity and verification and verification.matched is False and not adds_document:
        # EES Art 27: identified 1:N when the 1:1 verification fails.
        candidates = identify_after_failed_verification(
            uow, verifier, identifier, request, document, identity.cir_id
        )
    today = crossing_point.local_date(now)
    warnings: list[str] = []
    biometric_file = (
        individual_file is not None and individual_file.completeness is Completeness.COMPLETE
    )
    # EES Art 22: the stays shown by stamps count in this check and are recorded with it.
    stamped = plan_stamped_stays(
        entries,
        request.stamped_stays,
        today,
        individual_file.file_id if individual_file else "",
        request.visa,
        lambda: new_id("E"),
    )
    entries = stamped.counted(entries)
    if scope.family_member:
        warnings.append(scope.explanation)
    if visa_status.note is not None and direction is Direction.ENTRY:
        warnings.append(visa_status.note)
    assessment = _assessment(direction, scope, entries, request, today, biometric_file, warnings)
    warnings.extend(review_warnings(entries))
    warnings += identity_warnings(verification, candidates, adds_document)
    if (
        individual_file is not None
        and individual_file.completeness is Completeness.PENDING_BIOMETRICS
    ):
        warnings.append("The file lacks biometrics: capture them to complete it.")
    if document.expired:
        warnings.append(f"The travel document expired on {document.expiry_date}.")
    return BorderCheck(
        direction=direction,
        crossing_point=crossing_point,
        document=document,
        identity=identity,
        individual_file=individual_file,
        entries=entries,
        refusals=refusals,
        verification=verification,
        assessment=assessment,
        warnings=tuple(warnings),
        stamped=stamped,
        scope=scope,
        visa_status=visa_status,
        candidates=candidates,
        adds_document=adds_document,
    )


def _assessment(
    direction: Direction,
    scope: ScopeDecision,
    entries: tuple[EntryExitRecord, ...],
    request: CrossingRequest,
    today: date,
    biometric_file: bool,
    warnings: list[str],
) -> StayAssessment | None:
    """The calculator's verdict (EES Art 11), or None where it does not apply."""
    open_entry = next((r for r in entries if r.is_open), None)
    if direction is Direction.ENTRY:
        if open_entry is not None:
            warnings.append(f"The entry of {open_entry.entry_at:%Y-%m-%d} has no exit on record.")
        if scope.family_member:  # Art 11 does not apply to family members
            return None
        assessment = assess_entry(entries, today, request.visa, biometric_file)
        if assessment.earlier_overstays:
            warnings.append(f"{assessment.earlier_overstays} earlier overstay(s) on record.")
        return assessment
    if open_entry is None:
        warnings.append("No entry on record for this document.")
        return None
    if open_entry.family_member:  # Art 11(3), 12: no overstay for family members
        return None
    assessment = assess_exit(entries, open_entry, today, biometric_file)
    if assessment.overstay_days:
        warnings.append(f"Overstay of {assessment.overstay_days} day(s).")
    return assessment


def registered_or_refused(
    request: CrossingRequest, document: MrzReading, now: datetime
) -> ScopeDecision:
    """EES Art 2: the traveller's scope decision; NotInEesScope if the EES does not apply."""
    scope = ees_scope(
        document.nationality,
        document.issuing_state,
        now.date(),
        request.residence_document,
        request.family_member,
    )
    if scope.registered:
        return scope
    field = (
        FieldError("residence_document", scope.explanation)
        if scope.reason is ScopeReason.RESIDENCE_DOCUMENT
        else FieldError(
            "mrz.nationality",
            f"{document.nationality}: not registered in the EES ({scope.article})",
        )
    )
    raise NotInEesScope(scope.explanation, [field])


def file_for(
    uow: EesUnitOfWork,
    check: BorderCheck,
    document: MrzReading,
    kind: TravellerKind,
    request: CrossingRequest,
    fingerprint_status: FingerprintStatus,
    completeness: Completeness,
    at: datetime,
    store_templates: bool,
) -> tuple[IndividualFile, bool]:
    """The traveller's file, created (with its CIR file) when there is none."""
    templates = request.capture.templates if store_templates else ()
    # 2019/817 Art 29(1): the state recording the data verifies the links it brings.
    member_state = check.crossing_point.country
    if check.individual_file is not None and check.identity is not None:
        individual_file = check.individual_file
        if check.adds_document:
            # EES Art 23(2)-(4): the person's file is updated with the new travel document.
            known = check.identity
            uow.identities.update(
                known.cir_id,
                known.identity,
                (*known.documents, travel_document_of(document)),
                at,
                member_state,
            )
        if templates and individual_file.completeness is Completeness.PENDING_BIOMETRICS:
            uow.identities.put_templates(check.identity.cir_id, templates, at, member_state)
            individual_file = replace(
                individual_file,
                fingerprint_status=fingerprint_status,
                completeness=completeness,
                updated_at=at,
            )
            uow.ees.update_file(individual_file)
        elif templates and fingerprint_status is FingerprintStatus.CAPTURED:
            # Art 17(4): prints temporarily impossible are taken at the next entry too.
            completed = complete_at_exit(uow, individual_file, request, at, member_state)
            if completed is not individual_file:
                uow.ees.update_file(completed)
            individual_file = completed
        return individual_file, False
    file_id = new_id("F")
    identity = IdentityFile(
        cir_id=new_id("C"),
        system=SourceSystem.EES,
        source_reference=file_id,
        identity=identity_of(document),
        documents=(travel_document_of(document),),
        created_at=at,
        updated_at=at,
        member_state=member_state,
    )
    uow.identities.add(identity, templates)
    individual_file = IndividualFile(
        file_id=file_id,
        cir_id=identity.cir_id,
        kind=kind,
        fingerprint_status=fingerprint_status,
        completeness=completeness,
        created_at=at,
        updated_at=at,
        family_member=request.family_member,
    )
    uow.ees.add_file(individual_file)
    return individual_file, True


def record_stamped_stays(uow: EesUnitOfWork, stamped: StampedStays, file_id: str) -> None:
    """Store what the stays shown by stamps change, in the traveller's file (EES Art 22)."""
    if not stamped:
        return
    for_file = stamped.for_file(file_id)
    for record in for_file.amended:
        uow.ees.update_entry(record)
    for record in for_file.added:
        uow.ees.add_entry(record)


def complete_at_exit(
    uow: EesUnitOfWork,
    individual_file: IndividualFile,
    request: CrossingRequest,
    at: datetime,
    member_state: str | None,
) -> IndividualFile:
    """EES Art 17(4): fingerprints temporarily impossible at entry are taken at exit (or,
    through `file_for`, at the next entry).

    `member_state` is the state of the exit's crossing point (2019/817 Art 29(1)).
    """
    if (
        individual_file.fingerprint_status is FingerprintStatus.TEMPORARILY_IMPOSSIBLE
        and request.capture.fingers
    ):
        require_one_hand(request.capture)
        fingers = tuple(t for t in request.capture.templates if t.modality.is_finger)
        uow.identities.put_templates(individual_file.cir_id, fingers, at, member_state)
        return replace(
            individual_file, fingerprint_status=FingerprintStatus.CAPTURED, updated_at=at
        )
    return individual_file


def replayed_receipt(
    uow: EesUnitOfWork,
    actor: Actor,
    key: str | None,
    operation: str,
    digest: str,
    request: CrossingRequest,
    at: datetime,
) -> CrossingReceipt | None:
    """The first outcome of a retried request, or None for a new request."""
    if key is None:
        return None
    outcome = uow.ees.idempotent_outcome(key, actor.user_id)
    if outcome is None:
        return None
    if outcome.request_digest != digest or outcome.operation != operation:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request; use a new key.",
            [FieldError("Idempotency-Key", "already used for another request")],
        )
    crossing_point = uow.ees.crossing_point(request.crossing_point)
    assert crossing_point is not None  # noqa: S101 - it existed when first recorded
    entry = uow.ees.get_entry(outcome.record_id)
    refusal = None if entry is not None else uow.ees.get_refusal(outcome.record_id)
    file_id = entry.file_id if entry is not None else (refusal.file_id if refusal else "")
    individual_file = uow.ees.get_file(file_id)
    check = BorderCheck(
        direction=Direction.EXIT if operation == "exit" else Direction.ENTRY,
        crossing_point=crossing_point,
        document=read_mrz(request.mrz, at.date()),
        identity=uow.identities.get(individual_file.cir_id) if individual_file else None,
        individual_file=individual_file,
        entries=tuple(uow.ees.entries(file_id)),
        refusals=tuple(uow.ees.refusals(file_id)),
        verification=None,
        assessment=None,
        warnings=("A retry of a request already recorded: nothing was stored again.",),
    )
    return CrossingReceipt(
        outcome.record_id, file_id, False, True, check, entry=entry, refusal=refusal
    )


def remember_outcome(
    uow: EesUnitOfWork,
    actor: Actor,
    key: str | None,
    operation: str,
    digest: str,
    record_id: str,
    at: datetime,
) -> None:
    """Remember what a request with an Idempotency-Key recorded, for its retries."""
    if key is not None:
        uow.ees.remember_outcome(
            IdempotentOutcome(key, actor.user_id, operation, digest, record_id, at)
        )


def log_access(
    uow: EesUnitOfWork,
    actor: Actor,
    operation: str,
    check: BorderCheck,
    at: datetime,
    references: tuple[str, ...] = (),
) -> None:
    """Log a read or write of the traveller's data (EES Art 46)."""
    found = (check.individual_file.file_id,) if check.individual_file else ()
    uow.ees.log_access(
        actor.access(
            at,
            operation,
            crossing_point=check.crossing_point.code,
            query={
                "document_number": check.document.document_number or "",
                "issuing_state": check.document.issuing_state or "",
            },
            references=references or found,
        )
    )


def no_stay_reason(assessment: StayAssessment) -> str:
    """Why no stay may be authorised, and the refusal reason that fits (SBC Annex V Part B)."""
    answer = assessment.calculation.answer or assessment.calculation.answer_ignoring_overstay
    limit = answer.limited_by if answer else None
    if limit is not None and limit is not Limit.RULE_90_180:
        what = {
            Limit.VISA_ENTRIES: "the entries of the visa are used",
            Limit.VISA_VALIDITY: "the visa is not valid on this date",
            Limit.VISA_DURATION: "the days of stay the visa allows are used",
        }[limit]
        return f"No stay may be authorised: {what}. Record a refusal (reason C) instead."
    next_entry = assessment.next_entry
    when = f" A stay may start on {next_entry.date}." if next_entry else ""
    return (
        f"No stay may be authorised: {assessment.days_used} days are used in the 180-day "
        f"period.{when} Record a refusal (reason F) instead."
    )


def missing_visa(status: VisaStatus) -> MissingVisa:
    """The error of an entry without the visa the nationality requires (refusal reason C).

    Reg. (EU) 2018/1806 Art 3(1): Annex I nationals hold a visa at the external
    borders; a traveller without one is refused for reason C of Schengen Borders Code
    Annex V Part B (no valid visa or residence permit).
    """
    listing = status.listing
    if listing is None:
        return MissingVisa(
            "A visa holder's entry needs the visa: give its sticker number, validity, "
            "duration of stay and entries, or refuse entry for reason C (no valid visa).",
            [FieldError("visa", "required for a visa holder")],
        )
    return MissingVisa(
        f"No visa: {status.who} must hold a visa to cross the external borders "
        f"({status.basis}). Give the visa's sticker number, validity, duration of stay "
        "and entries; or state an exemption the law knows (visa_exemption); or refuse "
        "entry for reason C (no valid visa or residence permit).",
        [FieldError("visa", f"required: {listing.name} is in Annex I ({status.basis})")],
    )
