"""SYNTHETIC biometric capture for demos, simulations and tests: no real person's data.

Every person key has, per modality, a fixed reference direction on the unit sphere of
the limes template space, derived from a BLAKE2b hash of (seed, modality, key), so it
is the same in every process and on every machine. A capture adds Gaussian noise to
that direction. Every template made here has `synthetic=True`.

The space is isotropic: templates of different people score about N(0, 1/512) by
cosine, and two captures of the same person with noise `s` each score about
1 / (1 + s**2) (0.94 at the default 0.25).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from limes.biometrics.templates import RIGHT_HAND, BiometricTemplate, Modality
from limes.biometrics.vectors import (
    MAX_QUALITY,
    MIN_QUALITY,
    TEMPLATE_DIMENSIONS,
    make_template,
    parse_modality,
)
from limes.core.errors import FieldError, InvalidRequest

__all__ = [
    "DEFAULT_CAPTURE_NOISE",
    "EES_CAPTURE",
    "SyntheticBiometrics",
]

# Relative size of the capture noise: the expected L2 norm of the noise added to the
# unit reference vector. Tuned with the CosineVerifier thresholds (see the FMR/FNMR test).
DEFAULT_CAPTURE_NOISE = 0.25
# The seed of the demo's synthetic people: the border desk captures them with it, so a
# page that captures "live" for the demo finds the same person the desk enrolled.
DEMO_SEED = 2026
# What an EES border check captures from a visa-exempt traveller: the face and four
# fingers of the right hand (Reg. (EU) 2017/2226 Art 17; see `templates.Modality`).
EES_CAPTURE: tuple[Modality, ...] = (Modality.FACE, *RIGHT_HAND)

# Plausible quality for a given noise: about 90 for a clean capture, falling by 60
# points per unit of noise, with a spread of a few points.
_QUALITY_AT_ZERO_NOISE = 90.0
_QUALITY_LOSS_PER_NOISE = 60.0
_QUALITY_SPREAD = 4.0

_HASH_PERSON = b"limes.biometrics"  # BLAKE2b personalisation: 16 bytes
_SEPARATOR = "\x1f"


def _derived_seed(*parts: str) -> int:
    text = _SEPARATOR.join(parts).encode("utf-8")
    digest = hashlib.blake2b(text, digest_size=16, person=_HASH_PERSON).digest()
    return int.from_bytes(digest, "little")


class SyntheticBiometrics:
    """A clearly labelled synthetic capture device; the same seed gives the same people."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._rng = np.random.default_rng(_derived_seed(str(seed), "capture-noise"))

    def __repr__(self) -> str:
        return f"SyntheticBiometrics(seed={self.seed})"

    def reference_vector(
        self, person_key: str, modality: Modality | str
    ) -> npt.NDArray[np.float64]:
        """The person's noise-free unit vector for `modality`, the same in every process."""
        checked = parse_modality(modality)
        rng = np.random.default_rng(_derived_seed(str(self.seed), checked.value, person_key))
        vector = rng.standard_normal(TEMPLATE_DIMENSIONS[checked])
        unit: npt.NDArray[np.float64] = vector / np.linalg.norm(vector)
        return unit

    def capture(
        self,
        person_key: str,
        modality: Modality | str,
        *,
        noise: float = DEFAULT_CAPTURE_NOISE,
        quality: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> BiometricTemplate:
        """One noisy synthetic capture of the person's `modality`, labelled synthetic."""
        if not (math.isfinite(noise) and noise >= 0.0):
            raise InvalidRequest(
                "Invalid synthetic capture",
                [FieldError("noise", f"{noise!r} is not a finite number >= 0")],
            )
        checked = parse_modality(modality)
        generator = rng if rng is not None else self._rng
        reference = self.reference_vector(person_key, checked)
        size = reference.shape[0]
        captured = reference + generator.standard_normal(size) * (noise / math.sqrt(size))
        if quality is None:
            mean = _QUALITY_AT_ZERO_NOISE - _QUALITY_LOSS_PER_NOISE * noise
            drawn = round(generator.normal(mean, _QUALITY_SPREAD))
            quality = min(MAX_QUALITY, max(MIN_QUALITY, drawn))
        return make_template(checked, captured, quality, synthetic=True)

    def capture_set(
        self,
        person_key: str,
        modalities: Iterable[Modality | str] = EES_CAPTURE,
        *,
        noise: float = DEFAULT_CAPTURE_NOISE,
        quality: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> tuple[BiometricTemplate, ...]:
        """One synthetic capture per modality (by default the face and the right hand)."""
        return tuple(
            self.capture(person_key, m, noise=noise, quality=quality, rng=rng) for m in modalities
        )
