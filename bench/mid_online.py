"""The online multiple-identity check for one new record against a store of N identities.

The issue's target: "an online MID check for one new record under 20 ms at p99
against a store of 1,000,000" identities. For each N the benchmark builds a SQLite
database (migrated with `limes.db.migrate.upgrade`) holding N CIR identity files the
MID has already processed: the files with their passports, a face for 30% of them,
the change log, `mid_records` with each identity's JSON, `mid_blocking_keys` with
the keys the service would store, and `mid_progress` at the last
change. It then writes ~300 new files one transaction each, as the EES would, and
times `MidService.detect_changes()` for each (wall and CPU time, commit included):
on identity data only, then with the sBMS loaded from the stored faces (the exact
NumPy matcher, the FAISS IVF one). Two blockings are measured, each on its own store:
the conjunctive keys the service and the batch detector use (`detector.CONJUNCTIVE`:
`record_keys` with the caps of `BLOCK_CAPS`), and, for comparison, the single-fact keys
the service used before (`service.SINGLE_FACT`, cap 500).

Names are drawn from pools of SYNTHETIC travellers of `limes.sim.population` (24
nationalities, in Latin, Cyrillic and Arabic script), so blocks have the sizes of
real name frequencies: "sn:wang" or "yob:1985" are far over the block cap at a
million, a full date of birth holds a few dozen. The rest (dates of birth, documents,
systems, faces) is drawn with NumPy, and rows go in by `executemany` on the raw
`sqlite3` connection inside large transactions, so a million files take minutes.

Probe records, in a fixed mix: new people; stored people again with a transposed
letter in the surname, in the other script, or with the same identity and passport in
the other system; namesakes (same names, other date of birth); someone else's face
under a new identity; new people with a face.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from threadpoolctl import threadpool_limits

from bench.sqlite_bulk import bulk_connection
from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.bootstrap import tune_garbage_collection
from limes.core.clock import SystemClock
from limes.core.identity import Name, PartialDate
from limes.db.engine import make_engine
from limes.db.migrate import upgrade
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.cir.models import IdentityData, IdentityFile, SourceSystem, TravelDocument
from limes.interop.mid.adapters.sql import SqlMidStore, identity_json
from limes.interop.mid.detector import CONJUNCTIVE as CONJUNCTIVE_BLOCKING
from limes.interop.mid.detector import Blocking
from limes.interop.mid.service import (
    BIOMETRIC_CANDIDATES,
    MidService,
    identity_record,
)
from limes.interop.mid.service import (
    SINGLE_FACT as SINGLE_FACT_BLOCKING,
)
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.faiss_index import faiss_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.ports import MatcherFactory
from limes.interop.sbms.service import SharedBiometricMatchingService
from limes.matching.identity import IdentityRecord, Sex
from limes.sim.population import ORIGINS, PopulationGenerator, Script

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
PROBES = 300
WARM_UP = 20  # probes per phase not counted: first statements, caches, pages
FACE_SHARE = 0.3
TARGET_MS = 20.0
TARGET_SIZE = 1_000_000
SEED = 817
_DEFAULT_GC = gc.get_threshold()
TODAY = date(2026, 11, 23)
POOL_PER_ORIGIN = 1200  # travellers drawn per nationality for the name pools
BATCH = 20_000  # files per executemany batch
FILES_PER_TRANSACTION = 250_000
# SQLAlchemy's storage form of UTCDateTime on SQLite: naive UTC with microseconds.
STAMP = "2026-11-01 08:00:00.000000"
_DEVICE = SyntheticBiometrics(seed=SEED)
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"  # passport letters; "Z" is kept for the probes
_SYSTEMS = (SourceSystem.EES.value, SourceSystem.VIS.value)


# -- names ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Form:
    """A name as the EES stores it (the passport's Latin MRZ form) and as the VIS does."""

    ees: Name
    vis: Name


class NamePools:
    """Surnames and given names per nationality and sex, drawn from `limes.sim.population`.

    Each pool keeps the frequencies of Faker's name lists (a pool of 1,200 draws holds
    "Smith" a dozen times and a rare name once), and a stored person's surname and
    given names are drawn independently from the pools of their nationality and sex.
    """

    def __init__(self, seed: int, per_origin: int = POOL_PER_ORIGIN) -> None:
        generator = PopulationGenerator(seed, TODAY)
        self.weights = np.array([o.weight for o in ORIGINS], dtype=np.float64)
        self.weights /= self.weights.sum()
        # [origin][sex 0 = F, 1 = M] -> list of forms
        self.surnames: list[list[list[_Form]]] = []
        self.given: list[list[list[_Form]]] = []
        forms: dict[tuple[str, str], _Form] = {}

        def form(document: str, mrz: str) -> _Form:
            found = forms.get((document, mrz))
            if found is None:
                latin = mrz.replace("<", " ")
                found = forms[(document, mrz)] = _Form(Name.of(latin), Name.of(document))
            return found

        for o, origin in enumerate(ORIGINS):
            surnames: list[list[_Form]] = [[], []]
            given: list[list[_Form]] = [[], []]
            for j in range(per_origin):
                person = generator.traveller(f"pool{o}:{j}", origin)
                sex = 0 if person.sex.value == "F" else 1
                surnames[sex].append(form(person.document_surname, person.mrz_surname))
                given[sex].append(form(person.document_given_names, person.mrz_given_names))
            self.surnames.append(surnames)
            self.given.append(given)
        self.sizes = np.array(
            [[len(self.surnames[o][s]) for s in (0, 1)] for o in range(len(ORIGINS))]
        )
        self.given_sizes = np.array(
            [[len(self.given[o][s]) for s in (0, 1)] for o in range(len(ORIGINS))]
        )


# -- the stored population -----------------------------------------------------------


@dataclass
class Population:
    """N SYNTHETIC stored identities as NumPy columns; row i is CIR file `cir_id(i)`."""

    origin: npt.NDArray[np.int64]
    sex: npt.NDArray[np.int64]
    surname: npt.NDArray[np.int64]
    given: npt.NDArray[np.int64]
    system: npt.NDArray[np.int64]  # index into _SYSTEMS
    born: npt.NDArray[np.int64]  # days since 1970-01-01
    precision: npt.NDArray[np.int64]  # 0 full, 1 year and month, 2 year only
    document: npt.NDArray[np.int64]
    expiry: npt.NDArray[np.int64]
    face: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.origin)


