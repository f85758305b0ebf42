"""What the MID needs from storage: its records, blocking keys, links and files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from limes.interop.cir.ports import IdentityRepository
from limes.interop.mid.domain.lag import DetectionRun
from limes.interop.mid.domain.models import IdentityConfirmationFile, Link, LinkColour
from limes.interop.mid.linking import IndexedRecord

__all__ = ["MidRepository", "MidStore", "MidUnitOfWork", "StoredRecord"]


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as the MID holds it: its identity data and whether it has biometrics."""

    record: IndexedRecord
    has_biometrics: bool


class MidRepository(Protocol):
    """The MID's tables, within the caller's unit of work."""

    def record(self, record_id: str) -> StoredRecord | None:
        """The record with this id, or None."""
        ...

    def records(self, record_ids: Sequence[str]) -> list[StoredRecord]:
        """The records with these ids that are held, in the order asked."""
        ...

    def put_record(self, stored: StoredRecord, keys: Sequence[str], at: datetime) -> None:
        """Store or replace a record and its blocking keys."""
        ...

    def remove_record(self, record_id: str) -> bool:
        """Remove a record and its keys; False if it was not held."""
        ...

    def candidates(self, blocks: Mapping[str, int]) -> tuple[list[str], int]:
        """Record ids sharing a key (of `blocks`, key to cap) whose block holds fewer than its cap.

        Returns the ids in key order, each block in record-id order, and how many keys
        had a full block (`limes.interop.mid.detector.Blocking`).
        """
        ...

    def add_links(self, links: Sequence[Link]) -> None:
        """Store new links."""
        ...

    def link(self, link_id: str) -> Link | None:
        """The link with this id, or None."""
        ...

    def linked_pairs(self, record_id: str) -> set[str]:
        """The ids of the records already linked to this one."""
        ...

    def links_of(self, record_id: str) -> list[Link]:
        """Every link of a record, oldest first."""
        ...

    def serialize_decisions(self) -> None:
        """Wait until no other decision's transaction is open; held until this one ends.

        A decision reads the identity confirmation file of its records and writes it
        back (Art 34): two at once on the same person would lose one's link.
        """
        ...

    def save_decision(self, link: Link, expected: LinkColour) -> bool:
        """Write a decided link if it still has colour `expected` and no decision; else False."""
        ...

    def pending(self, authorities: Sequence[str] | None, limit: int) -> list[Link]:
        """Yellow links awaiting verification, oldest first, of some authorities (codes) or all."""
        ...

    def count_pending(self, authorities: Sequence[str] | None) -> int:
        """How many yellow links await verification, of some authorities (codes) or all."""
        ...

    def remove_links(self, link_ids: Sequence[str]) -> None:
        """Delete links (and their places in identity confirmation files)."""
        ...

    def file_of_records(self, record_ids: Sequence[str]) -> IdentityConfirmationFile | None:
        """The identity confirmation file holding a link of any of these records, or None."""
        ...

    def file(self, icf_id: str) -> IdentityConfirmationFile | None:
        """The identity confirmation file with this id, or None."""
        ...

    def put_file(self, icf: IdentityConfirmationFile) -> None:
        """Store or replace an identity confirmation file with its links."""
        ...

    def remove_file(self, icf_id: str) -> None:
        """Delete an identity confirmation file."""
        ...

    def progress(self) -> int:
        """The last CIR change the MID has processed, 0 before the first."""
        ...

    def claim_progress(self) -> int:
        """`progress`, holding it against another detector until the transaction ends."""
        ...

    def set_progress(self, seq: int) -> None:
        """Record that the MID has processed the CIR's changes up to `seq`."""
        ...

    def add_run(self, run: DetectionRun, prune_before: datetime) -> None:
        """Record a batch of detection; forget those that ended before `prune_before`."""
        ...

    def runs_since(self, since: datetime) -> list[DetectionRun]:
        """The batches that ended after `since`, oldest first."""
        ...

    def last_run(self) -> DetectionRun | None:
        """The batch that ended last, or None."""
        ...


class MidUnitOfWork(Protocol):
    """One transaction over the MID's tables and the CIR it reads."""

    @property
    def mid(self) -> MidRepository:
        """The MID's tables."""
        ...

    @property
    def identities(self) -> IdentityRepository:
        """The CIR's identity files."""
        ...


class MidStore(Protocol):
    """Opens units of work."""

    def unit_of_work(self, *, write: bool) -> AbstractContextManager[MidUnitOfWork]:
        """A transaction; read-only ones take no writer lock."""
        ...
