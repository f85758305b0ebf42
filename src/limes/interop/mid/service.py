"""The multiple-identity detector online (2019/817 and 2019/818 Art 26-36).

The CIR logs every creation, update and erasure of a file (`cir_identity_changes`).
`MidService.detect_changes` reads that log from where it stopped and, for each file
written, compares it with what the MID already holds: identity and travel-document
data through candidates of the blocking keys, biometrics through the shared biometric
matching service (a 1:N search of the face, then a 1:1 comparison of every modality).
Each pair is judged by `linking.judge`, the function `limes mid detect` uses, and the
links are stored with their responsible authority (Art 29); white links go into an
identity confirmation file (Art 34). Erased files take their links with them (Art 35).

Detection runs in the worker process (`limes.worker`), never on a desk's request: a
desk reads what was detected (`identity_check`), and `detection_lag` tells how far
detection is behind the log.

Manual verification (Art 29-33) goes through `decide`: one officer's decision stands,
a later one on the same link is refused with the state it found.

The sBMS index (`CirBiometricIndex`) lives in each server process's memory. It is
filled from the CIR's face templates on first use (`load_biometrics`) and follows the
change log before every detection, so every process searches the same gallery
whichever process detected.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.clock import Clock, SystemClock
from limes.core.errors import NotFound
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.cir.models import ChangeKind, IdentityFile
from limes.interop.mid.detector import CONJUNCTIVE, Blocking
from limes.interop.mid.domain.errors import LinkAlreadyDecided
from limes.interop.mid.domain.lag import RECENT, DetectionLag, DetectionRun, detection_lag
from limes.interop.mid.domain.models import (
    BiometricOutcome,
    IdentityConfirmationFile,
    Link,
    LinkColour,
    RecordRef,
    ResponsibleAuthority,
)
from limes.interop.mid.domain.rules import (
    FILED_COLOURS,
    create_link,
    decide,
    identity_confirmation_file,
    responsible_authority,
    verification_deadline,
    verified_codes,
)
from limes.interop.mid.linking import (
    NO_BIOMETRICS,
    BiometricEvidence,
    IndexedRecord,
    biometric_evidence,
    judge,
)
from limes.interop.mid.ports import MidStore, MidUnitOfWork, StoredRecord
from limes.matching.engine import match_identities
from limes.matching.identity import IdentityRecord, Sex
from limes.matching.results import Category, Outcome
from limes.matching.text import blocking_keys

__all__ = [
    "SINGLE_FACT",
    "DetectionReport",
    "IdentityCheck",
    "LinkCase",
    "MidService",
    "PendingLink",
    "identity_record",
    "single_fact_keys",
]

# Changes read per transaction: a batch commits its links and its progress together.
DEFAULT_BATCH = 200
# Candidates of the biometric 1:N search per new face (limes policy): more than one
# person sharing a face with the traveller is already a case for an officer.
BIOMETRIC_CANDIDATES = 10
# How long the record of a batch of detection is kept (`mid_detection_runs`).
RUNS_KEPT = timedelta(hours=1)


def _new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(10)}"


def identity_record(identity_file: IdentityFile) -> IdentityRecord:
    """The CIR file's identity and first travel document, as the matcher reads them (Art 27(3))."""
    identity = identity_file.identity
    document = identity_file.documents[0] if identity_file.documents else None
    sex = identity.sex if identity.sex in {s.value for s in Sex} else None
    return IdentityRecord(
        surname=identity.surname.original,
        given_names=identity.given_names.original if identity.given_names else "",
        dob=identity.date_of_birth,
        sex=Sex(sex) if sex else None,
        nationality=identity.nationalities[0] if identity.nationalities else None,
        doc_number=document.number if document else None,
        doc_country=document.issuing_state if document else None,
    )


def single_fact_keys(identity: IdentityRecord) -> frozenset[str]:
    """Keys of one fact each: surname, phonetic surname, given name, birth, document (Art 27).

    The MID blocked on these before it took the conjunctive keys of `CONJUNCTIVE`:
    at a million records a check compared hundreds of candidates (bench/mid_online.py).
    """
    return blocking_keys(identity.surname, identity.given_names, identity.dob, identity.doc_number)


