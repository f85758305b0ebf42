"""Multiple-identity detection on identity data and faces (2019/817 and 2019/818, Art 27, 28, 69).

`Detector.detect` compares one new record with the records already indexed and returns
the links it creates; the online detector of Art 27 calls it per new or updated record.
`BatchDetector` is the initial load of Art 69: it gives, for a whole file of records,
exactly the links that feeding them one by one to `Detector.detect` would give, but
parses and judges on several processes.

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

import base64
import ctypes
import dataclasses
import gc
import hashlib
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from limes import jsonio
from limes.biometrics.quality import QualityPurpose, check_quality
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.biometrics.vectors import decode, make_template
from limes.core.errors import DomainError, FieldError, InvalidRequest
from limes.core.identity import PartialDate, Precision
from limes.interop.mid.domain.models import LinkColour, LinkedSystem, RecordRef, linked_system
from limes.interop.mid.linking import DetectedLink, IndexedRecord, biometric_evidence, judge
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.models import Gallery
from limes.interop.sbms.ports import MatcherFactory
from limes.interop.sbms.service import SharedBiometricMatchingService
from limes.matching.identity import FIELDS, IdentityRecord
from limes.matching.text import blocking_keys, normalise, transliterations

__all__ = [
    "BIOMETRIC_CANDIDATES",
    "BLOCK_CAPS",
    "DEFAULT_BLOCK_CAP",
    "BatchDetector",
    "BiometricGalleries",
    "DetectedLink",
    "Detector",
    "IdentityIndex",
    "IndexedRecord",
    "LineError",
    "ParsedRecord",
    "RecordLinks",
    "check_templates",
    "parse_line",
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

# The cap on the single-fact keys of `limes.matching.text.blocking_keys` (a surname, a
# year of birth), which the online `MidService` blocks on; `BLOCK_CAPS` holds the caps
# of the conjunctive keys this module blocks on.
DEFAULT_BLOCK_CAP = 500

# sBMS candidates of one face (limes policy, as the online `MidService`): more than a
# few people sharing a face with the record is already a case for an officer.
BIOMETRIC_CANDIDATES = 10

_TEMPLATE_FIELDS = frozenset({"vector", "quality", "modality", "synthetic"})


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


# Names repeat across a population (surnames, and given names more so), and their
# transliterations are most of the cost of keying a record; a bounded cache of them
# keeps the keying of a million records to minutes.
_forms = lru_cache(maxsize=1 << 18)(transliterations)


def _key_id(key: str) -> int:
    # A stable 64-bit id (Python's str hash changes with every process): both the
    # online index and the batch path block on these ids, so they agree exactly.
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _keyed(identity: IdentityRecord) -> tuple[tuple[int, str], ...]:
    """The record's blocking keys as (id, kind), one per id, in a fixed order."""
    ids: dict[int, str] = {}
    for key in sorted(record_keys(identity)):
        ids.setdefault(_key_id(key), key.split(":", 1)[0])
    return tuple(ids.items())


def _checked_caps(caps: Mapping[str, int]) -> Mapping[str, int]:
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
        self.caps = _checked_caps(self.caps)

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
        for key, kind in _keyed(record.identity):
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


def _compare(
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
            link = _compare(record, held, self.index.at(other), self._templates.get(other, ()))
            if link is not None:
                links.append(link)
        return links


# -- the initial load (Art 69) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """One input line: the record's identity data (Art 27(3)) and its templates."""

    record: IndexedRecord
    templates: tuple[BiometricTemplate, ...]


def parse_line(line: str | bytes) -> ParsedRecord:
    """One JSON line of `limes mid detect` input as a record; InvalidRequest when unusable.

    Keys other than record_id, system, template and the identity fields (the
    evaluation set's ground truth, say) are ignored. "template" is one face template:
    {"vector": base64 of 512 little-endian float32 values, "quality": 0-100, and
    optionally "modality": "face" and "synthetic": true}; the vector is L2-normalised.
    """
    payload = jsonio.parse_object(line)
    record_id, system = _required_text(payload, "record_id"), _required_text(payload, "system")
    ref = RecordRef(system, record_id)  # UnknownSystem (an InvalidRequest) when not linked
    identity = IdentityRecord.from_json(
        {name: value for name, value in payload.items() if name in FIELDS}, field=record_id
    )
    raw = payload.get("template")
    templates = () if raw is None else (_template(raw),)
    check_templates(system, templates)
    return ParsedRecord(IndexedRecord(ref, identity), templates)


def _required_text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} is missing: give a non-empty string")
    return value


