"""Input checks shared by the matcher back-ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from limes.core.errors import Conflict, FieldError, InvalidRequest
from limes.interop.sbms.ports import Vector

# float32 unit vectors carry rounding of about 1e-7 per value; 1e-3 on the norm
# accepts every encoded template and refuses vectors that were never normalised.
_NORM_TOLERANCE = 1e-3


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
            [
                FieldError(
                    field,
                    f"the vector's norm is {norm:.4f}, not 1; "
                    "encode it with limes.biometrics.encode",
                )
            ],
        )
    return array


def check_new_ids(entries: Sequence[tuple[str, Vector]], held: set[str] | dict[str, int]) -> None:
    """Refuse ids already held or repeated within one insert (an insert never deduplicates)."""
    counts = Counter(template_id for template_id, _ in entries)
    repeated = sorted(i for i, n in counts.items() if n > 1 or i in held)
    if repeated:
        raise Conflict(f"the matcher already holds or was given twice template id(s) {repeated}")


def check_k(k: int) -> None:
    """Refuse a candidate count below 1."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidRequest(
            "Invalid candidate count", [FieldError("k", f"{k!r} is not an integer >= 1")]
        )
