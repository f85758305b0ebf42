"""Border checks and the recording of entries, exits and refusals (EES Art 14-18, 23).

The service reads the machine-readable zone, finds the individual file through the
CIR, verifies the traveller 1:1 against the file's biometrics, runs the automated
calculator and records the crossing, all in one unit of work. Every read and write
of personal data is logged (Art 46). A retry with the same Idempotency-Key returns
the first outcome and stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from limes.core.clock import Clock
from limes.core.documents import MrzReading, read_mrz
from limes.core.errors import FieldError, InvalidRequest
from limes.ees.domain.assessment import StayAssessment, assess_entry, assess_exit
from limes.ees.domain.border import (
    Capture,
    CrossingRequest,
    biometrics_on_entry,
    identity_of,
    read_document,
    require_active,
    travel_document_of,
    traveller_kind,
)
from limes.ees.domain.errors import (
    CrossingPointNotFound,
    ExitWithoutEntry,
    IdempotencyKeyReused,
    MissingVisa,
    NoStayPossible,
    SecondEntryWithoutExit,
)
from limes.ees.domain.models import (
    Completeness,
    Direction,
    EntryExitRecord,
    FingerprintStatus,
    IndividualFile,
    RecordSource,
    RefusalReason,
    RefusalRecord,
    TravellerKind,
)
from limes.ees.domain.rules import refusal_keeps_biometrics
from limes.ees.outcomes import Actor, BorderCheck, CrossingReceipt, new_id
from limes.ees.planning import Decision, T, transact, transact_async
from limes.ees.ports import (
    BiometricVerifier,
    EesStore,
    EesUnitOfWork,
    IdempotentOutcome,
)
from limes.interop.cir.models import IdentityFile, SourceSystem
from limes.shortstay import Limit


class EesService:
    """The EES use cases at the border."""

    def __init__(self, store: EesStore, clock: Clock, verifier: BiometricVerifier) -> None:
        self._store = store
        self._clock = clock
        self._verifier = verifier

    # -- reading -----------------------------------------------------------------

    def check(self, actor: Actor, request: CrossingRequest, direction: Direction) -> BorderCheck:
        """EES Art 23: verify the document and the traveller, and run the calculator."""
        now = self._clock.now()
        document = read_document(request.mrz, now.date(), direction)

        def decide(uow: EesUnitOfWork) -> BorderCheck:
            check = self._check(uow, request, direction, document, now)
            self._log(uow, actor, f"check_{direction}", check, now)
            return check

        return transact(self._store, decide)

    # -- recording ---------------------------------------------------------------

    def run(self, decision: Decision[T]) -> T:
        """Run a decision on the store: decided on a snapshot, its writes applied durably."""
        return transact(self._store, decision)

    async def run_async(self, decision: Decision[T]) -> T:
        """Run a decision without holding a thread while its writes are committed."""
        return await transact_async(self._store, decision)

    def record_entry(
        self,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        at: datetime | None = None,
        source: RecordSource = RecordSource.EES,
    ) -> CrossingReceipt:
        """EES Art 14, 16, 17: create or update the file and record the entry."""
        return self.run(self.entry_decision(actor, request, idempotency_key, at, source))

    def entry_decision(
        self,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        at: datetime | None = None,
        source: RecordSource = RecordSource.EES,
    ) -> Decision[CrossingReceipt]:
        """EES Art 14, 16, 17: the decision that records an entry, to run on the store."""
        at = at or self._clock.now()
        document = read_document(request.mrz, at.date(), Direction.ENTRY)
        digest = request.digest("entry")

        def decide(uow: EesUnitOfWork) -> CrossingReceipt:
            replay = self._replay(uow, actor, idempotency_key, "entry", digest, request, at)
            if replay is not None:
                return replay
            check = self._check(uow, request, Direction.ENTRY, document, at)
            require_active(check.crossing_point)
            open_entry = next((r for r in check.entries if r.is_open), None)
            if open_entry is not None:
                raise SecondEntryWithoutExit(
                    f"The entry of {open_entry.entry_at:%Y-%m-%d} at "
                    f"{open_entry.entry_crossing_point} has no exit: record the exit first."
                )
            kind = traveller_kind(request)
            if kind is TravellerKind.VISA_HOLDER and request.visa is None:
                raise MissingVisa(
                    "A visa holder's entry needs the visa: give its sticker number, validity, "
                    "duration of stay and entries.",
                    [FieldError("visa", "required for a visa holder")],
                )
            assessment = check.assessment
            assert assessment is not None  # noqa: S101 - set for every entry check
            if assessment.authorised_until is None:
                raise NoStayPossible(_no_stay_reason(assessment))
            fingerprint_status, completeness = biometrics_on_entry(
                check.crossing_point, request, kind, document, at.date()
            )
            individual_file, created = self._file_for(
                uow, check, document, kind, request, fingerprint_status, completeness, at, True
            )
            record = EntryExitRecord(
                record_id=new_id("E"),
                file_id=individual_file.file_id,
                entry_at=at,
                entry_crossing_point=check.crossing_point.code,
                authorised_stay_until=assessment.authorised_until,
                source=source,
                visa=request.visa,
                entry_stamp=request.stamp_date,
            )
            uow.ees.add_entry(record)
            self._remember(uow, actor, idempotency_key, "entry", digest, record.record_id, at)
            self._log(
                uow, actor, "record_entry", check, at, (individual_file.file_id, record.record_id)
            )
            after = replace(
                check, individual_file=individual_file, entries=(*check.entries, record)
            )
            return CrossingReceipt(
                record.record_id, individual_file.file_id, created, False, after, entry=record
            )

        return decide

    def record_exit(
        self,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        at: datetime | None = None,
        stamp_entry_date: date | None = None,
    ) -> CrossingReceipt:
        """EES Art 16(3), 17(2): record the exit; an entry stamp stands in for a missing entry."""
        return self.run(self.exit_decision(actor, request, idempotency_key, at, stamp_entry_date))

    def exit_decision(
        self,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        at: datetime | None = None,
        stamp_entry_date: date | None = None,
    ) -> Decision[CrossingReceipt]:
        """EES Art 16(3), 17(2): the decision that records an exit.

        Art 22 and Reg. (EU) 2025/1534 Art 5: a traveller who entered without an EES
        record (before the start, or where the EES was suspended) gets a file at exit,
        with the entry date of the stamp.
        """
        at = at or self._clock.now()
        document = read_document(request.mrz, at.date(), Direction.EXIT)
        digest = request.digest("exit", str(stamp_entry_date))

        def decide(uow: EesUnitOfWork) -> CrossingReceipt:
            replay = self._replay(uow, actor, idempotency_key, "exit", digest, request, at)
            if replay is not None:
                return replay
            check = self._check(uow, request, Direction.EXIT, document, at)
            require_active(check.crossing_point)
            open_entry = next((r for r in check.entries if r.is_open), None)
            created = False
            individual_file = check.individual_file
            if open_entry is None:
                if stamp_entry_date is None or stamp_entry_date > at.date():
                    raise ExitWithoutEntry(
                        "No entry without an exit is on record for this document. If the "
                        "traveller entered with a stamp only, give the stamp's entry date.",
                        [FieldError("stamp_entry_date", "give the date of the entry stamp")],
                    )
                kind = traveller_kind(request)
                fingerprint_status, completeness = biometrics_on_entry(
                    check.crossing_point, request, kind, document, at.date()
                )
                individual_file, created = self._file_for(
                    uow, check, document, kind, request, fingerprint_status, completeness, at, False
                )
                stamp_at = datetime.combine(stamp_entry_date, datetime.min.time(), at.tzinfo)
                stamp_check = assess_entry(check.entries, stamp_entry_date, request.visa)
                open_entry = EntryExitRecord(
                    record_id=new_id("E"),
                    file_id=individual_file.file_id,
                    entry_at=stamp_at,
                    entry_crossing_point=check.crossing_point.code,
                    authorised_stay_until=stamp_check.authorised_until or stamp_entry_date,
                    source=RecordSource.STAMP,
                    visa=request.visa,
                )
                uow.ees.add_entry(open_entry)
                check = replace(
                    check,
                    individual_file=individual_file,
                    entries=(*check.entries, open_entry),
                    assessment=assess_exit((*check.entries, open_entry), open_entry, at.date()),
                )
            assert individual_file is not None  # noqa: S101 - found or created above
            assessment = check.assessment
            assert assessment is not None  # noqa: S101 - set for every exit check
            closed = replace(
                open_entry,
                exit_at=at,
                exit_crossing_point=check.crossing_point.code,
                exit_stamp=request.stamp_date,
                overstay_from=open_entry.overstay_from
                or (
                    open_entry.authorised_stay_until.fromordinal(
                        open_entry.authorised_stay_until.toordinal() + 1
                    )
                    if assessment.overstay_days
                    else None
                ),
            )
            uow.ees.update_entry(closed)
            individual_file = self._complete_at_exit(uow, individual_file, request, at)
            uow.ees.update_file(
                replace(individual_file, last_exit_or_refusal=at.date(), updated_at=at)
            )
            self._remember(uow, actor, idempotency_key, "exit", digest, closed.record_id, at)
            self._log(
                uow, actor, "record_exit", check, at, (individual_file.file_id, closed.record_id)
            )
            after = replace(
                check,
                individual_file=individual_file,
                entries=tuple(
                    closed if r.record_id == closed.record_id else r for r in check.entries
                ),
            )
            return CrossingReceipt(
                closed.record_id, individual_file.file_id, created, False, after, entry=closed
            )

        return decide

    def record_refusal(
        self,
        actor: Actor,
        request: CrossingRequest,
        reasons: Sequence[RefusalReason],
        idempotency_key: str | None = None,
        at: datetime | None = None,
        source: RecordSource = RecordSource.EES,
    ) -> CrossingReceipt:
        """EES Art 18: record a refusal of entry; biometrics are kept for reasons B, D and H."""
        return self.run(self.refusal_decision(actor, request, reasons, idempotency_key, at, source))

    def refusal_decision(
        self,
        actor: Actor,
        request: CrossingRequest,
        reasons: Sequence[RefusalReason],
        idempotency_key: str | None = None,
        at: datetime | None = None,
        source: RecordSource = RecordSource.EES,
    ) -> Decision[CrossingReceipt]:
        """EES Art 18: the decision that records a refusal."""
        if not reasons:
            raise InvalidRequest(
                "A refusal needs at least one reason of Annex V Part B (A to J).",
                [FieldError("reasons", "give at least one reason letter")],
            )
        at = at or self._clock.now()
        # A refused traveller's document may be expired or forged: read it, do not demand it valid.
        document = read_document(request.mrz, at.date(), Direction.EXIT)
        digest = request.digest("refusal", ",".join(sorted(reasons)))
        offered = request

        def decide(uow: EesUnitOfWork) -> CrossingReceipt:
            replay = self._replay(uow, actor, idempotency_key, "refusal", digest, offered, at)
            if replay is not None:
                return replay
            check = self._check(uow, offered, Direction.ENTRY, document, at)
            keep = refusal_keeps_biometrics(reasons)
            request = offered
            if keep:
                fingerprint_status, completeness = biometrics_on_entry(
                    check.crossing_point, request, traveller_kind(request), document, at.date()
                )
            else:
                fingerprint_status, completeness = (
                    # Nothing is kept: a later entry completes the file.
                    FingerprintStatus.NOT_CAPTURED,
                    Completeness.PENDING_BIOMETRICS,
                )
                request = replace(offered, capture=Capture())
            individual_file, created = self._file_for(
                uow,
                check,
                document,
                traveller_kind(request),
                request,
                fingerprint_status,
                completeness,
                at,
                keep,
            )
            refusal = RefusalRecord(
                record_id=new_id("R"),
                file_id=individual_file.file_id,
                refused_at=at,
                crossing_point=check.crossing_point.code,
                reasons=tuple(sorted(set(reasons))),
                source=source,
            )
            uow.ees.add_refusal(refusal)
            uow.ees.update_file(
                replace(individual_file, last_exit_or_refusal=at.date(), updated_at=at)
            )
            self._remember(uow, actor, idempotency_key, "refusal", digest, refusal.record_id, at)
            self._log(
                uow,
                actor,
                "record_refusal",
                check,
                at,
                (individual_file.file_id, refusal.record_id),
            )
            after = replace(
                check, individual_file=individual_file, refusals=(*check.refusals, refusal)
            )
            return CrossingReceipt(
                refusal.record_id, individual_file.file_id, created, False, after, refusal=refusal
            )

        return decide

    # -- internals ---------------------------------------------------------------

    def _check(
        self,
        uow: EesUnitOfWork,
        request: CrossingRequest,
        direction: Direction,
        document: MrzReading,
        now: datetime,
    ) -> BorderCheck:
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
        individual_file = uow.ees.file_of_identity(identity.cir_id) if identity else None
        entries = tuple(uow.ees.entries(individual_file.file_id)) if individual_file else ()
        refusals = tuple(uow.ees.refusals(individual_file.file_id)) if individual_file else ()
        verification = None
        if identity is not None and request.capture.templates:
            stored = uow.identities.templates(identity.cir_id)
            if stored:
                verification = self._verifier.verify(request.capture.templates, stored)
        today = now.date()
        warnings: list[str] = []
        assessment: StayAssessment | None = None
        open_entry = next((r for r in entries if r.is_open), None)
        biometric_file = (
            individual_file is not None and individual_file.completeness is Completeness.COMPLETE
        )
        if direction is Direction.ENTRY:
            if open_entry is not None:
                warnings.append(
                    f"The entry of {open_entry.entry_at:%Y-%m-%d} has no exit on record."
                )
            assessment = assess_entry(entries, today, request.visa, biometric_file)
            if assessment.earlier_overstays:
                warnings.append(f"{assessment.earlier_overstays} earlier overstay(s) on record.")
        elif open_entry is not None:
            assessment = assess_exit(entries, open_entry, today, biometric_file)
            if assessment.overstay_days:
                warnings.append(f"Overstay of {assessment.overstay_days} day(s).")
        else:
            warnings.append("No entry on record for this document.")
        if verification is not None and verification.matched is False:
            warnings.append("The traveller does not match the biometrics of the file.")
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
        )

    def _file_for(
        self,
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
        if check.individual_file is not None and check.identity is not None:
            individual_file = check.individual_file
            if templates and individual_file.completeness is Completeness.PENDING_BIOMETRICS:
                uow.identities.put_templates(check.identity.cir_id, templates)
                individual_file = replace(
                    individual_file,
                    fingerprint_status=fingerprint_status,
                    completeness=completeness,
                    updated_at=at,
                )
                uow.ees.update_file(individual_file)
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
        )
        uow.ees.add_file(individual_file)
        return individual_file, True

    def _complete_at_exit(
        self,
        uow: EesUnitOfWork,
        individual_file: IndividualFile,
        request: CrossingRequest,
        at: datetime,
    ) -> IndividualFile:
        """EES Art 17(4): fingerprints temporarily impossible at entry are taken at exit."""
        if (
            individual_file.fingerprint_status is FingerprintStatus.TEMPORARILY_IMPOSSIBLE
            and request.capture.fingers
        ):
            fingers = tuple(t for t in request.capture.templates if t.modality.is_finger)
            uow.identities.put_templates(individual_file.cir_id, fingers)
            return replace(
                individual_file, fingerprint_status=FingerprintStatus.CAPTURED, updated_at=at
            )
        return individual_file

    def _replay(
        self,
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

    @staticmethod
    def _remember(
        uow: EesUnitOfWork,
        actor: Actor,
        key: str | None,
        operation: str,
        digest: str,
        record_id: str,
        at: datetime,
    ) -> None:
        if key is not None:
            uow.ees.remember_outcome(
                IdempotentOutcome(key, actor.user_id, operation, digest, record_id, at)
            )

    @staticmethod
    def _log(
        uow: EesUnitOfWork,
        actor: Actor,
        operation: str,
        check: BorderCheck,
        at: datetime,
        references: tuple[str, ...] = (),
    ) -> None:
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


def _no_stay_reason(assessment: StayAssessment) -> str:
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
