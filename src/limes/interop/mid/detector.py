"""Multiple-identity detection on identity data (2019/817 and 2019/818, Art 27, 28 and 69).

`Detector.detect` compares one new record with the records already indexed and returns
the links it creates. The initial load of Art 69 feeds every record of the source systems
through it one by one; the online detector of Art 27 calls the same method per new or
updated record, so both detect exactly alike.

Each pair is judged by `limes.interop.mid.linking.judge`, the function the online
service calls too. The batch path compares no biometrics yet, so every pair is judged
with the biometric outcome "absent" (Art 33(1)(b) then applies).
Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from limes.interop.mid.domain.models import RecordRef
from limes.interop.mid.linking import DetectedLink, IndexedRecord, judge
from limes.matching.identity import IdentityRecord
from limes.matching.text import blocking_keys

__all__ = ["DEFAULT_BLOCK_CAP", "DetectedLink", "Detector", "IdentityIndex", "IndexedRecord"]

# A block of 500 records keeps the comparisons per record bounded while any real
# surname, date of birth or document number stays far below it in a test population;
# only keys shared by a large part of the population (a year of birth, "Mohammed")
# reach it, and those say little about identity anyway.
DEFAULT_BLOCK_CAP = 500


@dataclass(slots=True)
class IdentityIndex:
    """In-memory blocking index of identity data: blocking key to record ids (Art 27).

    A key whose block would grow beyond `block_cap` is dropped and never consulted
    again, so a very common name or year cannot make detection quadratic;
    `skipped_keys` counts the keys dropped.
    """

    block_cap: int = DEFAULT_BLOCK_CAP
    _blocks: dict[str, list[str]] = field(default_factory=dict)
    _oversized: set[str] = field(default_factory=set)
    _records: dict[str, IndexedRecord] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.block_cap < 1:
            raise ValueError(f"the block cap must be at least 1, got {self.block_cap}")

    @property
    def skipped_keys(self) -> int:
        """How many blocking keys were dropped because their block outgrew the cap."""
        return len(self._oversized)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    def __iter__(self) -> Iterator[IndexedRecord]:
        return iter(self._records.values())

    def get(self, record_id: str) -> IndexedRecord:
        """The indexed record with this id; KeyError when it is not indexed."""
        return self._records[record_id]

    def add(self, record_id: str, system: str, identity: IdentityRecord) -> list[str]:
        """Index a record; returns the ids sharing at least one usable key, in index order.

        Raises:
            UnknownSystem: `system` is not linked by the MID (Art 25(2)).
            ValueError: the record id is already indexed.
        """
        if record_id in self._records:
            raise ValueError(f"record {record_id!r} is already indexed")
        ref = RecordRef(system, record_id)
        self._records[record_id] = IndexedRecord(ref, identity)
        dob = identity.dob
        keys = blocking_keys(identity.surname, identity.given_names, dob, identity.doc_number)
        # A dict keeps the first-seen order, so the candidates (and the links) come out
        # in a reproducible order for the same input.
        candidates: dict[str, None] = {}
        for key in sorted(keys):
            if key in self._oversized:
                continue
            block = self._blocks.setdefault(key, [])
            if len(block) >= self.block_cap:
                # Dropping the block frees its memory; records already in it were
                # compared with each other while it was small.
                self._oversized.add(key)
                del self._blocks[key]
                continue
            candidates.update(dict.fromkeys(block))
            block.append(record_id)
        return list(candidates)


@dataclass(slots=True)
class Detector:
    """Links a new record to the indexed ones (Art 27 online, Art 69 initial load)."""

    index: IdentityIndex = field(default_factory=IdentityIndex)
    comparisons: int = 0

    def detect(self, record: IndexedRecord) -> list[DetectedLink]:
        """Art 27-28: index `record` and return its links to earlier records, white or yellow.

        Raises:
            ValueError: the record id is already indexed.
        """
        ref = record.ref
        candidates = self.index.add(ref.record_id, ref.system, record.identity)
        links: list[DetectedLink] = []
        for candidate_id in candidates:
            other = self.index.get(candidate_id)
            self.comparisons += 1
            link = judge(record, other)
            if link is not None:
                links.append(link)
        return links
