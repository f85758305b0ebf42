"""A raw `sqlite3` connection set for bulk loading a benchmark's database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_BULK_PRAGMAS = (
    "PRAGMA journal_mode=DELETE",
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-1000000",
    "PRAGMA foreign_keys=OFF",
)


def bulk_connection(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode with bulk-load settings for itself only.

    journal_mode is stored in the file: the caller sets WAL again when done; the
    server's own connections set synchronous and foreign keys on every connect.
    """
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in _BULK_PRAGMAS:
        db.execute(pragma)
    return db
