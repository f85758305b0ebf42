"""Multiple-identity detection on identity data and faces (2019/817 and 2019/818, Art 27, 28, 69).

`Detector.detect` compares one new record with the records already indexed and returns
the links it creates, one record at a time. `limes.interop.mid.batch.BatchDetector`,
the initial load of Art 69, gives exactly the same links for a whole file on several
processes.

Candidates come from two places. Conjunctive blocking keys (`record_keys`) bring
together records that share a name and a date of birth, or a travel document, in the
forms `limes.matching` compares; a key's block stops growing at its cap
(`BLOCK_CAPS`). When a record holds a face template, the shared biometric matching
service (sBMS, Art 12-14) searches it 1:N in every gallery, so the same face under
another name is a candidate too (Art 27(1)). Every pair is judged by
`limes.interop.mid.linking.judge`, with the biometric evidence of
`linking.biometric_evidence` when both records hold templates.

Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from limes.biometrics.quality import QualityPurpose, check_quality
from limes.biometrics.templates import BiometricTemplate
from limes.core.errors import FieldError, InvalidRequest
from limes.core.identity import Precision
from limes.interop.mid.domain.models import LinkedSystem, RecordRef, linked_system
from limes.interop.mid.linking import DetectedLink, IndexedRecord, biometric_evidence, judge
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.models import Gallery
from limes.interop.sbms.ports import MatcherFactory
from limes.interop.sbms.service import SharedBiometricMatchingService
from limes.matching.identity import IdentityRecord
from limes.matching.text import blocking_keys, normalise, transliterations

__all__ = [
    "BIOMETRIC_CANDIDATES",
    "BLOCK_CAPS",
    "CONJUNCTIVE",
    "BiometricGalleries",
    "Blocking",
    "DetectedLink",
    "Detector",
    "IdentityIndex",
    "IndexedRecord",
    "check_templates",
    "checked_caps",
    "judge_pair",
    "keyed",
    "record_keys",
]

# Blocking key kinds and their caps. Each key joins two facts, so blocks stay small
# as the population grows: in a SYNTHETIC million records (bench/mid_detect.py) the
# largest held 27 records. A key whose block would grow beyond its cap is dropped,
# which bounds the comparisons one record brings where data are skewed (a placeholder
# name or date entered for many). A document is one person's, and a full name with
# only a year of birth is the weakest of the keys, so both stop at 50; a name with a
# full date of birth, or with a place of birth, at 100.
BLOCK_CAPS: Mapping[str, int] = MappingProxyType(
    {"doc": 50, "ny": 50, "nd": 100, "nmd": 100, "np": 100}
)

# sBMS candidates of one face (limes policy, as the online `MidService`): more than a
# few people sharing a face with the record is already a case for an officer.
BIOMETRIC_CANDIDATES = 10


def record_keys(identity: IdentityRecord) -> frozenset[str]:
    """The blocking keys of a record (2019/817 Art 27): what a linkable pair must share.

    `judge` links identity data only when the names agree and enough else does: a date
    of birth that agrees, the same travel document, or for the very same names the
    same place of birth (`limes.matching.engine`); or when the document alone is
    shared (Art 30). So the kinds are: "doc:" the document number; "ny:" the full
    name (tokens sorted, so swapped names meet) with the year of birth; "nd:" one name
    token with the full date of birth (a typo or initials in the other names); "nmd:"
    the full name with day and month (a year one apart or mistyped); "np:" the full
    name with the place of birth. Every transliteration of surname and given names is
    keyed. A pair that differs in its names and its date of birth at once and shares
    no document is not found: two errors in one pair are rare, and keys loose enough
    for them would compare every record with dozens.
    """
    # blocking_keys holds the rules for usable document numbers (no placeholders);
    # called without names it returns the document key alone.
    keys = set(blocking_keys("", "", None, identity.doc_number))
    surnames = _forms(identity.surname) or ("",)
    given = _forms(identity.given_names) or ("",)
    names = {" ".join(sorted(f"{s} {g}".split())) for s in surnames for g in given} - {""}
    place = normalise(identity.place_of_birth or "")
    if place:
        keys.update(f"np:{name}|{place}" for name in names)
    dob = identity.dob
    if dob is None:
        return frozenset(keys)
    keys.update(f"ny:{name}|{dob.year:04d}" for name in names)
    if dob.precision is Precision.FULL:
        day = dob.isoformat()
        # One-letter tokens (initials) would join everyone born that day.
        tokens = {t for form in (*surnames, *given) for t in form.split() if len(t) > 1}
        keys.update(f"nd:{token}|{day}" for token in tokens)
        if not dob.is_low_information:
            # A 1 January placeholder says nothing about day and month.
            keys.update(f"nmd:{name}|{day[5:]}" for name in names)
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Blocking:
    """How records are keyed for candidate retrieval, and the cap of each kind of key (Art 27).

    A key's kind is what comes before its colon ("ny" in "ny:olena kovalenko|1990").
    A record is compared with the records of each of its keys whose block holds fewer
    than the kind's cap, both in `IdentityIndex` and in the online `MidService`.
    """

    keys: Callable[[IdentityRecord], Iterable[str]]
    caps: Mapping[str, int]

    def blocks(self, identity: IdentityRecord) -> dict[str, int]:
        """The record's keys, sorted, each with its cap.

        Raises:
            ValueError: a key of a kind with no cap (a keying and caps that disagree).
        """
        blocks: dict[str, int] = {}
        for key in sorted(self.keys(identity)):
            kind = key.split(":", 1)[0]
            cap = self.caps.get(kind)
            if cap is None:
                raise ValueError(f"no block cap for key kind {kind!r}")
            blocks[key] = cap
        return blocks


# Names repeat across a population (surnames, and given names more so), and their
# transliterations are most of the cost of keying a record; a bounded cache of them
# keeps the keying of a million records to minutes.
_forms = lru_cache(maxsize=1 << 18)(transliterations)


# The MID's blocking, online and in the initial load alike.
CONJUNCTIVE = Blocking(record_keys, BLOCK_CAPS)


def _key_id(key: str) -> int:
    # A stable 64-bit id (Python's str hash changes with every process): both the
    # online index and the batch path block on these ids, so they agree exactly.
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def keyed(identity: IdentityRecord) -> tuple[tuple[int, str], ...]:
    """The record's blocking keys as (id, kind), one per id, in a fixed order."""
    ids: dict[int, str] = {}
    for key in sorted(record_keys(identity)):
        ids.setdefault(_key_id(key), key.split(":", 1)[0])
    return tuple(ids.items())


