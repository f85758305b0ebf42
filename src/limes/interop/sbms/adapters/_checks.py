"""Input checks shared by the matcher back-ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Sequence

import numpy as np
import numpy.typing as npt

from limes.core.errors import Conflict, FieldError, InvalidRequest
from limes.interop.sbms.ports import Vector

# float32 unit vectors carry rounding of about 1e-7 per value; 1e-3 on the norm
# accepts every encoded template and refuses vectors that were never normalised.
_NORM_TOLERANCE = 1e-3

_NOT_NORMALISED = "not 1; encode it with limes.biometrics.encode"


def check_vector(vector: Vector, dimension: int, field: str) -> Vector:
    """Return `vector` as a contiguous float32 row, or raise InvalidRequest if it is not a unit vector of `dimension`."""
    array = np.ascontiguousarray(vector, dtype=np.float32)
    if array.shape != (dimension,):
        raise InvalidRequest(
            "Invalid template vector",
            [FieldError(field, f"expected {dimension} values, got shape {array.shape}")],
        )
    norm = float(np.linalg.norm(array))
    if not abs(norm - 1.0) <= _NORM_TOLERANCE:
        raise InvalidRequest(
            "Invalid template vector",
            [FieldError(field, f"the vector's norm is {norm:.4f}, {_NOT_NORMALISED}")],
        )
    return array


def check_vectors(
    vectors: npt.ArrayLike, count: int, dimension: int, field: str
) -> npt.NDArray[np.float32]:
    """Return `vectors` as a contiguous float32 matrix of `count` unit rows, or raise InvalidRequest."""
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.shape != (count, dimension):
        raise InvalidRequest(
            "Invalid template vectors",
            [
                FieldError(
                    field,
                    f"expected {count} rows of {dimension} values (one per template id), "
                    f"got shape {array.shape}",
                )
            ],
        )
    norms = np.sqrt(np.einsum("ij,ij->i", array, array, dtype=np.float64))
    # Written as "not within" so that a NaN norm is refused too.
    bad = np.flatnonzero(~(np.abs(norms - 1.0) <= _NORM_TOLERANCE))
    if bad.size:
        row = int(bad[0])
        raise InvalidRequest(
            "Invalid template vectors",
            [
                FieldError(
                    f"{field}/{row}",
                    f"the vector's norm is {norms[row]:.4f}, {_NOT_NORMALISED}"
                    + (f" ({bad.size} rows are)" if bad.size > 1 else ""),
                )
            ],
        )
    return array


def check_new_ids(template_ids: Sequence[str], held: Container[str]) -> None:
    """Refuse ids already held or repeated within one insert (an insert never deduplicates)."""
    counts = Counter(template_ids)
    repeated = sorted(i for i, n in counts.items() if n > 1 or i in held)
    if repeated:
        raise Conflict(f"the matcher already holds or was given twice template id(s) {repeated}")


def check_k(k: int) -> None:
    """Refuse a candidate count below 1."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidRequest(
            "Invalid candidate count", [FieldError("k", f"{k!r} is not an integer >= 1")]
        )