def cir_id(i: int) -> str:
    """The CIR file id of stored identity i."""
    return f"M{i:010d}"


def draw_population(n: int, pools: NamePools, rng: np.random.Generator) -> Population:
    """N identities: nationality by traveller share, names from the pools, ages as the EES."""
    origin = rng.choice(len(ORIGINS), size=n, p=pools.weights)
    sex = rng.integers(0, 2, size=n)
    surname = (rng.random(n) * pools.sizes[origin, sex]).astype(np.int64)
    given = (rng.random(n) * pools.given_sizes[origin, sex]).astype(np.int64)
    return Population(
        origin=origin,
        sex=sex,
        surname=surname,
        given=given,
        system=(rng.random(n) < 0.25).astype(np.int64),  # a quarter VIS, the rest EES
        born=_birth_days(n, rng),
        precision=np.searchsorted([0.97, 0.98], rng.random(n), side="right"),
        document=_document_numbers(n, rng),
        expiry=rng.integers(_days(date(2027, 1, 1)), _days(date(2036, 12, 31)), size=n),
        face=rng.random(n) < FACE_SHARE,
    )


def _days(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _birth_days(n: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Ages as `limes.sim.population`: 7% under 12, 5% 12-17, adults mostly 25-60."""
    band = rng.random(n)
    age = np.where(
        band < 0.07,
        rng.integers(0, 12, size=n),
        np.where(
            band < 0.12, rng.integers(12, 18, size=n), np.rint(rng.triangular(18, 40, 79, size=n))
        ),
    )
    days = (age * 365.25).astype(np.int64) + rng.integers(0, 365, size=n)
    born: npt.NDArray[np.int64] = _days(TODAY) - days  # before 1970 is negative
    return born


def _document_numbers(n: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Distinct passport numbers (two letters, seven digits) as integers."""
    space = len(_LETTERS) ** 2 * 10**7
    numbers = rng.integers(0, space, size=n)
    while True:
        _, first = np.unique(numbers, return_index=True)
        repeated = np.setdiff1d(np.arange(n), first)
        if len(repeated) == 0:
            return numbers
        numbers[repeated] = rng.integers(0, space, size=len(repeated))


def document_number(value: int) -> str:
    """The passport number of a drawn integer."""
    letters, digits = divmod(int(value), 10**7)
    return f"{_LETTERS[letters // len(_LETTERS)]}{_LETTERS[letters % len(_LETTERS)]}{digits:07d}"


def _birth(days: int, precision: int) -> PartialDate:
    born = date(1970, 1, 1) + timedelta(days=int(days))
    if precision == 2:
        return PartialDate(born.year)
    if precision == 1:
        return PartialDate(born.year, born.month)
    return PartialDate(born.year, born.month, born.day)


@dataclass(frozen=True, slots=True)
class _Person:
    """One stored identity in the CIR's terms."""

    cir_id: str
    system: str
    surname: Name
    given: Name
    born: PartialDate
    sex: str
    nationality: str
    document: str
    expiry: date

    def identity_file(self, *, at: datetime) -> IdentityFile:
        """The CIR file the EES or the VIS would write."""
        return IdentityFile(
            cir_id=self.cir_id,
            system=SourceSystem(self.system),
            source_reference=f"ref-{self.cir_id}",
            identity=IdentityData(
                surname=self.surname,
                given_names=self.given,
                date_of_birth=self.born,
                sex=self.sex,
                nationalities=(self.nationality,),
            ),
            documents=(TravelDocument("P", self.document, self.nationality, self.expiry),),
            created_at=at,
            updated_at=at,
        )

    @property
    def person_key(self) -> str:
        """The key of the person's synthetic biometrics."""
        return f"{self.nationality}:{self.document}"


def person(population: Population, pools: NamePools, i: int) -> _Person:
    """Stored identity i."""
    o, s, system = int(population.origin[i]), int(population.sex[i]), int(population.system[i])
    surname = pools.surnames[o][s][int(population.surname[i])]
    given = pools.given[o][s][int(population.given[i])]
    vis = system == 1
    return _Person(
        cir_id=cir_id(i),
        system=_SYSTEMS[system],
        surname=surname.vis if vis else surname.ees,
        given=given.vis if vis else given.ees,
        born=_birth(int(population.born[i]), int(population.precision[i])),
        sex="F" if s == 0 else "M",
        nationality=ORIGINS[o].nationality,
        document=document_number(int(population.document[i])),
        expiry=date(1970, 1, 1) + timedelta(days=int(population.expiry[i])),
    )


# -- the fill ---------------------------------------------------------------------------


KeyFunction = Callable[[IdentityRecord], Iterable[str]]


def _identity(p: _Person) -> IdentityRecord:
    """The identity the MID reads from the person's CIR file (`identity_record`)."""
    return IdentityRecord(
        surname=p.surname.original,
        given_names=p.given.original,
        dob=p.born,
        sex=Sex(p.sex),
        nationality=p.nationality,
        doc_number=p.document,
        doc_country=p.nationality,
    )


class _Keys:
    """The service's blocking keys per record, from cached parts when they add up.

    The single-fact keys of a record are those of its surname, given names, date of
    birth and document taken one by one; computing each part once per distinct value
    makes a million records cost seconds. `check` compares with the whole call on a
    sample and falls back to it when the keys are not separable (conjunctive keys).
    """

    def __init__(self, function: KeyFunction) -> None:
        self.function = function
        self.separable = True
        self._parts: dict[tuple[str, object], frozenset[str]] = {}

    def _part(self, kind: str, value: object, identity: IdentityRecord) -> frozenset[str]:
        found = self._parts.get((kind, value))
        if found is None:
            found = self._parts[(kind, value)] = frozenset(self.function(identity))
        return found

    def of(self, p: _Person) -> frozenset[str]:
        """The record's blocking keys."""
        if not self.separable:
            return frozenset(self.function(_identity(p)))
        return (
            self._part("sn", p.surname.original, IdentityRecord(p.surname.original))
            | self._part("gn", p.given.original, IdentityRecord("", p.given.original))
            | self._part("dob", p.born, IdentityRecord("", dob=p.born))
            | frozenset(self.function(IdentityRecord("", doc_number=p.document)))
        )

    def check(self, sample: Sequence[_Person]) -> None:
        """Fall back to whole calls if the parts do not give the keys of the whole."""
        for p in sample:
            if self.of(p) != frozenset(self.function(_identity(p))):
                self.separable = False
                return


def _identity_text(p: _Person) -> str:
    """`identity_json` of the MID for this file, without building the file."""
    fields = {
        "surname": p.surname.original,
        "given_names": p.given.original,
        "dob": p.born.isoformat(),
        "sex": p.sex,
        "nationality": p.nationality,
        "doc_number": p.document,
        "doc_country": p.nationality,
    }
    return orjson.dumps(fields).decode()


def _check_identity_text(sample: Sequence[_Person]) -> None:
    at = datetime(2026, 11, 1, 8, tzinfo=UTC)
    for p in sample:
        identity = identity_record(p.identity_file(at=at))
        assert identity == _identity(p), (p, identity)
        expected = orjson.dumps(identity_json(identity)).decode()
        assert _identity_text(p) == expected, (p, expected)


_STATEMENTS = {
    "cir_identity_files": (
        "cir_id, system, source_reference, surname_original, surname_mrz, surname_normalised, "
        "given_names_original, given_names_mrz, given_names_normalised, date_of_birth, "
        "date_of_birth_precision, sex, nationalities, created_at, updated_at"
    ),
    "cir_travel_documents": "cir_id, position, system, document_type, number, issuing_state, "
    "expiry",
    "cir_biometric_templates": "cir_id, modality, vector, quality, synthetic",
    "cir_identity_changes": "cir_id, system, kind, changed_at",
    "mid_records": "record_id, system, identity, has_biometrics, updated_at",
    "mid_blocking_keys": "key, record_id",
}


def _insert(table: str) -> str:
    columns = _STATEMENTS[table]
    marks = ", ".join("?" * (columns.count(",") + 1))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our table names


@dataclass
class FillReport:
    """What the fill wrote and how long it took."""

    files: int
    faces: int
    keys: int
    seconds: float
    database_bytes: int = 0


def _random_faces(count: int, rng: np.random.Generator) -> list[bytes]:
    if count == 0:
        return []
    vectors = rng.standard_normal((count, 512), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    data = vectors.astype("<f4").tobytes()
    return [data[k * 2048 : (k + 1) * 2048] for k in range(count)]


def fill(
    path: Path,
    population: Population,
    pools: NamePools,
    genuine: Sequence[int],
    keys_of: KeyFunction = CONJUNCTIVE_BLOCKING.keys,
    log: Callable[[str], None] = print,
) -> FillReport:
    """Write the population into the migrated SQLite file at `path`, as already processed.

    `genuine` lists the stored identities whose face is a synthetic capture of the
    person (the probes capture them again); the other faces are random unit vectors.
    """
    started = time.perf_counter()
    n = len(population)
    rng = np.random.default_rng(SEED + 1)
    keys = _Keys(keys_of)
    sample = [person(population, pools, i) for i in range(0, n, max(1, n // 500))]
    keys.check(sample)
    _check_identity_text(sample)
    genuine_set = set(genuine)
    db = bulk_connection(path)  # WAL is set again at the end
    faces = key_rows = 0
    try:
        # The record-id index is built once at the end, a sort instead of 10 million
        # random inserts; the keys go through a staging table to reach the primary-key
        # index in key order.
        db.execute("DROP INDEX ix_mid_blocking_keys_record_id")
        db.execute("CREATE TEMP TABLE staged_keys (key TEXT, record_id TEXT)")
        statements = {table: _insert(table) for table in _STATEMENTS}
        staged = "INSERT INTO staged_keys (key, record_id) VALUES (?, ?)"
        db.execute("BEGIN")
        in_transaction = 0
        for lo in range(0, n, BATCH):
            hi = min(n, lo + BATCH)
            batch_faces = int(population.face[lo:hi].sum())
            vectors = iter(_random_faces(batch_faces, rng))
            qualities = iter(rng.integers(60, 91, size=max(batch_faces, 1)).tolist())
            rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _STATEMENTS}
            for i in range(lo, hi):
                p = person(population, pools, i)
                s, g = p.surname, p.given
                born = p.born.isoformat()
                rows["cir_identity_files"].append(
                    (
                        *(p.cir_id, p.system, f"ref-{p.cir_id}"),
                        *(s.original, s.mrz, s.normalised, g.original, g.mrz, g.normalised),
                        *(born, p.born.precision.value, p.sex, p.nationality, STAMP, STAMP),
                    )
                )
                rows["cir_travel_documents"].append(
                    (p.cir_id, 0, p.system, "P", p.document, p.nationality, p.expiry.isoformat())
                )
                face = bool(population.face[i])
                if face:
                    vector, quality = next(vectors), next(qualities)
                    if i in genuine_set:
                        template = _DEVICE.capture(p.person_key, Modality.FACE, quality=80)
                        vector, quality = template.vector, template.quality
                    rows["cir_biometric_templates"].append((p.cir_id, "face", vector, quality, 1))
                rows["cir_identity_changes"].append((p.cir_id, p.system, "written", STAMP))
                rows["mid_records"].append(
                    (p.cir_id, p.system, _identity_text(p), int(face), STAMP)
                )
                rows["mid_blocking_keys"].extend((key, p.cir_id) for key in keys.of(p))
            for table, values in rows.items():
                if table == "mid_blocking_keys":
                    db.executemany(staged, values)
                else:
                    db.executemany(statements[table], values)
            faces += len(rows["cir_biometric_templates"])
            key_rows += len(rows["mid_blocking_keys"])
            in_transaction += hi - lo
            if in_transaction >= FILES_PER_TRANSACTION or hi == n:
                db.execute("COMMIT")
                log(f"    {hi:,} files ({time.perf_counter() - started:.0f} s)")
                db.execute("BEGIN")
                in_transaction = 0
        db.execute(
            "INSERT INTO mid_blocking_keys (key, record_id) "
            "SELECT key, record_id FROM staged_keys ORDER BY key, record_id"
        )
        db.execute("DROP TABLE staged_keys")
        db.execute("CREATE INDEX ix_mid_blocking_keys_record_id ON mid_blocking_keys (record_id)")
        db.execute(
            "INSERT INTO mid_progress (source, seq) SELECT 'cir', max(seq) FROM cir_identity_changes"
        )
        db.execute("COMMIT")
        log(f"    keys and indexes ({time.perf_counter() - started:.0f} s)")
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    return FillReport(n, faces, key_rows, time.perf_counter() - started, path.stat().st_size)


# -- the probes ------------------------------------------------------------------------

KINDS = (
    *("new",) * 6,
    *("typo",) * 3,
    *("other_system",) * 2,
    *("script",) * 2,
    *("namesake",) * 2,
    *("face_of_another",) * 3,
    *("new_with_face",) * 2,
)
_OTHER_SCRIPT = {Script.CYRILLIC, Script.ARABIC}


@dataclass(frozen=True, slots=True)
class Probe:
    """One new CIR file to detect, with what it is meant to test."""

    kind: str
    file: IdentityFile
    templates: tuple[BiometricTemplate, ...]


def plan_bases(population: Population, count: int, phase: int, taken: set[int]) -> dict[int, str]:
    """Stored identities to draw the probes of a phase from, each with a probe kind."""
    rng = np.random.default_rng(SEED + 100 + phase)
    other_script = np.flatnonzero(
        np.isin(
            population.origin,
            [o for o, origin in enumerate(ORIGINS) if origin.script in _OTHER_SCRIPT],
        )
    )
    bases: dict[int, str] = {}
    for j in range(count):
        kind = KINDS[j % len(KINDS)]
        if kind in {"new", "new_with_face"}:
            continue
        while True:
            pool = other_script if kind == "script" else None
            i = int(rng.choice(pool)) if pool is not None else int(rng.integers(len(population)))
            if i not in taken and i not in bases:
                break
        if kind == "face_of_another":
            population.face[i] = True  # someone whose face the impostor presents
        bases[i] = kind
    return bases


def make_probes(
    population: Population, pools: NamePools, bases: dict[int, str], count: int, phase: int
) -> list[Probe]:
    """The probes of a phase, in the mix of `KINDS`."""
    rng = np.random.default_rng(SEED + 200 + phase)
    fresh = draw_population(count, pools, rng)
    at = datetime.now(UTC)
    base_of = iter(bases)
    probes: list[Probe] = []
    for j in range(count):
        kind = KINDS[j % len(KINDS)]
        new = person(fresh, pools, j)
        new_id = f"P{phase}{j:05d}"
        new_document = f"Z{phase}{j:07d}"
        templates: tuple[BiometricTemplate, ...] = ()
        if kind in {"new", "new_with_face"}:
            made = _replace(new, cir_id=new_id, document=new_document)
            if kind == "new_with_face":
                templates = (_DEVICE.capture(made.person_key, Modality.FACE),)
            probes.append(Probe(kind, made.identity_file(at=at), templates))
            continue
        i = next(base_of)
        old = person(population, pools, i)
        other = _SYSTEMS[1 - _SYSTEMS.index(old.system)]
        if kind == "typo":
            made = _replace(
                old, cir_id=new_id, document=new_document, surname=_transposed(old.surname)
            )
        elif kind == "other_system":
            made = _replace(old, cir_id=new_id, system=other)
        elif kind == "script":
            o, s = int(population.origin[i]), int(population.sex[i])
            surname = pools.surnames[o][s][int(population.surname[i])]
            given = pools.given[o][s][int(population.given[i])]
            vis = other == SourceSystem.VIS.value
            made = _replace(
                old,
                cir_id=new_id,
                system=other,
                document=new_document,
                surname=surname.vis if vis else surname.ees,
                given=given.vis if vis else given.ees,
            )
        elif kind == "namesake":
            made = _replace(new, cir_id=new_id, surname=old.surname, given=old.given)
            made = _replace(made, document=new_document, nationality=old.nationality)
        else:  # face_of_another: a new identity with the face of a stored person
            made = _replace(new, cir_id=new_id, document=new_document)
            templates = (_DEVICE.capture(old.person_key, Modality.FACE),)
        if kind == "other_system" and population.face[i]:
            templates = (_DEVICE.capture(old.person_key, Modality.FACE),)
        probes.append(Probe(kind, made.identity_file(at=at), templates))
    return probes


def _replace(p: _Person, **changes: Any) -> _Person:
    values = {name: getattr(p, name) for name in _Person.__slots__}
    values.update(changes)
    return _Person(**values)


def _transposed(name: Name) -> Name:
    """The name with two letters in its middle swapped, as a clerk's slip."""
    text = name.original
    if len(text) < 4:
        return Name.of(text + text[-1])
    k = len(text) // 2
    return Name.of(text[: k - 1] + text[k] + text[k - 1] + text[k + 1 :])


# -- the measurement -------------------------------------------------------------------


@dataclass(frozen=True)
class Keying:
    """How the MID blocks, by name."""

    name: str
    blocking: Blocking


# The service's keys (name with year or date of birth, document), whose blocks stay
# small at a million records; and the single-fact keys it used before.
CONJUNCTIVE = Keying("conjunctive keys (caps 50-100)", CONJUNCTIVE_BLOCKING)
SINGLE_FACT = Keying("single-fact keys (cap 500)", SINGLE_FACT_BLOCKING)
_NUMPY = ("exact NumPy", numpy_matcher_factory)
_FAISS = ("FAISS IVF (adapter defaults)", faiss_matcher_factory)
# Each configuration's probe set; the two blockings run the same probes per sBMS, so
# their links can be compared pair by pair.
_PROBE_SETS = {None: 0, _NUMPY: 1, _FAISS: 2}
CONFIGURATIONS: tuple[
    tuple[Keying, tuple[tuple[str, Callable[[], MatcherFactory]] | None, ...]], ...
] = (
    (CONJUNCTIVE, (None, _NUMPY, _FAISS)),
    (SINGLE_FACT, (None,)),
)


@dataclass
class Phase:
    """One configuration of the MID, measured over the probes."""

    keying: str
    sbms: str
    milliseconds: list[float] = field(default_factory=list)
    cpu_milliseconds: list[float] = field(default_factory=list)
    comparisons: list[int] = field(default_factory=list)
    links: int = 0
    pairs: set[tuple[str, str]] = field(default_factory=set)
    faces_enrolled: int = 0
    load_seconds: float = 0.0
    load_megabytes: float = 0.0
    identify_milliseconds: list[float] = field(default_factory=list)
    links_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class SizeResult:
    """Everything measured at one store size."""

    size: int
    fills: list[tuple[str, FillReport]]
    phases: list[Phase]


def _rss_megabytes() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _run_phase(
    phase: Phase, engine: Any, service: MidService, probes: Sequence[Probe], warm_up: int
) -> None:
    for j, probe in enumerate(probes):
        with SqlUnitOfWork(engine) as uow:
            SqlIdentityRepository(uow.connection).add(probe.file, probe.templates)
        started, cpu = time.perf_counter(), time.process_time()
        report = service.detect_changes()
        done, cpu_done = time.perf_counter(), time.process_time()
        assert report.records == 1, report
        if j < warm_up:
            continue
        phase.milliseconds.append((done - started) * 1000)
        phase.cpu_milliseconds.append((cpu_done - cpu) * 1000)
        phase.comparisons.append(report.comparisons)
        phase.links += len(report.links)
        phase.pairs.update((link.a.record_id, link.b.record_id) for link in report.links)
        phase.links_by_kind[probe.kind] = phase.links_by_kind.get(probe.kind, 0) + len(report.links)


def measure_size(
    size: int, workdir: Path, pools: NamePools, log: Callable[[str], None] = print
) -> SizeResult:
    """Fill a store of `size` identities and time the online check in each configuration."""
    rng = np.random.default_rng(SEED + size)
    population = draw_population(size, pools, rng)
    count = PROBES + WARM_UP
    taken: set[int] = set()
    bases_per_phase = []
    for number in range(len(_PROBE_SETS)):
        bases = plan_bases(population, count, number, taken)
        taken.update(bases)
        bases_per_phase.append(bases)
    genuine = sorted(i for i in taken if population.face[i])
    phases: list[Phase] = []
    fills: list[tuple[str, FillReport]] = []
    for keying, matchers in CONFIGURATIONS:
        path = workdir / f"mid-{size}.sqlite"
        url = f"sqlite:///{path}"
        upgrade(url)
        log(f"  filling {size:,} identities, {keying.name}")
        filled = fill(path, population, pools, genuine, keying.blocking.keys, log)
        fills.append((keying.name, filled))
        log(f"  filled in {filled.seconds:.0f} s, {filled.database_bytes / 1e6:,.0f} MB")
        engine = make_engine(url)
        try:
            store = SqlMidStore(engine)
            for matcher in matchers:
                number = _PROBE_SETS[matcher]
                probes = make_probes(population, pools, bases_per_phase[number], count, number)
                phase = Phase(keying.name, matcher[0] if matcher else "none")
                sbms = faces = None
                if matcher is not None:
                    gc.collect()
                    before = _rss_megabytes()
                    sbms = SharedBiometricMatchingService(matcher[1](), MemoryTemplateStore())
                    faces = CirBiometricIndex(sbms)
                service = MidService(store, SystemClock(), faces, blocking=keying.blocking)
                if sbms is not None:
                    started = time.perf_counter()
                    phase.faces_enrolled = service.load_biometrics()
                    phase.load_seconds = time.perf_counter() - started
                    gc.collect()
                    phase.load_megabytes = _rss_megabytes() - before
                log(f"  {keying.name}, sBMS {phase.sbms}: {len(probes)} probes")
                # The collector as a serving process sets it (`limes serve`): what was
                # loaded stays out of its way.
                tune_garbage_collection()
                try:
                    _run_phase(phase, engine, service, probes, WARM_UP)
                finally:
                    gc.unfreeze()
                    gc.set_threshold(*_DEFAULT_GC)
                if sbms is not None:
                    for probe in probes[WARM_UP:]:
                        for template in probe.templates:
                            started = time.perf_counter()
                            sbms.identify(template, k=BIOMETRIC_CANDIDATES)
                            elapsed = time.perf_counter() - started
                            phase.identify_milliseconds.append(elapsed * 1000)
                phases.append(phase)
                log(f"    {_summary(phase)}")
                del service, sbms, faces
                gc.collect()
        finally:
            engine.dispose()
        for suffix in ("", "-wal", "-shm", ".writer-lock"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return SizeResult(size, fills, phases)


def measure(*, quick: bool = False, log: Callable[[str], None] = print) -> list[SizeResult]:
    """Measure every size (`quick`: 10,000 and 100,000 only)."""
    log("MID online check")
    started = time.perf_counter()
    pools = NamePools(SEED)
    log(f"  name pools ready ({time.perf_counter() - started:.0f} s)")
    results = []
    # One BLAS thread: a multi-threaded matrix-vector product spins badly when the
    # cores are shared (the server's other requests, its database).
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tempfile.TemporaryDirectory(prefix="limes-mid-") as workdir,
    ):
        for size in QUICK_SIZES if quick else SIZES:
            results.append(measure_size(size, Path(workdir), pools, log))
    return results


# -- the report ----------------------------------------------------------------------


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _figures(values: Sequence[float]) -> str:
    return " | ".join(f"{_percentile(values, q):.1f}" for q in (50, 95, 99, 100))


def _summary(phase: Phase) -> str:
    p = phase.milliseconds
    return (
        f"p50 {_percentile(p, 50):.1f} ms, p99 {_percentile(p, 99):.1f} ms, "
        f"max {max(p):.1f} ms (CPU p50 {_percentile(phase.cpu_milliseconds, 50):.1f}, p99 "
        f"{_percentile(phase.cpu_milliseconds, 99):.1f}); {phase.links} links, "
        f"{statistics.mean(phase.comparisons):.0f} comparisons per record"
    )


def report(results: Sequence[SizeResult]) -> str:
    """The BENCHMARKS.md section."""
    lines = [
        "## MID: the online multiple-identity check for one new record",
        "",
        "`bench/mid_online.py`. Target (the issue): one online MID check under 20 ms at p99 "
        "against a store of 1,000,000 identities. A SQLite store is filled with N CIR "
        f"files the MID has already processed ({FACE_SHARE:.0%} with a face, names from "
        "24 nationalities in Latin, Cyrillic and Arabic script), then "
        f"{PROBES} new files are written one transaction each (as the EES does) and "
        "`MidService.detect_changes()` is timed for each: the blocking-key probes, the 1:N "
        "face search, judging every candidate, storing the record and its links, and the "
        "commit (WAL, synchronous=FULL), with the garbage collector tuned as in a serving "
        "process (`limes.bootstrap.tune_garbage_collection`). The probes mix new people, stored people "
        "misspelt, in the other script or in the other system, namesakes, someone "
        "else's face under a new name, and new people with a face; "
        f"{WARM_UP} warm-up probes per configuration are not counted. Wall times are "
        "taken while other benchmarks share the machine; the CPU time of the process "
        "(SQLite included, disk waits not) is given beside them. BLAS on one thread "
        "(`threadpoolctl`): a multi-threaded matrix-vector product spins badly when the "
        "cores are shared.",
        "",
        "Two ways of blocking are measured: the conjunctive keys the service and "
        "`limes mid detect` use (`limes.interop.mid.detector.CONJUNCTIVE`: full name with "
        "year of birth, a name with the full date of birth, the full name with day and "
        "month or place of birth, the document; a full block of 50 or 100 is skipped) "
        "and, on identity data only, the single-fact keys the service used before "
        "(`limes.interop.mid.service.SINGLE_FACT`: surname, phonetic surname, given "
        "name, year and date of birth, document; cap 500).",
        "",
    ]
    for result in results:
        lines += [f"### {result.size:,} stored identities", ""]
        for name, filled in result.fills:
            lines.append(
                f"- fill, {name}: {filled.seconds:.0f} s; {filled.faces:,} faces, "
                f"{filled.keys:,} blocking keys; database {filled.database_bytes / 1e6:,.0f} MB"
            )
        lines += [
            "",
            "| keys | sBMS 1:N | sBMS load | p50 ms | p95 ms | p99 ms | max ms | "
            "CPU p50 / p99 ms | comparisons p50 / max | links | 1:N search p50 / p99 ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for phase in result.phases:
            load = (
                f"{phase.faces_enrolled:,} faces, {phase.load_seconds:.0f} s, "
                f"{phase.load_megabytes:,.0f} MB"
                if phase.faces_enrolled
                else "-"
            )
            search = (
                f"{_percentile(phase.identify_milliseconds, 50):.1f} / "
                f"{_percentile(phase.identify_milliseconds, 99):.1f}"
                if phase.identify_milliseconds
                else "-"
            )
            cpu = phase.cpu_milliseconds
            lines.append(
                f"| {phase.keying} | {phase.sbms} | {load} | {_figures(phase.milliseconds)} | "
                f"{_percentile(cpu, 50):.1f} / {_percentile(cpu, 99):.1f} | "
                f"{_percentile(phase.comparisons, 50):.0f} / {max(phase.comparisons)} | "
                f"{phase.links} | {search} |"
            )
        lines += ["", *_agreement(result), ""]
    lines += _verdict(results)
    return "\n".join(lines) + "\n"


def _agreement(result: SizeResult) -> list[str]:
    """How the links of the two blockings compare on the same probes."""
    lines = []
    for phase in result.phases:
        if phase.keying != CONJUNCTIVE.name:
            continue
        single = next(
            (p for p in result.phases if p.keying == SINGLE_FACT.name and p.sbms == phase.sbms),
            None,
        )
        if single is None:
            continue
        common = len(phase.pairs & single.pairs)
        lines.append(
            f"Same probes, sBMS {phase.sbms}: {len(single.pairs)} links with single-fact "
            f"keys, {len(phase.pairs)} with conjunctive keys, {common} in both."
        )
    return lines


def _verdict(results: Sequence[SizeResult]) -> list[str]:
    by_size = {r.size: r for r in results}
    lines = []
    target = by_size.get(TARGET_SIZE)
    if target is None:
        lines.append(f"Target p99 < {TARGET_MS:.0f} ms at 1,000,000: not measured (`--quick`).")
    else:
        for phase in target.phases:
            p99 = _percentile(phase.milliseconds, 99)
            verdict = "met" if p99 < TARGET_MS else "not met"
            lines.append(
                f"- Target p99 < {TARGET_MS:.0f} ms at 1,000,000, {phase.keying}, sBMS "
                f"{phase.sbms}: **{verdict}** ({p99:.1f} ms; CPU "
                f"{_percentile(phase.cpu_milliseconds, 99):.1f} ms)."
            )
    if len(results) >= 2:
        first, last = results[0], results[-1]
        lines += ["", f"Growth from {first.size:,} to {last.size:,} stored identities:", ""]
        for a, b in zip(first.phases, last.phases, strict=True):  # same configurations
            lines.append(
                f"- {a.keying}, sBMS {a.sbms}: median check "
                f"{_percentile(a.milliseconds, 50):.1f} -> {_percentile(b.milliseconds, 50):.1f} "
                f"ms, p99 {_percentile(a.milliseconds, 99):.1f} -> "
                f"{_percentile(b.milliseconds, 99):.1f} ms, comparisons per record "
                f"{statistics.mean(a.comparisons):.0f} -> {statistics.mean(b.comparisons):.0f}"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.mid_online [--quick] [--size N ...]`: measure and print the section."""
    parser = argparse.ArgumentParser(prog="python -m bench.mid_online")
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 only")
    parser.add_argument("--size", type=int, action="append", help="measure these sizes only")
    args = parser.parse_args(argv)
    if args.size:
        pools = NamePools(SEED)
        with tempfile.TemporaryDirectory(prefix="limes-mid-") as workdir:
            results = [measure_size(n, Path(workdir), pools) for n in args.size]
    else:
        results = measure(quick=args.quick)
    print(report(results))


if __name__ == "__main__":
    main()