def checked_caps(caps: Mapping[str, int]) -> Mapping[str, int]:
    missing = sorted(set(BLOCK_CAPS) - set(caps))
    if missing:
        raise ValueError(f"no block cap for key kind(s) {', '.join(missing)}")
    small = {kind: cap for kind, cap in caps.items() if cap < 1}
    if small:
        raise ValueError(f"a block cap must be at least 1, got {small}")
    return MappingProxyType(dict(caps))


@dataclass(slots=True)
class IdentityIndex:
    """In-memory blocking index of identity data: key id to record positions (Art 27).

    A key whose block would grow beyond its kind's cap is dropped and never consulted
    again; `skipped_keys` counts the keys dropped.
    """

    caps: Mapping[str, int] = field(default_factory=lambda: BLOCK_CAPS)
    _blocks: dict[int, list[int]] = field(default_factory=dict)
    _oversized: set[int] = field(default_factory=set)
    _records: list[IndexedRecord] = field(default_factory=list)
    _positions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.caps = checked_caps(self.caps)

    @property
    def skipped_keys(self) -> int:
        """How many blocking keys were dropped because their block outgrew the cap."""
        return len(self._oversized)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._positions

    def __iter__(self) -> Iterator[IndexedRecord]:
        return iter(self._records)

    def get(self, record_id: str) -> IndexedRecord:
        """The indexed record with this id; KeyError when it is not indexed."""
        return self._records[self._positions[record_id]]

    def position(self, record_id: str) -> int:
        """The record's place in indexing order; KeyError when it is not indexed."""
        return self._positions[record_id]

    def at(self, position: int) -> IndexedRecord:
        """The record indexed at `position`."""
        return self._records[position]

    def add(self, record_id: str, system: str, identity: IdentityRecord) -> list[str]:
        """Index a record; returns the ids sharing at least one usable key, in index order.

        Raises:
            UnknownSystem: `system` is not linked by the MID (Art 25(2)).
            ValueError: the record id is already indexed.
        """
        _, found = self.insert(IndexedRecord(RecordRef(system, record_id), identity))
        return [self._records[p].ref.record_id for p in found]

    def insert(self, record: IndexedRecord) -> tuple[int, list[int]]:
        """Index a record; returns its position and the positions of its candidates, ascending.

        Raises:
            ValueError: the record id is already indexed.
        """
        record_id = record.ref.record_id
        if record_id in self._positions:
            raise ValueError(f"record {record_id!r} is already indexed")
        position = len(self._records)
        self._positions[record_id] = position
        self._records.append(record)
        candidates: set[int] = set()
        for key, kind in keyed(record.identity):
            if key in self._oversized:
                continue
            block = self._blocks.setdefault(key, [])
            if len(block) >= self.caps[kind]:
                # Dropping the block frees its memory; records already in it were
                # compared with each other while it was small.
                self._oversized.add(key)
                del self._blocks[key]
                continue
            candidates.update(block)
            block.append(position)
        return position, sorted(candidates)