def _template(value: object) -> BiometricTemplate:
    """The record's face template from its JSON form; InvalidRequest names the field."""
    if not isinstance(value, dict) or not _TEMPLATE_FIELDS.issuperset(value):
        raise _bad_template("template", 'give {"vector": base64, "quality": 0-100}')
    if value.get("modality", "face") != "face":
        raise _bad_template("template.modality", "only face templates are compared here")
    synthetic = value.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise _bad_template("template.synthetic", "give true or false")
    quality = value.get("quality")
    if isinstance(quality, bool) or not isinstance(quality, int):
        raise _bad_template("template.quality", "give the quality score, an integer from 0 to 100")
    vector = value.get("vector")
    try:
        data = base64.b64decode(vector, validate=True) if isinstance(vector, str) else b""
    except ValueError:  # binascii.Error, or a non-ASCII string
        data = b""
    if not data:
        raise _bad_template("template.vector", "give base64 of 512 little-endian float32 values")
    try:
        # make_template L2-normalises the vector, as every sBMS matcher expects.
        return make_template(Modality.FACE, decode(data, Modality.FACE), quality, synthetic)
    except InvalidRequest as error:
        raise InvalidRequest(
            "A template is unusable",
            [FieldError(f"template.{e.field}", e.reason) for e in error.errors],
        ) from None


def _bad_template(name: str, reason: str) -> InvalidRequest:
    return InvalidRequest("A template is unusable", [FieldError(name, reason)])


