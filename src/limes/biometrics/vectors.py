"""Template vectors: fixed-length, L2-normalised, stored as little-endian float32.

A template is a point on the unit sphere, so the cosine similarity of two templates
is their dot product. The length is the same for every modality today, but it is
kept per modality so that a vendor extractor with another size needs one row here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.errors import FieldError, InvalidRequest

__all__ = [
    "MAX_QUALITY",
    "MIN_QUALITY",
    "TEMPLATE_DIMENSION",
    "TEMPLATE_DIMENSIONS",
    "decode",
    "encode",
    "make_template",
    "parse_modality",
]

# Length of every template vector of the limes template space (synthetic capture and
# the cosine matcher). A design choice of limes, not a legal parameter.
TEMPLATE_DIMENSION = 512
TEMPLATE_DIMENSIONS: Mapping[Modality, int] = MappingProxyType(
    dict.fromkeys(Modality, TEMPLATE_DIMENSION)
)

# Quality scores are 0-100, the range of the unified quality scores of NFIQ 2.0
# (ISO/IEC 29794-4, fingerprints) and of ISO/IEC 29794-5:2025 (faces).
MIN_QUALITY = 0
MAX_QUALITY = 100

_DTYPE = np.dtype("<f4")
_ITEM_SIZE = _DTYPE.itemsize


def _invalid(field: str, reason: str) -> InvalidRequest:
    return InvalidRequest(f"Invalid biometric template {field}", [FieldError(field, reason)])


def parse_modality(modality: Modality | str) -> Modality:
    """Return `modality` as a Modality, or raise InvalidRequest naming the allowed values."""
    if isinstance(modality, Modality):
        return modality
    try:
        return Modality(modality)
    except ValueError:
        allowed = ", ".join(m.value for m in Modality)
        raise _invalid(
            "modality", f"unknown modality {modality!r}; use one of: {allowed}"
        ) from None


def _expected_sizes(modality: Modality | None) -> set[int]:
    if modality is not None:
        return {TEMPLATE_DIMENSIONS[modality]}
    return set(TEMPLATE_DIMENSIONS.values())


def encode(vector: npt.ArrayLike, modality: Modality | None = None) -> bytes:
    """L2-normalise a 1-D vector of the template length and pack it as little-endian float32."""
    sizes = _expected_sizes(modality)
    size_text = " or ".join(str(s) for s in sorted(sizes))
    try:
        array = np.asarray(vector)
    except (TypeError, ValueError) as exc:
        raise _invalid("vector", f"not an array of numbers ({exc})") from None
    if array.dtype.kind not in "iuf":
        raise _invalid(
            "vector", f"expected real numbers, got dtype {array.dtype}; pass floats or integers"
        )
    if array.ndim != 1 or array.shape[0] not in sizes:
        raise _invalid(
            "vector",
            f"expected a 1-D array of {size_text} values, got shape {array.shape}; "
            f"pass one vector of {size_text} numbers",
        )
    values = array.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise _invalid(
            "vector",
            f"{bad.size} value(s) are NaN or infinite (first at index {int(bad[0])}); "
            "every value must be a finite number",
        )
    largest = float(np.max(np.abs(values)))
    if largest == 0.0:
        raise _invalid("vector", "all values are zero; a template needs a non-zero vector")
    # Scale by the largest value first, so squaring cannot overflow or underflow.
    values = values / largest
    norm = float(np.linalg.norm(values))
    return (values / norm).astype(_DTYPE).tobytes()


def decode(data: bytes, modality: Modality | str) -> npt.NDArray[np.float32]:
    """Unpack template bytes into a float32 vector, checking the length for `modality`."""
    expected = TEMPLATE_DIMENSIONS[parse_modality(modality)]
    if len(data) != expected * _ITEM_SIZE:
        raise _invalid(
            "vector",
            f"expected {expected * _ITEM_SIZE} bytes ({expected} float32 values) for "
            f"{modality}, got {len(data)} bytes; encode the vector with limes.biometrics.encode",
        )
    array = np.frombuffer(data, dtype=_DTYPE)
    if not np.all(np.isfinite(array)):
        raise _invalid("vector", "the template holds NaN or infinite values; re-encode it")
    return array.astype(np.float32)


def make_template(
    modality: Modality | str,
    vector: npt.ArrayLike,
    quality: int,
    synthetic: bool = False,
) -> BiometricTemplate:
    """Build a validated template from a raw vector and a 0-100 quality score."""
    checked = parse_modality(modality)
    if isinstance(quality, bool) or not isinstance(quality, int | np.integer):
        raise _invalid("quality", f"expected an integer from 0 to 100, got {quality!r}")
    if not MIN_QUALITY <= int(quality) <= MAX_QUALITY:
        raise _invalid(
            "quality",
            f"{quality} is outside {MIN_QUALITY}-{MAX_QUALITY}; give the quality score "
            "as an integer from 0 to 100",
        )
    return BiometricTemplate(
        modality=checked,
        vector=encode(vector, checked),
        quality=int(quality),
        synthetic=synthetic,
    )