def check_templates(system: str, templates: Sequence[BiometricTemplate]) -> None:
    """Refuse templates the sBMS would not store for this record (2019/817 Art 13).

    Raises:
        InvalidRequest: the system holds no biometrics (ETIAS), or a template is below
            the enrolment quality minimum (Art 13(3)).
    """
    if not templates:
        return
    if linked_system(system) is LinkedSystem.ETIAS:
        raise InvalidRequest(
            "ETIAS holds no biometric data, so the sBMS has no ETIAS gallery "
            "(2019/817 Art 13(1)); leave the template out of an etias record",
            [FieldError("template", "not allowed on an etias record")],
        )
    for template in templates:
        verdict = check_quality(template, QualityPurpose.ENROLMENT)
        if not verdict.acceptable:
            raise InvalidRequest(
                "Template refused by the sBMS quality check (2019/817 Art 13(3))",
                [FieldError("template.quality", verdict.reason)],
            )


class BiometricGalleries:
    """The sBMS the detector searches and fills: one gallery per source system (Art 13-14)."""

    def __init__(self, matchers: MatcherFactory | None = None) -> None:
        # Sequential template ids keep the sBMS's tie-breaks the same on every run.
        counter = itertools.count(1)
        self.service = SharedBiometricMatchingService(
            matchers if matchers is not None else numpy_matcher_factory(),
            MemoryTemplateStore(),
            new_id=lambda: f"mid-{next(counter)}",
        )

    def search(self, templates: Sequence[BiometricTemplate]) -> list[str]:
        """Art 27(1): the record ids whose templates match these, searched 1:N, best first.

        Every gallery is searched: a face already held under another name in another
        system is the case the MID exists to find.
        """
        found: dict[str, None] = {}
        for template in templates:
            identified = self.service.identify(template, None, k=BIOMETRIC_CANDIDATES)
            found.update(dict.fromkeys(c.source_reference for c in identified.candidates))
        return list(found)

    def enrol(self, ref: RecordRef, templates: Sequence[BiometricTemplate]) -> None:
        """Art 13: store the record's templates in the gallery of its system."""
        if templates:
            self.service.enrol(Gallery(ref.system), ref.record_id, templates)


def judge_pair(
    new: IndexedRecord,
    new_templates: Sequence[BiometricTemplate],
    old: IndexedRecord,
    old_templates: Sequence[BiometricTemplate],
) -> DetectedLink | None:
    """One pair judged: the single code path of the online and the batch detector."""
    return judge(new, old, biometric_evidence(new_templates, old_templates))


@dataclass(slots=True)
class Detector:
    """Links a new record to the indexed ones (Art 27 online, Art 69 initial load)."""

    index: IdentityIndex = field(default_factory=IdentityIndex)
    galleries: BiometricGalleries = field(default_factory=BiometricGalleries)
    comparisons: int = 0
    _templates: dict[int, tuple[BiometricTemplate, ...]] = field(default_factory=dict)

    def detect(
        self, record: IndexedRecord, templates: Sequence[BiometricTemplate] = ()
    ) -> list[DetectedLink]:
        """Art 27-28: index `record` (and its templates) and return its links, white or yellow.

        Raises:
            InvalidRequest: a template the sBMS refuses (see `check_templates`).
            ValueError: the record id is already indexed.
        """
        held = tuple(templates)
        check_templates(record.ref.system, held)
        # Searched before anything is stored, so a template the sBMS cannot read
        # leaves the detector as it was.
        same_face = self.galleries.search(held)
        position, candidates = self.index.insert(record)
        if held:
            self.galleries.enrol(record.ref, held)
            self._templates[position] = held
            candidates = sorted({*candidates, *map(self.index.position, same_face)})
        links: list[DetectedLink] = []
        for other in candidates:
            self.comparisons += 1
            link = judge_pair(record, held, self.index.at(other), self._templates.get(other, ()))
            if link is not None:
                links.append(link)
        return links
