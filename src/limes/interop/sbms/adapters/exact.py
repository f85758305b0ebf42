"""Exact 1:N search with NumPy: the cosine of unit vectors is their dot product.

The gallery is one dense float32 matrix whose capacity grows by half when full, so
inserts cost amortised O(1) copies per row and at most a third of it is slack. A deletion moves the last row into the freed
one (swap-remove) and updates the id<->row maps, so it costs O(1) per id and the
matrix never holds holes that a search would have to skip. Search is one
matrix-vector product (O(n d)) and `argpartition` for the top k (O(n)), then a sort
of only those k. Over 1,000,000 templates of 512 values the product reads 2 GB, so
it is bound by memory bandwidth: 45 to 100 ms a probe on the shared two-core machine
of bench/sbms.py, depending on what else runs there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from limes.biometrics.templates import Modality
from limes.interop.sbms.adapters._checks import (
    check_k,
    check_new_ids,
    check_vector,
    check_vectors,
)
from limes.interop.sbms.models import Gallery
from limes.interop.sbms.ports import Matcher, MatcherFactory, Vector

__all__ = ["NumpyMatcher", "numpy_matcher_factory"]

_INITIAL_CAPACITY = 1024


class NumpyMatcher:
    """`Matcher` by exhaustive dot products over a dense float32 matrix."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._matrix = np.zeros((_INITIAL_CAPACITY, dimension), dtype=np.float32)
        self._size = 0
        self._ids: list[str] = []  # row -> template id, for rows below _size
        self._rows: dict[str, int] = {}  # template id -> row

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """Bytes of the vector matrix, spare capacity included (not the id maps)."""
        return int(self._matrix.nbytes)

    def insert(self, entries: Sequence[tuple[str, Vector]]) -> None:
        """Add (template id, unit vector) pairs; all or none."""
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
        if self._size == 0:
            return []
        scores = self._matrix[: self._size] @ vector
        take = min(k, self._size)
        # argpartition puts the `take` largest scores first in O(n); only they are sorted.
        top = np.argpartition(-scores, take - 1)[:take]
        ranked = sorted(
            ((self._ids[r], float(scores[r])) for r in top), key=lambda p: (-p[1], p[0])
        )
        return ranked

    def delete(self, template_ids: Iterable[str]) -> int:
        """Remove these templates by swap-remove; ids not held are ignored."""
        removed = 0
        for template_id in template_ids:
            row = self._rows.pop(template_id, None)
            if row is None:
                continue
            last = self._size - 1
            if row != last:
                # Move the last row into the hole so the live rows stay 0.._size-1.
                moved = self._ids[last]
                self._matrix[row] = self._matrix[last]
                self._ids[row] = moved
                self._rows[moved] = row
            self._ids.pop()
            self._size = last
            removed += 1
        return removed

    def _add(self, ids: list[str], matrix: npt.NDArray[np.float32]) -> None:
        start = self._size
        self._reserve(start + len(ids))
        self._matrix[start : start + len(ids)] = matrix
        self._ids.extend(ids)
        self._rows.update(zip(ids, range(start, start + len(ids)), strict=True))
        self._size += len(ids)

    def _reserve(self, needed: int) -> None:
        capacity = self._matrix.shape[0]
        if needed <= capacity:
            return
        grown = np.zeros((max(needed, capacity + capacity // 2), self.dimension), dtype=np.float32)
        grown[: self._size] = self._matrix[: self._size]
        self._matrix = grown


def numpy_matcher_factory() -> MatcherFactory:
    """A factory of exact NumPy matchers, one per gallery and modality."""

    def make(_gallery: Gallery, _modality: Modality, dimension: int, /) -> Matcher:
        return NumpyMatcher(dimension)

    return make
