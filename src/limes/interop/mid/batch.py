"""The initial load of the multiple-identity detector (2019/817 and 2019/818, Art 69).

`BatchDetector` gives, for a whole file of records, exactly the links that feeding
them one by one to `limes.interop.mid.detector.Detector.detect` would give, but parses
and judges on several processes; `limes.interop.mid.records.parse_line` reads each line.
Pure Python: no web, database or CLI framework is imported here.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from limes import jsonio
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.errors import DomainError, InvalidRequest
from limes.core.identity import PartialDate
from limes.interop.mid.detector import (
    BLOCK_CAPS,
    BiometricGalleries,
    checked_caps,
    judge_pair,
    keyed,
)
from limes.interop.mid.domain.models import LinkColour, RecordRef
from limes.interop.mid.linking import DetectedLink, IndexedRecord
from limes.interop.mid.records import ParsedRecord, parse_line
from limes.interop.sbms.ports import MatcherFactory
from limes.matching.identity import IdentityRecord

__all__ = ["BatchDetector", "LineError", "RecordLinks"]

# -- the initial load (Art 69) ---------------------------------------------------


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
        out.append(_pack(number, parsed, keyed(parsed.record.identity)))
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
            link = judge_pair(record, held, work.records[old], work.templates[old])
            if link is not None:
                a, b = (new, old) if link.a == record.ref else (old, new)
                links.append((a, b, link.colour.value, link.reasons))
        if links:
            found.append((new, links))
    return found


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
        self.caps = checked_caps(self.caps)

    def run(self, lines: Iterable[bytes]) -> Iterator[LineError | RecordLinks]:
        """Detect links among the records of `lines`; bad lines come back as `LineError`."""
        # The batch gives every core a process of its own; a BLAS that also spreads each
        # sBMS matrix-vector product over the cores fights those processes for them (on
        # 2 cores the 1:N searches ran 15 to 60 times slower). Forked workers inherit it.
        with threadpool_limits(limits=1, user_api="blas"):
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