# Blocks of single facts grow with the population; beyond this many records a key
# (a frequent surname, a year of birth) is skipped.
SINGLE_FACT = Blocking(
    single_fact_keys, dict.fromkeys(("sn", "ph", "gn", "yob", "dob", "doc"), 500)
)


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """What one run of `detect_changes` did."""

    changes: int
    records: int
    erased: int
    links: tuple[Link, ...]
    comparisons: int


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    """A file's links as detected so far; `pending` while a change of it awaits detection."""

    record_id: str
    pending: bool
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class PendingLink:
    """A yellow link in the verification queue, with its deadline (Art 29, 30), and the
    identity data of both records, as the verifier compares them (None: no longer held)."""

    link: Link
    deadline: datetime
    overdue: bool
    a: IndexedRecord | None = None
    b: IndexedRecord | None = None


@dataclass(frozen=True, slots=True)
class LinkCase:
    """Everything an officer needs to verify a link: both identities side by side, and why."""

    link: Link
    a: IndexedRecord | None
    b: IndexedRecord | None
    deadline: datetime | None
    identity_confirmation_file: IdentityConfirmationFile | None


class MidService:
    """Online multiple-identity detection and manual verification.

    A record's candidates share one of its blocking keys whose block is not full
    (`blocking`, by default the `CONJUNCTIVE` keys of `limes mid detect`), or have a
    face the sBMS finds like its own (`faces`).
    """

    def __init__(
        self,
        store: MidStore,
        clock: Clock,
        faces: CirBiometricIndex | None = None,
        *,
        blocking: Blocking = CONJUNCTIVE,
        new_id: Callable[[str], str] = _new_id,
        wall_clock: Clock | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._clock = clock
        # Operational figures (the runs of detection, their pace) are in wall-clock
        # time, whatever a demo clock says; `timer` measures how long a batch takes.
        self._wall_clock = wall_clock or SystemClock()
        self._timer = timer
        self._faces = faces
        # The stored keys were made by this blocking (migration 0006 rebuilds them for
        # `CONJUNCTIVE`): a store keyed otherwise needs `mid_blocking_keys` rebuilt.
        self._blocking = blocking
        self._new_id = new_id
        # One detection at a time per process: two runs would read the same changes.
        self._lock = threading.Lock()

    # --- detection (Art 27-28) --------------------------------------------------------

    def load_biometrics(self) -> int:
        """Fill the sBMS from the CIR's face templates; returns how many files it can find.

        Detection does this itself the first time it runs; call it at start-up to have
        the first detection as fast as the others.
        """
        if self._faces is None:
            return 0
        with self._store.unit_of_work(write=False) as uow:
            self._faces.sync(uow.identities)
        return len(self._faces)

    def detect_changes(
        self, limit: int = DEFAULT_BATCH, *, budget: float | None = None
    ) -> DetectionReport:
        """Art 27: run detection for the CIR changes not yet processed.

        Up to `limit` changes; with a `budget` (seconds), the batch also ends once that
        much time has gone, after at least one change, so a writer holds SQLite's
        writer lock briefly and the desks' commits pass in between. The links and the
        progress of a batch commit together; the batch is recorded for the lag
        (`detection_lag`).
        """
        with self._lock:
            started = self._timer()
            # The sBMS index follows the log in a read transaction: loading a gallery
            # holds no writer lock. The files it read, by id, spare reading them again.
            read: dict[str, IdentityFile | None] = {}
            if self._faces is not None:
                with self._store.unit_of_work(write=False) as reading:
                    read = self._faces.sync(reading.identities)
            with self._store.unit_of_work(write=True) as uow:
                writing = self._timer()
                changes = uow.identities.changes_after(uow.mid.claim_progress(), limit)
                if not changes:
                    return DetectionReport(0, 0, 0, (), 0)
                created: list[Link] = []
                done = records = erased = comparisons = 0
                for change in changes:
                    done += 1
                    identity_file = None
                    if change.kind is ChangeKind.WRITTEN:
                        identity_file = (
                            read[change.cir_id]
                            if change.cir_id in read
                            else uow.identities.get(change.cir_id)
                        )
                    if identity_file is None:
                        erased += self._forget(uow, change.cir_id)
                    else:
                        templates = uow.identities.templates(identity_file.cir_id)
                        links, compared = self._detect(uow, identity_file, templates)
                        created.extend(links)
                        comparisons += compared
                        records += 1
                    if budget is not None and self._timer() - writing >= budget:
                        break
                last_seq = changes[done - 1].seq
                uow.mid.set_progress(last_seq)
                finished = self._wall_clock.now()
                run = DetectionRun(finished, self._timer() - started, done, len(created), last_seq)
                uow.mid.add_run(run, prune_before=finished - RUNS_KEPT)
        return DetectionReport(done, records, erased, tuple(created), comparisons)

    def detection_lag(self) -> DetectionLag:
        """How far detection is behind the CIR's change log, and its recent pace."""
        wall_now = self._wall_clock.now()
        with self._store.unit_of_work(write=False) as uow:
            processed = uow.mid.progress()
            pending = uow.identities.count_changes_after(processed)
            oldest = uow.identities.changes_after(processed, 1) if pending else []
            runs = uow.mid.runs_since(wall_now - RECENT)
            if not runs and (last := uow.mid.last_run()) is not None:
                runs = [last]
        return detection_lag(
            now=self._clock.now(),
            wall_now=wall_now,
            processed_seq=processed,
            pending_changes=pending,
            oldest_pending_at=oldest[0].changed_at if oldest else None,
            runs=runs,
        )

    def identity_check(self, record_id: str) -> IdentityCheck:
        """A file's links, and whether detection has yet to reach its latest change.

        What a desk shows after a crossing: it reads what the worker detected and never
        detects itself; `pending` says that a change of this file still waits.
        """
        with self._store.unit_of_work(write=False) as uow:
            pending = uow.identities.changed_after(record_id, uow.mid.progress())
            links = uow.mid.links_of(record_id)
        return IdentityCheck(record_id, pending, tuple(links))

    def _detect(
        self,
        uow: MidUnitOfWork,
        identity_file: IdentityFile,
        templates: Sequence[BiometricTemplate],
    ) -> tuple[list[Link], int]:
        """Art 27-28: store the record's identity data and link it to what resembles it."""
        now = self._clock.now()
        record = IndexedRecord(
            RecordRef(identity_file.system.value, identity_file.cir_id),
            identity_record(identity_file),
        )
        record_id = identity_file.cir_id
        blocks = self._blocking.blocks(record.identity)
        candidate_ids, _ = uow.mid.candidates(blocks)
        candidate_ids = list(dict.fromkeys([*candidate_ids, *self._same_face(templates)]))
        uow.mid.put_record(StoredRecord(record, bool(templates)), list(blocks), now)
        already = uow.mid.linked_pairs(record_id)
        fresh = [c for c in candidate_ids if c != record_id and c not in already]
        links: list[Link] = []
        for other in uow.mid.records(fresh):
            evidence = self._evidence(uow, templates, other)
            detected = judge(record, other.record, evidence)
            if detected is None:
                continue
            authority = responsible_authority(
                detected.a, detected.b, record.ref.system, member_state=identity_file.member_state
            )
            link = create_link(
                self._new_id("L"),
                detected.a,
                detected.b,
                colour=(detected.colour, detected.reasons[-1]),
                authority=authority,
                at=now,
                evidence=detected.reasons[:-1],
            )
            links.append(link)
        uow.mid.add_links(links)
        for link in links:
            self._file(uow, link, now)
        return links, len(fresh)

    def _evidence(
        self, uow: MidUnitOfWork, templates: Sequence[BiometricTemplate], other: StoredRecord
    ) -> BiometricEvidence:
        if not templates or not other.has_biometrics:
            return NO_BIOMETRICS
        return biometric_evidence(templates, uow.identities.templates(other.record.ref.record_id))

    def _same_face(self, templates: Sequence[BiometricTemplate]) -> list[str]:
        """Art 27(1): records whose face the sBMS finds like this one's, in any gallery."""
        faces = [t for t in templates if t.modality is Modality.FACE][:1]
        if self._faces is None or not faces:
            return []
        return self._faces.candidates(faces, k=BIOMETRIC_CANDIDATES)

    def _forget(self, uow: MidUnitOfWork, record_id: str) -> int:
        """Art 35: an erased record leaves the MID with its links."""
        links = uow.mid.links_of(record_id)
        for link in links:
            icf = uow.mid.file_of_records([link.a.record_id, link.b.record_id])
            if icf is not None and any(m.link_id == link.link_id for m in icf.links):
                kept = tuple(m for m in icf.links if m.link_id != link.link_id)
                uow.mid.remove_file(icf.icf_id)
                if kept:
                    uow.mid.put_file(
                        IdentityConfirmationFile(
                            icf.icf_id,
                            icf.single_identification_number,
                            kept,
                            kept[-1].responsible_authority,
                            icf.created_at,
                            max(icf.updated_at, self._clock.now()),
                        )
                    )
        uow.mid.remove_links([link.link_id for link in links])
        return int(uow.mid.remove_record(record_id))

    def _file(self, uow: MidUnitOfWork, link: Link, at: datetime) -> None:
        """Art 34: a white, green or red link goes into the person's identity confirmation file."""
        if link.colour not in FILED_COLOURS:
            return
        existing = uow.mid.file_of_records([link.a.record_id, link.b.record_id])
        icf = identity_confirmation_file(
            link,
            icf_id=self._new_id("ICF"),
            single_identification_number=self._new_id("SIN"),
            at=at,
            existing=existing,
        )
        if icf is not None:
            uow.mid.put_file(icf)

    def _pair_evidence(self, uow: MidUnitOfWork, link: Link) -> tuple[BiometricOutcome, bool]:
        """Art 31-33: the pair's biometrics as the sBMS compares them now, and the document."""
        held = {
            s.record.ref.record_id: s for s in uow.mid.records([link.a.record_id, link.b.record_id])
        }
        a, b = held.get(link.a.record_id), held.get(link.b.record_id)
        biometrics = biometric_evidence(
            uow.identities.templates(link.a.record_id), uow.identities.templates(link.b.record_id)
        ).outcome
        same_document = (
            a is not None
            and b is not None
            and match_identities(a.record.identity, b.record.identity)
            .result(Category.TRAVEL_DOCUMENT)
            .outcome
            is Outcome.SAME
        )
        return biometrics, same_document

    # --- reading --------------------------------------------------------------------

    def links_of(self, record_id: str) -> list[Link]:
        """Every link of a record (a CIR file id), oldest first."""
        with self._store.unit_of_work(write=False) as uow:
            return uow.mid.links_of(record_id)

    def pending(
        self, authority: ResponsibleAuthority | None = None, limit: int = 100
    ) -> list[PendingLink]:
        """The verification queue: yellow links, oldest first, with their deadlines (Art 29).

        Of the links `authority` verifies (`rules.verifies`), or all.
        """
        now = self._clock.now()
        codes = verified_codes(authority) if authority is not None else None
        with self._store.unit_of_work(write=False) as uow:
            links = uow.mid.pending(codes, limit)
            ids = list(dict.fromkeys(r.record_id for link in links for r in (link.a, link.b)))
            held = {s.record.ref.record_id: s.record for s in uow.mid.records(ids)}
        return [
            PendingLink(
                link,
                deadline := verification_deadline(link),
                deadline < now,
                held.get(link.a.record_id),
                held.get(link.b.record_id),
            )
            for link in links
        ]

    def count_pending(self, authority: ResponsibleAuthority | None = None) -> int:
        """How many yellow links await verification (of those `authority` verifies, or all)."""
        codes = verified_codes(authority) if authority is not None else None
        with self._store.unit_of_work(write=False) as uow:
            return uow.mid.count_pending(codes)

    def case(self, link_id: str) -> LinkCase:
        """A link with both identities, its deadline and its identity confirmation file."""
        with self._store.unit_of_work(write=False) as uow:
            link = uow.mid.link(link_id)
            if link is None:
                raise NotFound(f"no link {link_id!r} in the MID")
            held = {
                s.record.ref.record_id: s.record
                for s in uow.mid.records([link.a.record_id, link.b.record_id])
            }
            icf = uow.mid.file_of_records([link.a.record_id, link.b.record_id])
        deadline = verification_deadline(link) if link.colour is LinkColour.YELLOW else None
        mine = icf if icf is not None and any(m.link_id == link_id for m in icf.links) else None
        return LinkCase(
            link, held.get(link.a.record_id), held.get(link.b.record_id), deadline, mine
        )

    # --- manual verification (Art 29-33) ----------------------------------------------

    def decide(
        self,
        link_id: str,
        colour: LinkColour,
        *,
        decided_by: str,
        authority: str,
        justification: str,
        expected_colour: LinkColour,
    ) -> Link:
        """Art 29, 31-33: record an officer's decision on a yellow link.

        Raises:
            NotFound: no such link.
            LinkAlreadyDecided: another decision came first; its state is in the message.
            NotResponsibleAuthority, JustificationRequired, InvalidDecision: see `rules.decide`.
        """
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            uow.mid.serialize_decisions()
            link = uow.mid.link(link_id)
            if link is None:
                raise NotFound(f"no link {link_id!r} in the MID")
            decided = decide(
                link,
                colour,
                decided_by,
                authority,
                now,
                justification,
                expected_colour,
                self._pair_evidence(uow, link),
            )
            if not uow.mid.save_decision(decided, expected=link.colour):
                current = uow.mid.link(link_id)
                state = current.colour if current else "gone"
                raise LinkAlreadyDecided(
                    f"link {link_id} changed while deciding: it is {state} now"
                )
            self._file(uow, decided, now)
        return decided
