"""Pre-fill an EES database with N stored individual files, fast, into the real tables.

The schema comes from `limes.db.migrate.upgrade`; crossing points go in through the
EES store itself. The files are then written by bulk inserts straight into
`cir_identity_files`, `cir_travel_documents`, `cir_biometric_templates`, `cir_identity_keys`,
`ees_individual_files` and `ees_entry_exit_records`, in large batches inside a few
transactions: `executemany` on the raw `sqlite3` connection for SQLite, `COPY ...
(FORMAT BINARY)` through psycopg for PostgreSQL (its executemany is several times
slower for 10 GB of templates).

Every file holds one or two closed stays in the last 180 days and the templates
the EES stores: the face for visa holders, the face and four fingers for the
visa-exempt (2048 bytes each). Files the load may hit as returning travellers
(`real` of them, the first ones) get genuine synthetic templates of the person, so
1:1 verification matches; the others get random unit vectors (nobody verifies
against them, and computing 5 million person-keyed captures would take longer than
writing them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from bench import ees_people
from bench.sqlite_bulk import bulk_connection
from limes.core.identity import PartialDate
from limes.db.engine import make_engine
from limes.db.migrate import upgrade
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.adapters.sql_tables import entry_exit_records, individual_files
from limes.ees.domain.models import BorderType, CrossingPoint
from limes.interop.cir.adapters.sql_tables import (
    biometric_templates,
    identity_files,
    identity_keys,
    travel_documents,
)
from limes.interop.cir.identity_search import key_ids
from limes.interop.cir.models import IdentityData

CROSSING_POINTS = (
    CrossingPoint("FRA-CDG", "Paris Charles de Gaulle", "FRA", BorderType.AIR),
    CrossingPoint("DEU-FRA", "Frankfurt am Main", "DEU", BorderType.AIR),
    CrossingPoint("ESP-MAD", "Madrid Barajas", "ESP", BorderType.AIR),
    CrossingPoint("NLD-AMS", "Amsterdam Schiphol", "NLD", BorderType.AIR),
    CrossingPoint("HRV-BAJ", "Bajakovo", "HRV", BorderType.LAND),
    CrossingPoint("FIN-VAA", "Vaalimaa", "FIN", BorderType.LAND),
)
CODES = tuple(cp.code for cp in CROSSING_POINTS)
BATCH = 10_000  # files per executemany / COPY batch
FILES_PER_TRANSACTION = 250_000

_FILE_COLUMNS = [
    "cir_id",
    "system",
    "source_reference",
    "surname_original",
    "surname_mrz",
    "surname_normalised",
    "given_names_original",
    "given_names_mrz",
    "given_names_normalised",
    "date_of_birth",
    "date_of_birth_precision",
    "sex",
    "nationalities",
    "created_at",
    "updated_at",
]
_DOCUMENT_COLUMNS = [
    "cir_id",
    "position",
    "system",
    "document_type",
    "number",
    "issuing_state",
    "expiry",
]
_TEMPLATE_COLUMNS = ["cir_id", "modality", "vector", "quality", "synthetic"]
_KEY_COLUMNS = ["system", "key_id", "cir_id"]
_EES_FILE_COLUMNS = [
    "file_id",
    "cir_id",
    "kind",
    "fingerprint_status",
    "completeness",
    "created_at",
    "updated_at",
    "last_exit_or_refusal",
]
_RECORD_COLUMNS = [
    "record_id",
    "file_id",
    "entry_at",
    "entry_crossing_point",
    "authorised_stay_until",
    "source",
    "visa_sticker_number",
    "visa_valid_from",
    "visa_valid_until",
    "visa_duration_days",
    "visa_entries",
    "visa_limited_territorial_validity",
    "exit_at",
    "exit_crossing_point",
]
TABLES = (
    (identity_files, _FILE_COLUMNS),
    (travel_documents, _DOCUMENT_COLUMNS),
    (biometric_templates, _TEMPLATE_COLUMNS),
    (identity_keys, _KEY_COLUMNS),
    (individual_files, _EES_FILE_COLUMNS),
    (entry_exit_records, _RECORD_COLUMNS),
)
_PG_TYPES = {
    "cir_identity_files": ["text"] * 13 + ["timestamptz"] * 2,
    "cir_travel_documents": ["text", "int2", "text", "text", "text", "text", "date"],
    "cir_biometric_templates": ["text", "text", "bytea", "int2", "bool"],
    "cir_identity_keys": ["text", "int8", "text"],
    "ees_individual_files": ["text"] * 5 + ["timestamptz"] * 2 + ["date"],
    "ees_entry_exit_records": [
        *("text", "text", "timestamptz", "text", "date", "text", "text"),
        *("date", "date", "int4", "text", "bool", "timestamptz", "text"),
    ],
}


@dataclass
class FillReport:
    """What the fill did and how long it took."""

    files: int
    real_templates: int
    templates: int
    records: int
    seconds: float
    database_bytes: int = 0


def prepare_schema(url: str) -> None:
    """Migrate the database to the newest schema and store the crossing points."""
    upgrade(url)
    engine = make_engine(url)
    try:
        store = SqlEesStore(engine)
        with store.unit_of_work(write=True) as uow:
            for cp in CROSSING_POINTS:
                uow.ees.put_crossing_point(cp)
    finally:
        engine.dispose()


def _check_columns() -> None:
    for table, columns in TABLES:
        missing = set(table.c.keys()) - set(columns)
        nullable = {
            c for c in missing if table.c[c].nullable or table.c[c].server_default is not None
        }
        assert missing == nullable, f"{table.name}: fill the new columns {missing - nullable}"
        assert set(columns) <= set(table.c.keys()), f"{table.name}: unknown columns"


class _Rows:
    """The rows of a batch of files, as Python values (datetimes aware, dates)."""

    def __init__(self, today: date, real: int, *, sqlite: bool) -> None:
        self.today = today
        self.sqlite = sqlite
        self.real = real
        self.captures = ees_people.Captures()
        self.rng = np.random.default_rng(2026)
        self.visa_dates = tuple(self._day(d) for d in ees_people.visa_window(today))
        self.true: bool | int = 1 if sqlite else True
        self.false: bool | int = 0 if sqlite else False

    def _at(self, value: datetime) -> datetime | str:
        # SQLAlchemy's storage format for UTCDateTime on SQLite: naive UTC, microseconds.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def _day(self, value: date) -> date | str:
        return value.isoformat() if self.sqlite else value

    def batch(self, lo: int, hi: int) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _PG_TYPES}
        random_count = sum(
            len(ees_people.stored(i).modalities) for i in range(max(lo, self.real), hi)
        )
        vectors = self._random_vectors(random_count)
        qualities = self.rng.integers(60, 91, size=max(random_count, 1)).tolist()
        v = 0
        for i in range(lo, hi):
            person = ees_people.stored(i)
            cir_id, file_id = f"C{i:020x}", f"F{i:020x}"
            stays = self._stays(i)
            first_entry, last_exit = self._at(stays[0][0]), self._at(stays[-1][1])
            last_exit_day = self._day(stays[-1][1].date())
            surname, given = ees_people.name(person.surname), ees_people.name(person.given_names)
            out["cir_identity_files"].append(
                (
                    cir_id,
                    "ees",
                    file_id,
                    surname.original,
                    surname.mrz,
                    surname.normalised,
                    given.original,
                    given.mrz,
                    given.normalised,
                    person.birth_date.isoformat(),
                    "full",
                    person.sex,
                    person.nationality,
                    first_entry,
                    last_exit,
                )
            )
            # The identity keys the CIR writes with every file (EES Art 23(2), 27).
            identity = IdentityData(
                surname, given, PartialDate.from_date(person.birth_date), person.sex, ()
            )
            out["cir_identity_keys"].extend(("ees", key, cir_id) for key in key_ids(identity))
            out["cir_travel_documents"].append(
                (cir_id, 0, "ees", "P", person.number, person.nationality, self._day(person.expiry))
            )
            if i < self.real:
                for t in self.captures.of(person):
                    out["cir_biometric_templates"].append(
                        (cir_id, t.modality.value, t.vector, t.quality, self.true)
                    )
            else:
                for modality in person.modalities:
                    out["cir_biometric_templates"].append(
                        (cir_id, modality.value, vectors[v], qualities[v], self.true)
                    )
                    v += 1
            out["ees_individual_files"].append(
                (
                    file_id,
                    cir_id,
                    "visa_holder" if person.visa_holder else "visa_exempt",
                    "not_required" if person.visa_holder else "captured",
                    "complete",
                    first_entry,
                    last_exit,
                    last_exit_day,
                )
            )
            for s, (entry_at, exit_at) in enumerate(stays):
                visa = (
                    (f"V{i:08d}", *self.visa_dates, 90, "multiple", self.false)
                    if person.visa_holder
                    else (None,) * 6
                )
                out["ees_entry_exit_records"].append(
                    (
                        f"E{i:019x}{s}",
                        file_id,
                        self._at(entry_at),
                        CODES[(i + s) % len(CODES)],
                        self._day(entry_at.date() + timedelta(days=89)),
                        "ees",
                        *visa,
                        self._at(exit_at),
                        CODES[(i + s + 1) % len(CODES)],
                    )
                )
        return out

    def _stays(self, i: int) -> list[tuple[datetime, datetime]]:
        """One or two closed short stays in the last 180 days, oldest first."""
        stays = []
        for s in reversed(range(1 + i % 2)):
            start = self.today - timedelta(days=20 + 70 * s + i % 40)
            entry_at = datetime(start.year, start.month, start.day, 6, tzinfo=UTC) + timedelta(
                minutes=i % 720
            )
            exit_at = entry_at + timedelta(days=i % 9, hours=2)
            stays.append((entry_at, exit_at))
        return stays

    def _random_vectors(self, count: int) -> list[bytes]:
        if count == 0:
            return []
        vectors = self.rng.standard_normal((count, 512), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        data = vectors.astype("<f4").tobytes()
        return [data[k * 2048 : (k + 1) * 2048] for k in range(count)]


def _batches(n: int, rows: _Rows) -> Iterator[tuple[int, dict[str, list[tuple[Any, ...]]]]]:
    for lo in range(0, n, BATCH):
        hi = min(n, lo + BATCH)
        yield hi, rows.batch(lo, hi)


def _insert_sql(name: str, columns: list[str]) -> str:
    names, marks = ", ".join(columns), ", ".join("?" * len(columns))
    return f"INSERT INTO {name} ({names}) VALUES ({marks})"  # noqa: S608 - our table names


def fill_sqlite(path: str, n: int, real: int, today: date, log: Any = print) -> FillReport:
    """Fill the SQLite file at `path` (already migrated) with `n` files."""
    _check_columns()
    started = time.perf_counter()
    rows = _Rows(today, real, sqlite=True)
    db = bulk_connection(path)
    counts = dict.fromkeys(_PG_TYPES, 0)
    try:
        statements = {table.name: _insert_sql(table.name, columns) for table, columns in TABLES}
        db.execute("BEGIN")
        done_in_transaction = 0
        for hi, batch in _batches(n, rows):
            for name, values in batch.items():
                db.executemany(statements[name], values)
                counts[name] += len(values)
            done_in_transaction += BATCH
            if done_in_transaction >= FILES_PER_TRANSACTION or hi == n:
                db.execute("COMMIT")
                log(f"    {hi:,} files ({time.perf_counter() - started:.0f} s)")
                if hi < n:
                    db.execute("BEGIN")
                done_in_transaction = 0
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    return FillReport(
        n,
        min(n, real),
        counts["cir_biometric_templates"],
        counts["ees_entry_exit_records"],
        time.perf_counter() - started,
    )


def fill_postgres(url: str, n: int, real: int, today: date, log: Any = print) -> FillReport:
    """Fill the PostgreSQL database at `url` (already migrated) with `n` files, by COPY."""
    import psycopg
    from sqlalchemy.engine import make_url

    _check_columns()
    started = time.perf_counter()
    rows = _Rows(today, real, sqlite=False)
    parsed = make_url(url)
    conninfo = (
        f"host={parsed.host} port={parsed.port} user={parsed.username} dbname={parsed.database}"
    )
    counts = dict.fromkeys(_PG_TYPES, 0)
    with psycopg.connect(conninfo) as connection:
        connection.execute("SET synchronous_commit = off")
        done_in_transaction = 0
        for hi, batch in _batches(n, rows):
            with connection.cursor() as cursor:
                for table, columns in TABLES:
                    values = batch[table.name]
                    statement = (
                        f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
                    )
                    with cursor.copy(statement) as copy:  # type: ignore[arg-type]
                        copy.set_types(_PG_TYPES[table.name])
                        for row in values:
                            copy.write_row(row)
                    counts[table.name] += len(values)
            done_in_transaction += BATCH
            if done_in_transaction >= FILES_PER_TRANSACTION or hi == n:
                connection.commit()
                log(f"    {hi:,} files ({time.perf_counter() - started:.0f} s)")
                done_in_transaction = 0
        connection.commit()
        analyzed = time.perf_counter()
        connection.autocommit = True
        # The statistics autovacuum would gather soon after such a load anyway.
        connection.execute("ANALYZE")
        log(f"    ANALYZE ({time.perf_counter() - analyzed:.0f} s)")
    return FillReport(
        n,
        min(n, real),
        counts["cir_biometric_templates"],
        counts["ees_entry_exit_records"],
        time.perf_counter() - started,
    )
