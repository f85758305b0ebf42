"""Fall-back when the central system is unavailable (EES Art 21).

A crossing point keeps working: when the central store cannot be reached, the
crossing is checked locally (the document must still be valid) and kept in a local
queue on disk, then uploaded in order, exactly once, when the store is back. Every
queued crossing carries an Idempotency-Key, so an upload that reached the store but
lost its answer is recognised as a retry and not stored twice.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.clock import Clock
from limes.core.errors import BackendUnavailable, DomainError
from limes.core.visa_lists import VisaExemption
from limes.db.loop_guard import forbid_on_event_loop
from limes.ees.domain.border import Capture, CrossingRequest, read_document
from limes.ees.domain.models import (
    Direction,
    FingerprintStatus,
    RecordSource,
    RefusalReason,
    TravellerKind,
    VisaDetails,
)
from limes.ees.domain.scope import ResidenceDocument
from limes.ees.domain.stamps import StampedStay
from limes.ees.outcomes import Actor, CrossingReceipt, new_id
from limes.ees.planning import Decision
from limes.ees.service import EesService
from limes.shortstay import EntriesAllowed

_LOOK_AGAIN_SECONDS = 2.0


class Operation(StrEnum):
    """What a queued crossing records."""

    ENTRY = "entry"
    EXIT = "exit"
    REFUSAL = "refusal"


@dataclass(frozen=True, slots=True)
class QueuedCrossing:
    """A crossing kept locally until the central system is back."""

    sequence: int
    operation: Operation
    actor: Actor
    request: CrossingRequest
    idempotency_key: str
    at: datetime
    reasons: tuple[RefusalReason, ...] = ()
    stamp_entry_date: date | None = None
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class QueuedReceipt:
    """The answer while the central system is down: kept locally, uploaded later."""

    sequence: int
    idempotency_key: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """What an upload of the queue did."""

    uploaded: tuple[str, ...]
    failed: tuple[tuple[int, str], ...]
    remaining: int


class FallbackQueue(Protocol):
    """A durable, ordered local queue."""

    def append(self, crossing: QueuedCrossing) -> int:
        """Keep a crossing; returns its sequence number."""
        ...

    def pending(self) -> list[QueuedCrossing]:
        """Crossings still to upload, oldest first (failed ones excluded)."""
        ...

    def failed(self) -> list[QueuedCrossing]:
        """Crossings the central system refused on upload, for a person to handle."""
        ...

    def remove(self, sequence: int) -> None:
        """Forget an uploaded crossing."""
        ...

    def mark_failed(self, sequence: int, reason: str) -> None:
        """Set a crossing aside with the reason the central system gave."""
        ...


class FallbackRecorder:
    """Records through the EES service, or into the local queue when it is unavailable."""

    def __init__(self, service: EesService, queue: FallbackQueue, clock: Clock) -> None:
        self._service = service
        self._queue = queue
        self._clock = clock
        self._lock = threading.Lock()
        # Whether the queue may hold crossings: looked up at most every few seconds
        # (another worker may have queued some), and at once after this one queues.
        self._may_hold = True
        self._looked_at = 0.0

    @property
    def queue(self) -> FallbackQueue:
        """The local queue."""
        return self._queue

    def record(
        self,
        operation: Operation,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        *,
        reasons: tuple[RefusalReason, ...] = (),
        stamp_entry_date: date | None = None,
    ) -> CrossingReceipt | QueuedReceipt:
        """Record a crossing centrally, or queue it if the central system is down."""
        crossing = self._crossing(
            operation, actor, request, idempotency_key, reasons, stamp_entry_date
        )
        if self._queue_may_hold():
            return self._record_in_order(crossing)
        try:
            return self._upload(crossing, RecordSource.EES)
        except BackendUnavailable:
            return self._enqueue(crossing)

    async def record_async(
        self,
        operation: Operation,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None = None,
        *,
        reasons: tuple[RefusalReason, ...] = (),
        stamp_entry_date: date | None = None,
    ) -> CrossingReceipt | QueuedReceipt:
        """`record` for the event loop: no thread is held while the crossing is committed."""
        crossing = self._crossing(
            operation, actor, request, idempotency_key, reasons, stamp_entry_date
        )
        # The queue is a file: it is looked at on a thread, and only every few seconds.
        may_hold = self._may_hold or self._look_due()
        if may_hold and await asyncio.to_thread(self._queue_may_hold):
            return await asyncio.to_thread(self._record_in_order, crossing)
        try:
            return await self._service.run_async(self._decision(crossing, RecordSource.EES))
        except BackendUnavailable:
            return await asyncio.to_thread(self._enqueue, crossing)

    def _crossing(
        self,
        operation: Operation,
        actor: Actor,
        request: CrossingRequest,
        idempotency_key: str | None,
        reasons: tuple[RefusalReason, ...],
        stamp_entry_date: date | None,
    ) -> QueuedCrossing:
        key = idempotency_key or new_id("K")
        at = self._clock.now()
        return QueuedCrossing(0, operation, actor, request, key, at, reasons, stamp_entry_date)

    def _record_in_order(self, crossing: QueuedCrossing) -> CrossingReceipt | QueuedReceipt:
        # Keep the order: earlier queued crossings go first.
        self.replay()
        if self._queue.pending():
            return self._enqueue(crossing)
        try:
            return self._upload(crossing, RecordSource.EES)
        except BackendUnavailable:
            return self._enqueue(crossing)

    def replay(self) -> ReplayReport:
        """Upload queued crossings in order; stop at the first sign the store is still down."""
        uploaded: list[str] = []
        failed: list[tuple[int, str]] = []
        with self._lock:
            for crossing in self._queue.pending():
                try:
                    receipt = self._upload(crossing, RecordSource.FALLBACK)
                except BackendUnavailable:
                    break
                except DomainError as error:
                    self._queue.mark_failed(crossing.sequence, str(error))
                    failed.append((crossing.sequence, str(error)))
                    continue
                self._queue.remove(crossing.sequence)
                uploaded.append(receipt.record_id)
            remaining = len(self._queue.pending())
            self._may_hold = remaining > 0
        return ReplayReport(tuple(uploaded), tuple(failed), remaining)

    def _look_due(self) -> bool:
        return time.monotonic() - self._looked_at > _LOOK_AGAIN_SECONDS

    def _queue_may_hold(self) -> bool:
        now = time.monotonic()
        if self._may_hold or now - self._looked_at > _LOOK_AGAIN_SECONDS:
            self._looked_at = now
            self._may_hold = bool(self._queue.pending())
        return self._may_hold

    def _enqueue(self, crossing: QueuedCrossing) -> QueuedReceipt:
        # The local check: a crossing is queued only with a readable, valid document.
        direction = Direction.ENTRY if crossing.operation is Operation.ENTRY else Direction.EXIT
        read_document(crossing.request.mrz, crossing.at.date(), direction)
        sequence = self._queue.append(crossing)
        self._may_hold = True
        return QueuedReceipt(sequence, crossing.idempotency_key, crossing.at)

    def _upload(self, crossing: QueuedCrossing, source: RecordSource) -> CrossingReceipt:
        return self._service.run(self._decision(crossing, source))

    def _decision(
        self, crossing: QueuedCrossing, source: RecordSource
    ) -> Decision[CrossingReceipt]:
        service, c = self._service, crossing
        if c.operation is Operation.ENTRY:
            return service.entry_decision(c.actor, c.request, c.idempotency_key, c.at, source)
        if c.operation is Operation.EXIT:
            return service.exit_decision(
                c.actor, c.request, c.idempotency_key, c.at, c.stamp_entry_date, source
            )
        return service.refusal_decision(
            c.actor, c.request, c.reasons, c.idempotency_key, c.at, source
        )


def _encode(crossing: QueuedCrossing) -> str:
    r, a, v = crossing.request, crossing.actor, crossing.request.visa
    body: dict[str, Any] = {
        "operation": crossing.operation.value,
        "actor": [a.user_id, a.role, a.authority, a.purpose],
        "mrz": r.mrz,
        "crossing_point": r.crossing_point,
        "traveller_kind": r.traveller_kind.value if r.traveller_kind else None,
        "templates": [
            [t.modality.value, base64.b64encode(t.vector).decode(), t.quality, t.synthetic]
            for t in r.capture.templates
        ],
        "fingerprint_status": (
            r.capture.fingerprint_status.value if r.capture.fingerprint_status else None
        ),
        "visa": (
            [
                v.sticker_number,
                v.valid_from.isoformat(),
                v.valid_until.isoformat(),
                v.duration_days,
                v.entries.value,
                v.limited_territorial_validity,
            ]
            if v
            else None
        ),
        "stamp_date": r.stamp_date.isoformat() if r.stamp_date else None,
        "stamped_stays": [
            [
                s.entry_date.isoformat(),
                s.entry_crossing_point,
                s.exit_date.isoformat(),
                s.exit_crossing_point,
                s.on_visa,
            ]
            for s in r.stamped_stays
        ],
        "sent_digest": r.sent_digest,
        "family_member": r.family_member,
        "residence_document": r.residence_document.value if r.residence_document else None,
        "visa_exemption": r.visa_exemption.value if r.visa_exemption else None,
        "key": crossing.idempotency_key,
        "at": crossing.at.isoformat(),
        "reasons": [x.value for x in crossing.reasons],
        "stamp_entry_date": crossing.stamp_entry_date.isoformat()
        if crossing.stamp_entry_date
        else None,
    }
    return json.dumps(body)


def _decode(sequence: int, payload: str, failure: str | None) -> QueuedCrossing:
    b = json.loads(payload)
    v = b["visa"]
    visa = (
        VisaDetails(
            v[0],
            date.fromisoformat(v[1]),
            date.fromisoformat(v[2]),
            v[3],
            EntriesAllowed(v[4]),
            v[5],
        )
        if v
        else None
    )
    templates = tuple(
        BiometricTemplate(Modality(m), base64.b64decode(vec), q, s)
        for m, vec, q, s in b["templates"]
    )
    status = FingerprintStatus(b["fingerprint_status"]) if b["fingerprint_status"] else None
    request = CrossingRequest(
        mrz=b["mrz"],
        crossing_point=b["crossing_point"],
        capture=Capture(templates, status),
        visa=visa,
        traveller_kind=TravellerKind(b["traveller_kind"]) if b["traveller_kind"] else None,
        stamp_date=date.fromisoformat(b["stamp_date"]) if b.get("stamp_date") else None,
        stamped_stays=tuple(
            StampedStay(date.fromisoformat(a), ap, date.fromisoformat(d), dp, v)
            for a, ap, d, dp, v in b.get("stamped_stays", [])
        ),
        sent_digest=b.get("sent_digest"),
        family_member=bool(b.get("family_member", False)),
        residence_document=ResidenceDocument(b["residence_document"])
        if b.get("residence_document")
        else None,
        visa_exemption=VisaExemption(b["visa_exemption"]) if b.get("visa_exemption") else None,
    )
    return QueuedCrossing(
        sequence=sequence,
        operation=Operation(b["operation"]),
        actor=Actor(*b["actor"]),
        request=request,
        idempotency_key=b["key"],
        at=datetime.fromisoformat(b["at"]),
        reasons=tuple(RefusalReason(x) for x in b["reasons"]),
        stamp_entry_date=date.fromisoformat(b["stamp_entry_date"])
        if b["stamp_entry_date"]
        else None,
        failure=failure,
    )


class SqliteFallbackQueue:
    """The local queue in its own SQLite file, synced at every write."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS fallback_queue ("
            " sequence INTEGER PRIMARY KEY AUTOINCREMENT,"
            " payload TEXT NOT NULL,"
            " failure TEXT)"
        )

    def append(self, crossing: QueuedCrossing) -> int:
        """Keep a crossing; returns its sequence number."""
        forbid_on_event_loop("writing the fall-back queue")
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO fallback_queue (payload) VALUES (?)", (_encode(crossing),)
            )
            return int(cursor.lastrowid or 0)

    def pending(self) -> list[QueuedCrossing]:
        """Crossings still to upload, oldest first."""
        forbid_on_event_loop("reading the fall-back queue")
        with self._lock:
            rows = self._db.execute(
                "SELECT sequence, payload, failure FROM fallback_queue"
                " WHERE failure IS NULL ORDER BY sequence"
            ).fetchall()
        return [_decode(*row) for row in rows]

    def failed(self) -> list[QueuedCrossing]:
        """Crossings the central system refused on upload."""
        with self._lock:
            rows = self._db.execute(
                "SELECT sequence, payload, failure FROM fallback_queue"
                " WHERE failure IS NOT NULL ORDER BY sequence"
            ).fetchall()
        return [_decode(*row) for row in rows]

    def remove(self, sequence: int) -> None:
        """Forget an uploaded crossing."""
        with self._lock:
            self._db.execute("DELETE FROM fallback_queue WHERE sequence = ?", (sequence,))

    def mark_failed(self, sequence: int, reason: str) -> None:
        """Set a crossing aside with the central system's reason."""
        with self._lock:
            self._db.execute(
                "UPDATE fallback_queue SET failure = ? WHERE sequence = ?", (reason, sequence)
            )

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
