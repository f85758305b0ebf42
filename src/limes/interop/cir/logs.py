"""The logs of CIR access (Reg. (EU) 2019/817 Art 24) and an in-memory log.

An entry names who asked, why, on what ground, which query fields were used and
which files answered; it never holds the personal data that was queried or returned,
so the log itself does not become a second copy of the CIR. The logs serve data-
protection monitoring (Art 24(4), last subparagraph: the supervisory authority checks
the Art 22 logs at least every six months), hence `AccessLogReader`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from limes.core.errors import FieldError, InvalidRequest

__all__ = [
    "MAX_READ",
    "AccessLog",
    "AccessLogEntry",
    "AccessLogReader",
    "AccessLogStore",
    "CirOperation",
    "MemoryAccessLog",
    "check_read_limit",
]

# The most entries one read returns: a page for a supervisor, not an export.
MAX_READ = 1000


class CirOperation(StrEnum):
    """The logged CIR operations (Reg. (EU) 2019/817 Art 24(2), (4))."""

    POLICE_IDENTIFICATION = "police_identification"  # Art 20
    HIT_FLAG = "hit_flag"  # Art 22


@dataclass(frozen=True, slots=True)
class AccessLogEntry:
    """One logged CIR operation (Reg. (EU) 2019/817 Art 24(2), (4), (5)).

    Art 24(2) and (4) list the Member State or authority, the purpose, the date and
    time, the data used and the results; the Member State's own log of its staff's
    queries (Art 24(5)) also names the official, `user_id`.
    """

    at: datetime
    operation: str  # a `CirOperation` value
    authority: str
    purpose: str
    ground: str | None  # the Art 20(1) ground; None for Art 22 queries
    query_fields: tuple[str, ...]  # the kinds of data searched with, never their values
    outcome: str  # e.g. "identified", "not_identified", "flagged", or the refusal's code
    result_references: tuple[str, ...]  # the cir_ids of the files that answered
    user_id: str | None = None  # the official who queried (Art 24(5))


class AccessLog(Protocol):
    """Where CIR access is logged (Reg. (EU) 2019/817 Art 24)."""

    def log(self, entry: AccessLogEntry) -> None:
        """Keep one entry."""
        ...


class AccessLogReader(Protocol):
    """Reads the CIR access log back, for data-protection monitoring (Art 24)."""

    def read(
        self,
        *,
        authority: str | None = None,
        operation: str | None = None,
        limit: int = 100,
    ) -> list[AccessLogEntry]:
        """Up to `limit` entries, newest first, of one authority and one operation or all."""
        ...


class AccessLogStore(AccessLog, AccessLogReader, Protocol):
    """A log that keeps entries and reads them back."""


def check_read_limit(limit: int) -> None:
    """Refuse a read of fewer than one or more than `MAX_READ` entries."""
    if not 1 <= limit <= MAX_READ:
        reason = f"{limit} is not from 1 to {MAX_READ}"
        raise InvalidRequest(f"limit: {reason}", [FieldError("limit", reason)])


class MemoryAccessLog:
    """`AccessLogStore` in a list, for tests and the demo."""

    def __init__(self) -> None:
        self.entries: list[AccessLogEntry] = []

    def log(self, entry: AccessLogEntry) -> None:
        """Keep one entry (Reg. (EU) 2019/817 Art 24)."""
        self.entries.append(entry)

    def read(
        self,
        *,
        authority: str | None = None,
        operation: str | None = None,
        limit: int = 100,
    ) -> list[AccessLogEntry]:
        """Up to `limit` entries, newest first (the later logged first at the same instant)."""
        check_read_limit(limit)
        chosen = [
            entry
            for entry in reversed(self.entries)
            if (authority is None or entry.authority == authority)
            and (operation is None or entry.operation == operation)
        ]
        # A stable sort keeps the later-logged entry first among entries of one instant.
        chosen.sort(key=lambda entry: entry.at, reverse=True)
        return chosen[:limit]