@dataclass(frozen=True, slots=True)
class LineError:
    """An input line that holds no usable record: it is skipped."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class RecordLinks:
    """The links a record created, in the order `Detector.detect` returns them."""

    line: int
    record: RecordRef
    links: tuple[DetectedLink, ...]


# Records and links cross between processes as tuples of plain values: pickling the
# slotted dataclasses themselves cost six times as much, for every record and link.
_IDENTITY_FIELDS = tuple(f.name for f in dataclasses.fields(IdentityRecord))
_PackedRecord = tuple[
    int,  # line number
    str,  # system
    str,  # record id
    tuple[Any, ...],  # identity fields, the date of birth as (year, month, day)
    tuple[tuple[Modality, bytes, int, bool], ...],  # templates
    tuple[tuple[int, str], ...],  # blocking key ids and kinds
]
_PackedLink = tuple[int, int, str, tuple[str, ...]]  # positions of a and b, colour, reasons


def _pack(line: int, parsed: ParsedRecord, keys: tuple[tuple[int, str], ...]) -> _PackedRecord:
    identity = parsed.record.identity
    fields: dict[str, Any] = {name: getattr(identity, name) for name in _IDENTITY_FIELDS}
    if identity.dob is not None:
        fields["dob"] = (identity.dob.year, identity.dob.month, identity.dob.day)
    templates = tuple((t.modality, t.vector, t.quality, t.synthetic) for t in parsed.templates)
    ref = parsed.record.ref
    return (line, ref.system, ref.record_id, tuple(fields.values()), templates, keys)


def _unpack(packed: _PackedRecord) -> tuple[IndexedRecord, tuple[BiometricTemplate, ...]]:
    _, system, record_id, values, templates, _ = packed
    fields = dict(zip(_IDENTITY_FIELDS, values, strict=True))
    if fields["dob"] is not None:
        fields["dob"] = PartialDate(*fields["dob"])
    record = IndexedRecord(RecordRef(system, record_id), IdentityRecord(**fields))
    return record, tuple(BiometricTemplate(*t) for t in templates)


@dataclass(slots=True)
class _Work:
    """What the judging processes read: records, templates and the pairs to judge."""

    records: list[IndexedRecord]
    templates: list[tuple[BiometricTemplate, ...]]
    new: list[int]
    old: list[int]


# The judging workers are forked with the work in memory, so a chunk of work is sent
# as two numbers rather than as pickled records.
_WORK: _Work | None = None

_T = TypeVar("_T")
_R = TypeVar("_R")

_PARSE_CHUNK = 1000
_JUDGE_CHUNK = 1000  # pairs: about a quarter of a second of `judge`
_AHEAD = 8  # chunks in flight per worker: enough to keep them busy, little memory


def _parse_chunk(chunk: list[tuple[int, bytes]]) -> list[_PackedRecord | LineError]:
    out: list[_PackedRecord | LineError] = []
    for number, line in chunk:
        try:
            parsed = parse_line(line)
        except DomainError as error:
            out.append(LineError(number, jsonio.one_line(error)))
            continue
        out.append(_pack(number, parsed, _keyed(parsed.record.identity)))
    return out


def _judge_chunk(bounds: tuple[int, int]) -> list[tuple[int, list[_PackedLink]]]:
    work = _WORK
    if work is None:
        raise RuntimeError("no batch work to judge")
    found: list[tuple[int, list[_PackedLink]]] = []
    start, end = bounds
    for new, pairs in itertools.groupby(
        zip(work.new[start:end], work.old[start:end], strict=True), key=lambda p: p[0]
    ):
        record, held = work.records[new], work.templates[new]
        links: list[_PackedLink] = []
        for _, old in pairs:
            link = _compare(record, held, work.records[old], work.templates[old])
            if link is not None:
                a, b = (new, old) if link.a == record.ref else (old, new)
                links.append((a, b, link.colour.value, link.reasons))
        if links:
            found.append((new, links))
    return found


# Thread-count calls of the OpenBLAS builds NumPy loads: its own wheels' 64-bit build,
# and a system OpenBLAS.
_BLAS_THREAD_CALLS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)


@contextmanager
def _blas_on_one_thread() -> Iterator[None]:
    """Run OpenBLAS on one thread in this process and the ones it forks, then restore it.

    The batch gives every core a process of its own; an OpenBLAS that also spreads
    each sBMS matrix-vector product over the cores fights those processes for them,
    and on 2 cores made the 1:N searches 15 to 60 times slower. Where no OpenBLAS is
    loaded (or not on Linux, whose /proc/self/maps names the loaded libraries) nothing
    changes.
    """
    calls: list[tuple[Callable[[], int], Callable[[int], object]]] = []
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        maps = ""
    libraries = sorted({line.split()[-1] for line in maps.splitlines() if "openblas" in line})
    for path in libraries:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in _BLAS_THREAD_CALLS:
            if hasattr(library, get_name) and hasattr(library, set_name):
                calls.append((getattr(library, get_name), getattr(library, set_name)))
                break
    before = [get() for get, _ in calls]
    for _, set_threads in calls:
        set_threads(1)
    try:
        yield
    finally:
        for (_, set_threads), threads in zip(calls, before, strict=True):
            set_threads(threads)


class _Runner:
    """Runs a function over items in order: in this process, or on a fork pool."""

    def __init__(self, workers: int) -> None:
        self._pool: Any = None
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._pool = multiprocessing.get_context("fork").Pool(workers)
        self._ahead = _AHEAD * max(1, workers)

    def map(self, function: Callable[[_T], _R], items: Iterable[_T]) -> Iterator[_R]:
        if self._pool is None:
            yield from map(function, items)
            return
        # Pool.imap would read all of `items` at once; a window keeps memory bounded.
        pending: deque[Any] = deque()
        for item in items:
            pending.append(self._pool.apply_async(function, (item,)))
            if len(pending) >= self._ahead:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


@dataclass(slots=True)
class BatchDetector:
    """Art 69 initial load: the links of `Detector.detect` record by record, on `workers` processes.

    Lines are parsed and keyed in parallel; the records are then indexed and searched
    in the sBMS in input order in this process, as `Detector.detect` takes them; last,
    the candidate pairs are judged in parallel. Results come in input order. The
    counters are filled as the run goes. One run at a time per process: the judging
    workers read the run's records from a module global.
    """

    workers: int = 1
    caps: Mapping[str, int] = field(default_factory=lambda: BLOCK_CAPS)
    matchers: MatcherFactory | None = None
    records: int = 0
    comparisons: int = 0
    skipped_keys: int = 0
    on_read: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"at least one worker is needed, got {self.workers}")
        self.caps = _checked_caps(self.caps)

    def run(self, lines: Iterable[bytes]) -> Iterator[LineError | RecordLinks]:
        """Detect links among the records of `lines`; bad lines come back as `LineError`."""
        with _blas_on_one_thread():
            yield from self._run(lines)

    def _run(self, lines: Iterable[bytes]) -> Iterator[LineError | RecordLinks]:
        global _WORK
        work = _Work([], [], [], [])
        numbers: list[int] = []
        keys = _KeyTable()
        pairs: list[tuple[int, int]] = []
        galleries = BiometricGalleries(self.matchers)
        positions: dict[str, int] = {}
        read = 0
        runner = _Runner(self.workers)
        try:
            for chunk in runner.map(_parse_chunk, _chunks(lines)):
                for item in chunk:
                    if isinstance(item, LineError):
                        yield item
                        continue
                    record, templates = _unpack(item)
                    ref = record.ref
                    if ref.record_id in positions:
                        message = (
                            f"record_id {ref.record_id!r} was already read; the line is skipped"
                        )
                        yield LineError(item[0], jsonio.one_line(InvalidRequest(message)))
                        continue
                    position = len(work.records)
                    positions[ref.record_id] = position
                    work.records.append(record)
                    work.templates.append(templates)
                    numbers.append(item[0])
                    keys.add(position, item[5], self.caps)
                    for same_face in galleries.search(templates):
                        pairs.append((position, positions[same_face]))
                    galleries.enrol(ref, templates)
                read += len(chunk)
                if self.on_read is not None:
                    self.on_read(read)
        finally:
            runner.close()
        del galleries, positions
        new, old, self.skipped_keys = keys.pairs(pairs)
        del keys, pairs
        work.new, work.old = new.tolist(), old.tolist()
        self.comparisons = len(work.new)
        _WORK = work
        pooled = self.workers > 1
        if pooled:
            # Frozen objects are left alone by the collector, so the forked workers do
            # not copy every page of the records just by collecting garbage.
            gc.freeze()
        runner = _Runner(self.workers)
        try:
            done = 0
            for found in runner.map(_judge_chunk, _bounds(work.new)):
                for position, packed in found:
                    yield from self._unlinked(done, position, numbers, work)
                    self.records += 1
                    links = tuple(
                        DetectedLink(
                            work.records[a].ref, work.records[b].ref, LinkColour(colour), reasons
                        )
                        for a, b, colour, reasons in packed
                    )
                    yield RecordLinks(numbers[position], work.records[position].ref, links)
                    done = position + 1
            yield from self._unlinked(done, len(work.records), numbers, work)
        finally:
            runner.close()
            _WORK = None
            if pooled:
                gc.unfreeze()

    def _unlinked(
        self, start: int, end: int, numbers: list[int], work: _Work
    ) -> Iterator[RecordLinks]:
        for position in range(start, end):
            self.records += 1
            yield RecordLinks(numbers[position], work.records[position].ref, ())


def _chunks(lines: Iterable[bytes]) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        chunk.append((number, line))
        if len(chunk) >= _PARSE_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bounds(new: list[int]) -> Iterator[tuple[int, int]]:
    """Slices of the pair list of about `_JUDGE_CHUNK` pairs, never splitting a record."""
    start, total = 0, len(new)
    while start < total:
        end = min(start + _JUDGE_CHUNK, total)
        while end < total and new[end] == new[end - 1]:
            end += 1
        yield start, end
        start = end


class _KeyTable:
    """Every (key, position, cap) of a batch, grouped at the end like `IdentityIndex` blocks."""

    def __init__(self) -> None:
        self._keys: list[int] = []
        self._positions: list[int] = []
        self._caps: list[int] = []

    def add(self, position: int, keys: Iterable[tuple[int, str]], caps: Mapping[str, int]) -> None:
        for key, kind in keys:
            self._keys.append(key)
            self._positions.append(position)
            self._caps.append(caps[kind])

    def pairs(
        self, extra: Sequence[tuple[int, int]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
        """The (new, old) pairs to judge, by new then old, without repeats; and keys dropped.

        Within a block, the record at rank r (0-based, in input order) is a candidate of
        the records after it; from rank `cap` on the key is dropped, so a record there
        finds no one through it: what `IdentityIndex.insert` does one record at a time.
        """
        keys = np.asarray(self._keys, dtype=np.int64)
        positions = np.asarray(self._positions, dtype=np.int64)
        caps = np.asarray(self._caps, dtype=np.int64)
        self._keys, self._positions, self._caps = [], [], []
        found_new: list[npt.NDArray[np.int64]] = []
        found_old: list[npt.NDArray[np.int64]] = []
        skipped = 0
        if keys.size:
            order = np.lexsort((positions, keys))
            keys, positions, caps = keys[order], positions[order], caps[order]
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            sizes = np.diff(np.r_[starts, keys.size])
            skipped = int(np.count_nonzero(sizes > caps[starts]))
            rank = np.arange(keys.size) - np.repeat(starts, sizes)
            # The element at rank r pairs with the r before it: step d pairs every
            # element of rank >= d with the one d places earlier, so the work is the
            # number of pairs.
            current = np.flatnonzero((rank > 0) & (rank < caps))
            step = 1
            while current.size:
                found_new.append(positions[current])
                found_old.append(positions[current - step])
                step += 1
                current = current[rank[current] >= step]
        if extra:
            both = np.asarray(extra, dtype=np.int64)
            found_new.append(both[:, 0])
            found_old.append(both[:, 1])
        if not found_new:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, skipped
        codes = np.unique((np.concatenate(found_new) << 32) | np.concatenate(found_old))
        return codes >> 32, codes & 0xFFFFFFFF, skipped
