"""Border checks and the recording of entries, exits and refusals (EES Art 14-18, 23).

The service reads the machine-readable zone, finds the individual file through the
CIR, verifies the traveller 1:1 against the file's biometrics, runs the automated
calculator and records the crossing, all in one unit of work. Every read and write
of personal data is logged (Art 46). A retry with the same Idempotency-Key returns
the first outcome and stores nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from limes.core.clock import Clock
from limes.core.documents import MrzReading
from limes.core.errors import FieldError, InvalidRequest
from limes.ees.border_checks import (
    border_check,
    complete_at_exit,
    file_for,
    log_access,
    missing_visa,
    no_stay_reason,
    record_stamped_stays,
    remember_outcome,
    replayed_receipt,
)
from limes.ees.domain.assessment import assess_entry, assess_exit
from limes.ees.domain.border import (
    Capture,
    CrossingRequest,
    biometrics_on_entry,
    read_document,
    require_active,
    require_refusals_recorded,
)
from limes.ees.domain.errors import (
    ExitWithoutEntry,
    NoStayPossible,
    SecondEntryWithoutExit,
)
from limes.ees.domain.models import (
    Completeness,
    Direction,
    EntryExitRecord,
    FingerprintStatus,
    RecordSource,
    RefusalReason,
    RefusalRecord,
    TravellerKind,
)
from limes.ees.domain.rules import refusal_keeps_biometrics
from limes.ees.domain.stamps import require_before
from limes.ees.identification import (
    PrefetchedIdentification,
    PreparedDecision,
    prepared,
    settle_identity,
    unsettled_identity,
)
from limes.ees.outcomes import Actor, BorderCheck, CrossingReceipt, new_id
from limes.ees.planning import Decision, T, transact, transact_async
from limes.ees.ports import BiometricIdentifier, BiometricVerifier, EesStore, EesUnitOfWork
from limes.ees.review import capture_point, exit_before_outage_entry, stay_admitted


class EesService:
    """The EES use cases at the border."""

    def __init__(
        self,
        store: EesStore,
        clock: Clock,
        verifier: BiometricVerifier,
        identifier: BiometricIdentifier | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._verifier = verifier
        # EES Art 27: identification 1:N through the sBMS; None searches identity data only.
        self._identifier = identifier

    # -- reading -----------------------------------------------------------------

    def check(self, actor: Actor, request: CrossingRequest, direction: Direction) -> BorderCheck:
        """EES Art 23: verify the document and the traveller, and run the calculator."""
        now = self._clock.now()
        document = read_document(request.mrz, now.date(), direction)

        def decide(uow: EesUnitOfWork) -> BorderCheck:
            check = border_check(
                uow, self._verifier, request, direction, document, now, self._identifier
            )
            log_access(uow, actor, f"check_{direction}", check, now)
            return check

        return transact(self._store, decide)

    # -- recording ---------------------------------------------------------------

    def run(self, decision: Decision[T]) -> T:
        """Run a decision on the store: decided on a snapshot, its writes applied durably."""
        return transact(self._store, decision)

    async def run_async(self, decision: Decision[T]) -> T:
        """Run a decision without holding a thread while its writes are committed."""
        if isinstance(decision, PreparedDecision):
            # EES Art 27: the 1:N search, off the loop and off the thread that decides.
            await asyncio.to_thread(decision.prepare)
        return await transact_async(self._store, decision)

    def _prefetch(
        self, request: CrossingRequest, document: MrzReading
    ) -> PrefetchedIdentification | None:
        if self._identifier is None:
            return None
        return PrefetchedIdentification(
            self._store, self._identifier, request.capture.templates, document
        )

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
        prefetch = self._prefetch(request, document)

        def decide(uow: EesUnitOfWork) -> CrossingReceipt:
            replay = replayed_receipt(uow, actor, idempotency_key, "entry", digest, request, at)
            if replay is not None:
                return replay
            check = border_check(
                uow, self._verifier, request, Direction.ENTRY, document, at, prefetch
            )
            require_active(check.crossing_point)
            identity_review = _identity_settled(uow, actor, check, request, at, source)
            open_entry = next((r for r in check.entries if r.is_open), None)
            if open_entry is not None and source is RecordSource.FALLBACK:
                check = _closed_before_outage_entry(uow, check, open_entry, request, at)
            elif open_entry is not None:
                raise SecondEntryWithoutExit(
                    f"The entry of {open_entry.entry_at:%Y-%m-%d} at "
                    f"{open_entry.entry_crossing_point} has no exit: record the exit first."
                )
            assert check.visa_status is not None  # noqa: S101 - set by every check
            kind = check.visa_status.kind
            if check.visa_status.visa_missing or (
                kind is TravellerKind.VISA_HOLDER and request.visa is None
            ):
                raise missing_visa(check.visa_status)
            family_member = check.scope is not None and check.scope.family_member
            review_reason: str | None = None
            # EES Art 11: no authorised stay is computed for a family member; the record
            # keeps the entry day, from which Art 34(4) counts.
            authorised_until: date | None = check.crossing_point.local_date(at)
            if not family_member:
                assessment = check.assessment
                assert assessment is not None  # noqa: S101 - set for every entry check
                authorised_until, review_reason = stay_admitted(
                    assessment, source, check.crossing_point.local_date(at)
                )
            if authorised_until is None:
                assert check.assessment is not None  # noqa: S101 - only a calculator refuses
                raise NoStayPossible(no_stay_reason(check.assessment))
            fingerprint_status, completeness = biometrics_on_entry(
                capture_point(check.crossing_point, source),
                request,
                kind,
                document,
                check.crossing_point.local_date(at),
            )
            individual_file, created = file_for(
                uow, check, document, kind, request, fingerprint_status, completeness, at, True
            )
            record_stamped_stays(uow, check.stamped, individual_file.file_id)
            if individual_file.family_member is not family_member:
                individual_file = replace(
                    individual_file, family_member=family_member, updated_at=at
                )
                uow.ees.update_file(individual_file)
            record = EntryExitRecord(
                record_id=new_id("E"),
                file_id=individual_file.file_id,
                entry_at=at,
                entry_crossing_point=check.crossing_point.code,
                authorised_stay_until=authorised_until,
                source=source,
                visa=request.visa,
                entry_stamp=request.stamp_date,
                entry_date=check.crossing_point.local_date(at),
                review_reason=_joined(review_reason, identity_review),
                authority=actor.authority,
                family_member=family_member,
            )
            uow.ees.add_entry(record)
            remember_outcome(uow, actor, idempotency_key, "entry", digest, record.record_id, at)
            log_access(
                uow, actor, "record_entry", check, at, (individual_file.file_id, record.record_id)
            )
            after = replace(
                check, individual_file=individual_file, entries=(*check.entries, record)
            )
            return CrossingReceipt(
                record.record_id, individual_file.file_id, created, False, after, entry=record
            )

        return prepared(decide, prefetch)

    def record_exit(
        self,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        at: datetime | None = None,
        stamp_entry_date: date | None = None,
        source: RecordSource = RecordSource.EES,
    ) -> CrossingReceipt:
        """EES Art 16(3), 17(2): record the exit; an entry stamp stands in for a missing entry."""
        return self.run(
            self.exit_decision(actor, request, idempotency_key, at, stamp_entry_date, source)
        )

    def exit_decision(
        self,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        at: datetime | None = None,
        stamp_entry_date: date | None = None,
        source: RecordSource = RecordSource.EES,
    ) -> Decision[CrossingReceipt]:
        """EES Art 16(3), 17(2): the decision that records an exit, marked with how it
        reached the EES (Art 21: `RecordSource.FALLBACK` for an exit kept locally).

        Art 22 and Reg. (EU) 2025/1534 Art 5: a traveller who entered without an EES
        record (before the start, or where the EES was suspended) gets a file at exit,
        with the entry date of the stamp.
        """
        at = at or self._clock.now()
        document = read_document(request.mrz, at.date(), Direction.EXIT)
        digest = request.digest("exit", str(stamp_entry_date))
        prefetch = self._prefetch(request, document)

        def decide(uow: EesUnitOfWork) -> CrossingReceipt:
            replay = replayed_receipt(uow, actor, idempotency_key, "exit", digest, request, at)
            if replay is not None:
                return replay
            check = border_check(
                uow, self._verifier, request, Direction.EXIT, document, at, prefetch
            )
            require_active(check.crossing_point)
            identity_review = _identity_settled(uow, actor, check, request, at, source)
            open_entry = next((r for r in check.entries if r.is_open), None)
            created = False
            individual_file = check.individual_file
            if open_entry is None:
                if stamp_entry_date is None or stamp_entry_date > check.crossing_point.local_date(
                    at
                ):
                    raise ExitWithoutEntry(
                        "No entry without an exit is on record for this document. If the "
                        "traveller entered with a stamp only, give the stamp's entry date.",
                        [FieldError("stamp_entry_date", "give the date of the entry stamp")],
                    )
                require_before(request.stamped_stays, stamp_entry_date)
                assert check.visa_status is not None  # noqa: S101 - set by every check
                kind = check.visa_status.kind
                family_member = check.scope is not None and check.scope.family_member
                fingerprint_status, completeness = biometrics_on_entry(
                    check.crossing_point,
                    request,
                    kind,
                    document,
                    check.crossing_point.local_date(at),
                )
                individual_file, created = file_for(
                    uow, check, document, kind, request, fingerprint_status, completeness, at, False
                )
                stamp_at = datetime.combine(stamp_entry_date, datetime.min.time(), at.tzinfo)
                stamp_until = stamp_entry_date
                if not family_member:  # EES Art 11 does not apply to family members
                    stamp_check = assess_entry(check.entries, stamp_entry_date, request.visa)
                    stamp_until = stamp_check.authorised_until or stamp_entry_date
                open_entry = EntryExitRecord(
                    record_id=new_id("E"),
                    file_id=individual_file.file_id,
                    entry_at=stamp_at,
                    entry_crossing_point=check.crossing_point.code,
                    authorised_stay_until=stamp_until,
                    source=RecordSource.STAMP,
                    visa=request.visa,
                    entry_date=stamp_entry_date,
                    family_member=family_member,
                )
                uow.ees.add_entry(open_entry)
                check = replace(
                    check,
                    individual_file=individual_file,
                    entries=(*check.entries, open_entry),
                    assessment=None
                    if family_member
                    else assess_exit(
                        (*check.entries, open_entry),
                        open_entry,
                        check.crossing_point.local_date(at),
                    ),
                )
            assert individual_file is not None  # noqa: S101 - found or created above
            record_stamped_stays(uow, check.stamped, individual_file.file_id)
            assessment = check.assessment
            # Set for every exit check, except a family member's (EES Art 11, 12).
            assert assessment is not None or open_entry.family_member  # noqa: S101
            closed = replace(
                open_entry,
                exit_at=at,
                exit_crossing_point=check.crossing_point.code,
                exit_stamp=request.stamp_date,
                exit_date=check.crossing_point.local_date(at),
                exit_source=source,
                review_reason=_joined(open_entry.review_reason, identity_review),
                overstay_from=open_entry.overstay_from
                or (
                    open_entry.authorised_stay_until.fromordinal(
                        open_entry.authorised_stay_until.toordinal() + 1
                    )
                    if assessment is not None and assessment.overstay_days
                    else None
                ),
            )
            uow.ees.update_entry(closed)
            individual_file = complete_at_exit(
                uow, individual_file, request, at, check.crossing_point.country
            )
            uow.ees.update_file(
                replace(
                    individual_file,
                    last_exit_or_refusal=check.crossing_point.local_date(at),
                    updated_at=at,
                )
            )
            remember_outcome(uow, actor, idempotency_key, "exit", digest, closed.record_id, at)
            log_access(
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

        return prepared(decide, prefetch)

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
        prefetch = self._prefetch(offered, document)

        def decide(uow: EesUnitOfWork) -> CrossingReceipt:
            replay = replayed_receipt(uow, actor, idempotency_key, "refusal", digest, offered, at)
            if replay is not None:
                return replay
            check = border_check(
                uow, self._verifier, offered, Direction.ENTRY, document, at, prefetch
            )
            require_refusals_recorded(check.crossing_point)
            # A refusal is one of the guard's answers to a failed verification; a file
            # that may be the traveller's is still confirmed or set aside first.
            settle_identity(
                uow, actor, check, offered.identity_decision, at, verification_counts=False
            )
            keep = refusal_keeps_biometrics(reasons)
            assert check.visa_status is not None  # noqa: S101 - set by every check
            kind = check.visa_status.kind
            request = offered
            if keep:
                fingerprint_status, completeness = biometrics_on_entry(
                    check.crossing_point,
                    request,
                    kind,
                    document,
                    check.crossing_point.local_date(at),
                )
            else:
                fingerprint_status, completeness = (
                    # Nothing is kept: a later entry completes the file.
                    FingerprintStatus.NOT_CAPTURED,
                    Completeness.PENDING_BIOMETRICS,
                )
                request = replace(offered, capture=Capture())
            individual_file, created = file_for(
                uow,
                check,
                document,
                kind,
                request,
                fingerprint_status,
                completeness,
                at,
                keep,
            )
            record_stamped_stays(uow, check.stamped, individual_file.file_id)
            refusal = RefusalRecord(
                record_id=new_id("R"),
                file_id=individual_file.file_id,
                refused_at=at,
                crossing_point=check.crossing_point.code,
                reasons=tuple(sorted(set(reasons))),
                source=source,
                refused_on=check.crossing_point.local_date(at),
                authority=actor.authority,
            )
            uow.ees.add_refusal(refusal)
            uow.ees.update_file(
                replace(
                    individual_file,
                    last_exit_or_refusal=check.crossing_point.local_date(at),
                    updated_at=at,
                )
            )
            remember_outcome(uow, actor, idempotency_key, "refusal", digest, refusal.record_id, at)
            log_access(
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

        return prepared(decide, prefetch)


def _identity_settled(
    uow: EesUnitOfWork,
    actor: Actor,
    check: BorderCheck,
    request: CrossingRequest,
    at: datetime,
    source: RecordSource,
) -> str | None:
    """EES Art 23, 27: the guard settles who the traveller is before a crossing is
    recorded; a crossing kept during an outage (Art 21) is recorded and flagged instead."""
    if source is RecordSource.FALLBACK:
        return unsettled_identity(check)
    settle_identity(uow, actor, check, request.identity_decision, at)
    return None


def _joined(*reasons: str | None) -> str | None:
    given = [reason for reason in reasons if reason]
    return " ".join(given) if given else None


def _closed_before_outage_entry(
    uow: EesUnitOfWork,
    check: BorderCheck,
    open_entry: EntryExitRecord,
    request: CrossingRequest,
    at: datetime,
) -> BorderCheck:
    """EES Art 21: the earlier entry closed by an entry kept during an outage, and the
    check's calculation taken again with that stay in it (Art 11)."""
    day = check.crossing_point.local_date(at)
    closed = exit_before_outage_entry(open_entry, at, day)
    uow.ees.update_entry(closed)
    entries = tuple(closed if r.record_id == closed.record_id else r for r in check.entries)
    biometric_file = (
        check.individual_file is not None
        and check.individual_file.completeness is Completeness.COMPLETE
    )
    family_member = check.scope is not None and check.scope.family_member
    assessment = None if family_member else assess_entry(entries, day, request.visa, biometric_file)
    return replace(check, entries=entries, assessment=assessment)
