"""The logs of CIR access (Reg. (EU) 2019/817 Art 24) and an in-memory log.

An entry names who asked, why, on what ground, which query fields were used and
which files answered; it never holds the personal data that was queried or returned,
so the log itself does not become a second copy of the CIR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["AccessLog", "AccessLogEntry", "MemoryAccessLog"]


@dataclass(frozen=True, slots=True)
class AccessLogEntry:
    """One logged CIR operation (Reg. (EU) 2019/817 Art 24(1)-(3))."""

    at: datetime
    operation: str  # "police_identification" (Art 20) or "hit_flag" (Art 22)
    authority: str
    purpose: str
    ground: str | None  # the Art 20(1) ground; None for Art 22 queries
    query_fields: tuple[str, ...]  # the kinds of data searched with, never their values
    outcome: str  # e.g. "identified", "not_identified", "flagged", or the refusal's code
    result_references: tuple[str, ...]  # the cir_ids of the files that answered


class AccessLog(Protocol):
    """Where CIR access is logged (Reg. (EU) 2019/817 Art 24)."""

    def log(self, entry: AccessLogEntry) -> None:
        """Keep one entry."""
        ...


class MemoryAccessLog:
    """`AccessLog` in a list, for tests and the demo."""

    def __init__(self) -> None:
        self.entries: list[AccessLogEntry] = []

    def log(self, entry: AccessLogEntry) -> None:
        """Keep one entry (Reg. (EU) 2019/817 Art 24)."""
        self.entries.append(entry)
