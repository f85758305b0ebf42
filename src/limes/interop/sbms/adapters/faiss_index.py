"""Approximate 1:N search with FAISS for large galleries: an inverted file of fast-scan codes.

Choice of index. HNSW graphs (`IndexHNSWFlat`) search fast with high recall but
cannot remove a vector, and the sBMS must delete a template when its source record
goes (Reg. (EU) 2019/817 Art 15). An inverted file (IVF) can (`remove_ids`): the
vectors sit in `nlist` lists around k-means centroids and a search scans only the
`nprobe` lists nearest the probe, so a true mate is missed only when its list is not
visited.

How much to scan. The synthetic template space is isotropic (`limes.biometrics.
synthetic`): no clusters for the lists to follow, the worst case for IVF. With mates
at cosine 0.70 (capture noise 0.65 on both captures), 99% of true mates are in the
nearest 30-40% of the lists whatever nlist is, and only slowly fewer as nlist grows
(measured: 1,000,000 templates, nlist 1024: 99.4% at 30%, 99.8% at 40%, 99.95% at
50%; nlist 2048 did no better). At half the lists of 1,000,000 templates, a search
took 77 ms over IVF-Flat lists (2,048 bytes a template), 35 ms over SQ8 codes (512
bytes) and 1.2 ms over 4-bit product-quantisation codes read by FAISS's SIMD
fast-scan kernels (32 bytes; one thread, bench/sbms.py). So the lists hold those
(`IndexIVFPQFastScan`, dimension/8 sub-quantisers of 4 bits). The codes only rank:
the best `max(2k, RERANK_DEPTH)` candidates are scored again against the float32
vectors the matcher keeps, so returned scores are exact cosines, as with NumPy, and
the memory is that of the vectors plus about 40 bytes a template (2,213 bytes a
template in all at 1,000,000, ids included).

Growth. Until `train_size` templates (32,768 by default) the matcher searches the
vectors exactly: at most 64 MB to read, and no index to train. At that size it
trains the IVF index on a sample of 64 vectors per list (10 k-means iterations) and
adds every vector. By default the number of lists follows the gallery: `nlist_for(n)`
is the power of two at or above sqrt(n), so the insert that takes the gallery past
4**j templates (65,536, 262,144, 1,048,576, ...) retrains with twice the lists and
adds every vector again, inside that insert (37 s at 262,144 on the shared two-core
machine of bench/sbms.py; more at each step). With `nprobe=None` a search scans
`probe_fraction` of the lists. A fixed `nlist` trains once and is never retrained.

Deletion. A template's row in the vector matrix is its FAISS label; a deleted row is
zeroed and reused by a later insert, and `remove_ids` takes it out of the lists.

Threads. A search or a deletion runs with `search_threads` OpenMP threads (1 by
default; the setting is per calling thread, so concurrent callers do not interfere).
One probe gains nothing from a second thread, and `remove_ids` runs a parallel loop
over the lists that waits for a second core: on the shared two-core machine of
bench/sbms.py a deletion took 0.2 ms with one thread and 13 ms with two (100,000
templates). Training and adding use FAISS's default, every core.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from limes.biometrics.templates import Modality
from limes.core.errors import FieldError, InvalidRequest
from limes.interop.sbms.adapters._checks import (
    check_k,
    check_new_ids,
    check_vector,
    check_vectors,
)
from limes.interop.sbms.models import Gallery
from limes.interop.sbms.ports import Matcher, MatcherFactory, Vector

__all__ = [
    "DEFAULT_PROBE_FRACTION",
    "DEFAULT_TRAIN_SIZE",
    "MIN_TRAINING_PER_LIST",
    "MIN_TRAIN_SIZE",
    "RERANK_DEPTH",
    "FaissMatcher",
    "faiss_matcher_factory",
    "nlist_for",
]

# 40% of the lists: 99.7% of true mates at 1,000,000 templates in the isotropic
# synthetic space (99.9% at half the lists), with p99 3.2 ms against 4.7 ms at half
# (interleaved on the same probes, bench/sbms.py's gallery). Real templates cluster,
# and need far less.
DEFAULT_PROBE_FRACTION = 0.4
DEFAULT_TRAIN_SIZE = 32_768
# FAISS warns when k-means gets fewer than 39 training points per centroid.
MIN_TRAINING_PER_LIST = 39
# Each 4-bit sub-quantiser has 16 centroids, so the codes need 39 * 16 vectors to train.
MIN_TRAIN_SIZE = MIN_TRAINING_PER_LIST * 16
# Candidates a search re-scores exactly, at least: the codes' ranking is rough, so
# the best k by exact cosine are taken from a deeper list.
RERANK_DEPTH = 32
# k-means on more than 64 vectors per list, or beyond 10 iterations, did not move
# recall in the isotropic space (measured), and costs time inside an insert.
_TRAINING_PER_LIST = 64
_KMEANS_ITERATIONS = 10
_VALUES_PER_SUBQUANTIZER = 8
_BITS_PER_SUBQUANTIZER = 4  # what the fast-scan kernels read
_ADD_CHUNK = 65_536  # rows copied out of the matrix per FAISS add, to bound memory
_INITIAL_CAPACITY = 1024
_SAMPLE_SEED = 2019_817  # the training sample, reproducible


def nlist_for(size: int) -> int:
    """IVF lists for a gallery of `size`: the power of two at or above sqrt(size), but at least 39 vectors per list."""
    if size < 2 * MIN_TRAINING_PER_LIST:
        return 1
    root = math.isqrt(size - 1) + 1  # ceil(sqrt(size))
    largest = size // MIN_TRAINING_PER_LIST
    return min(1 << (root - 1).bit_length(), 1 << (largest.bit_length() - 1))


def _invalid(field: str, reason: str) -> InvalidRequest:
    return InvalidRequest("Invalid FAISS matcher settings", [FieldError(field, reason)])


class FaissMatcher:
    """`Matcher` over a FAISS IVF fast-scan index, re-scored exactly; exact search until trained."""

    def __init__(
        self,
        dimension: int,
        *,
        nlist: int | None = None,
        nprobe: int | None = None,
        train_size: int | None = None,
        probe_fraction: float = DEFAULT_PROBE_FRACTION,
        search_threads: int | None = 1,
    ) -> None:
        if dimension < _VALUES_PER_SUBQUANTIZER or dimension % _VALUES_PER_SUBQUANTIZER:
            raise _invalid("dimension", f"the dimension must be a multiple of 8, not {dimension}")
        if nlist is not None and nlist < 1:
            raise _invalid("nlist", f"need nlist >= 1, got {nlist}")
        if nprobe is not None and not 1 <= nprobe <= (nlist or nprobe):
            raise _invalid(
                "nprobe", f"need 1 <= nprobe <= nlist, got nprobe {nprobe}, nlist {nlist}"
            )
        if not 0.0 < probe_fraction <= 1.0:
            raise _invalid("probe_fraction", f"need 0 < probe_fraction <= 1, got {probe_fraction}")
        if search_threads is not None and search_threads < 1:
            raise _invalid(
                "search_threads", f"need search_threads >= 1 or None, got {search_threads}"
            )
        minimum = max(MIN_TRAIN_SIZE, MIN_TRAINING_PER_LIST * (nlist or 1))
        if nlist is None:
            size = DEFAULT_TRAIN_SIZE if train_size is None else train_size
        else:
            size = minimum if train_size is None else train_size
        if size < minimum:
            raise _invalid(
                "train_size",
                f"need train_size >= max({MIN_TRAIN_SIZE}, {MIN_TRAINING_PER_LIST} * nlist) "
                f"= {minimum}; got {size}",
            )
        self.dimension = dimension
        self.fixed_nlist = nlist
        self.fixed_nprobe = nprobe
        self.probe_fraction = probe_fraction
        self.train_size = size
        self.search_threads = search_threads
        # Row r of the matrix is the vector of FAISS label r; rows at or above _high
        # were never used, freed rows below it wait in _free for the next insert.
        self._matrix = np.zeros((_INITIAL_CAPACITY, dimension), dtype=np.float32)
        self._high = 0
        self._free: list[int] = []
        self._ids: list[str] = []  # row -> template id ("" for a freed row)
        self._rows: dict[str, int] = {}  # template id -> row
        self._index: Any = None
        self._quantizer: Any = None  # kept referenced: the IVF index does not own it
        self._rng = np.random.default_rng(_SAMPLE_SEED)

    @property
    def trained(self) -> bool:
        """Whether searches go through the IVF index rather than exact search."""
        return self._index is not None

    @property
    def nlist(self) -> int | None:
        """The lists of the trained index, or None before training."""
        return None if self._index is None else int(self._index.nlist)

    @property
    def nprobe(self) -> int | None:
        """The lists a search scans, or None before training."""
        return None if self._index is None else int(self._index.nprobe)

    @property
    def nbytes(self) -> int:
        """About how many bytes the vectors and the index hold (not the id maps)."""
        if self._index is None:
            return int(self._matrix.nbytes)
        index = self._index
        codes = int(index.ntotal) * (int(index.code_size) + 8)  # a code and an int64 label
        return int(self._matrix.nbytes) + codes + int(index.nlist) * self.dimension * 4

    def __len__(self) -> int:
        return len(self._rows)

    def insert(self, entries: Sequence[tuple[str, Vector]]) -> None:
        """Add (template id, unit vector) pairs; all or none; trains or retrains the index when due."""
        ids = [template_id for template_id, _ in entries]
        check_new_ids(ids, self._rows)
        rows = [
            check_vector(v, self.dimension, f"entries/{i}/vector")
            for i, (_, v) in enumerate(entries)
        ]
        if rows:
            self._add(ids, np.vstack(rows))

    def insert_many(self, template_ids: Sequence[str], vectors: npt.ArrayLike) -> None:
        """Add many templates at once: row i of `vectors` is the unit vector of `template_ids[i]`; all or none."""
        ids = list(template_ids)
        check_new_ids(ids, self._rows)
        matrix = check_vectors(vectors, len(ids), self.dimension, "vectors")
        if ids:
            self._add(ids, matrix)

    def identify(self, probe: Vector, k: int) -> list[tuple[str, float]]:
        """Up to `k` (template id, cosine score) pairs, best first; ties by template id."""
        check_k(k)
        vector = check_vector(probe, self.dimension, "probe")
        held = len(self)
        if held == 0:
            return []
        if self._index is None:
            scores = self._matrix[: self._high] @ vector
            if self._free:
                scores[self._free] = -np.inf
            take = min(k, held)
            # argpartition puts the `take` largest scores first in O(n); only they are sorted.
            rows = np.argpartition(-scores, take - 1)[:take]
            found = scores[rows]
        else:
            depth = min(max(2 * k, RERANK_DEPTH), held)
            with self._threads():
                _, labels = self._index.search(vector.reshape(1, -1), depth)
            # FAISS pads with label -1 when the visited lists hold fewer than `depth`.
            rows = labels[0][labels[0] >= 0]
            found = self._matrix[rows] @ vector
        ranked = sorted(
            zip((self._ids[r] for r in rows.tolist()), found.tolist(), strict=True),
            key=lambda p: (-p[1], p[0]),
        )
        return ranked[:k]

    def delete(self, template_ids: Iterable[str]) -> int:
        """Remove these templates from the index; ids not held are ignored."""
        rows = [self._rows.pop(i) for i in dict.fromkeys(template_ids) if i in self._rows]
        if not rows:
            return 0
        labels = np.asarray(rows, dtype=np.int64)
        if self._index is not None:
            with self._threads():
                self._index.remove_ids(labels)
        # Art 15: the deleted template's vector does not linger in the matrix.
        self._matrix[labels] = 0.0
        for row in rows:
            self._ids[row] = ""
        self._free.extend(rows)
        return len(rows)

    @contextmanager
    def _threads(self) -> Iterator[None]:
        if self.search_threads is None:
            yield
            return
        # omp_set_num_threads sets the calling thread's own setting (OpenMP ICV).
        previous = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(self.search_threads)
        try:
            yield
        finally:
            faiss.omp_set_num_threads(previous)

    def _add(self, ids: list[str], matrix: npt.NDArray[np.float32]) -> None:
        reused = self._free[len(self._free) - min(len(ids), len(self._free)) :]
        del self._free[len(self._free) - len(reused) :]
        fresh = len(ids) - len(reused)
        self._reserve(self._high + fresh)
        rows = np.concatenate(
            [np.asarray(reused, dtype=np.int64), np.arange(self._high, self._high + fresh)]
        )
        self._matrix[rows] = matrix
        self._ids.extend([""] * fresh)
        self._high += fresh
        for template_id, row in zip(ids, rows.tolist(), strict=True):
            self._ids[row] = template_id
            self._rows[template_id] = row
        if self._index is None:
            if len(self) >= self.train_size:
                self._train()
        elif self.fixed_nlist is None and nlist_for(len(self)) > self._index.nlist:
            self._train()
        else:
            self._index.add_with_ids(matrix, rows)

    def _train(self) -> None:
        """Build the IVF index anew from the held vectors (first training or growth)."""
        live = np.setdiff1d(np.arange(self._high), np.asarray(self._free, dtype=np.int64))
        nlist = self.fixed_nlist or nlist_for(live.size)
        wanted = max(MIN_TRAIN_SIZE, _TRAINING_PER_LIST * nlist)
        sample = np.sort(self._rng.choice(live, min(live.size, wanted), replace=False))
        quantizer = faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexIVFPQFastScan(
            quantizer,
            self.dimension,
            nlist,
            self.dimension // _VALUES_PER_SUBQUANTIZER,
            _BITS_PER_SUBQUANTIZER,
            faiss.METRIC_INNER_PRODUCT,
        )
        index.cp.niter = _KMEANS_ITERATIONS
        index.train(self._matrix[sample])
        for start in range(0, live.size, _ADD_CHUNK):
            rows = live[start : start + _ADD_CHUNK]
            index.add_with_ids(self._matrix[rows], rows)
        if self.fixed_nprobe is not None:
            index.nprobe = min(self.fixed_nprobe, nlist)
        else:
            index.nprobe = max(1, math.ceil(self.probe_fraction * nlist))
        self._quantizer = quantizer
        self._index = index

    def _reserve(self, needed: int) -> None:
        capacity = self._matrix.shape[0]
        if needed <= capacity:
            return
        # Grow by half: amortised O(1) copies per row, at most a third of slack.
        grown = np.zeros((max(needed, capacity + capacity // 2), self.dimension), dtype=np.float32)
        grown[: self._high] = self._matrix[: self._high]
        self._matrix = grown


def faiss_matcher_factory(
    *,
    nlist: int | None = None,
    nprobe: int | None = None,
    train_size: int | None = None,
    probe_fraction: float = DEFAULT_PROBE_FRACTION,
    search_threads: int | None = 1,
) -> MatcherFactory:
    """A factory of FAISS matchers with the same settings, one per gallery and modality."""

    def make(_gallery: Gallery, _modality: Modality, dimension: int, /) -> Matcher:
        return FaissMatcher(
            dimension,
            nlist=nlist,
            nprobe=nprobe,
            train_size=train_size,
            probe_fraction=probe_fraction,
            search_threads=search_threads,
        )

    return make
