"""Biometric quality gates for enrolment and verification.

What the law says, and what it leaves open:

* EES fingerprints: Commission Implementing Decision (EU) 2019/329 (specifications for
  the quality, resolution and use of fingerprints and facial image in the EES)
  requires NFIQ 2.0 (or a newer version) to assess fingerprint quality at enrolment,
  and recommends NFIQ 2.0, or a metric correlated with it, at verification. NFIQ 2.0
  gives the ISO/IEC 29794-4 unified quality score, from 0 to 100.
* EES facial images: Reg. (EU) 2017/2226 Art 15 requires a live facial image of
  sufficient quality for automated biometric matching. limes reads face quality as
  the ISO/IEC 29794-5:2025 unified quality score (0-100; OFIQ is its reference
  implementation).
* The numeric minimum scores are not in the published acts: they sit in the EES
  technical specifications, which are not public. The minima below are therefore
  limes policy values, chosen so that captures which pass them match reliably in the
  limes template space; they are data, so a deployment changes a row, not code.

A verdict is a value: a capture below the minimum is an outcome ("recapture"), not
an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from limes.biometrics.templates import BiometricTemplate, Modality

__all__ = [
    "ENROLMENT_MINIMUM_QUALITY",
    "FACE_QUALITY_SCALE",
    "FINGER_QUALITY_SCALE",
    "MINIMUM_QUALITY",
    "VERIFICATION_MINIMUM_QUALITY",
    "QualityPurpose",
    "QualityVerdict",
    "check_quality",
    "minimum_quality",
]

# Impl. Decision (EU) 2019/329: NFIQ 2.0 or newer at enrolment, recommended at
# verification.
FINGER_QUALITY_SCALE = "NFIQ 2.0, ISO/IEC 29794-4"
# EES Reg. (EU) 2017/2226 Art 15: sufficient quality for automated matching.
FACE_QUALITY_SCALE = "ISO/IEC 29794-5 unified quality score"


class QualityPurpose(StrEnum):
    """Why a template is captured: to be stored (enrolment) or to be compared (verification)."""

    ENROLMENT = "enrolment"
    VERIFICATION = "verification"


# limes policy minima (the act sets the scale, not the numbers; see the module docstring).
# Enrolment is stricter than verification: a stored template is compared for years.
_FINGER_ENROLMENT_MINIMUM = 40
_FINGER_VERIFICATION_MINIMUM = 20
_FACE_ENROLMENT_MINIMUM = 50
_FACE_VERIFICATION_MINIMUM = 30

ENROLMENT_MINIMUM_QUALITY: Mapping[Modality, int] = MappingProxyType(
    {m: _FINGER_ENROLMENT_MINIMUM if m.is_finger else _FACE_ENROLMENT_MINIMUM for m in Modality}
)
VERIFICATION_MINIMUM_QUALITY: Mapping[Modality, int] = MappingProxyType(
    {
        m: _FINGER_VERIFICATION_MINIMUM if m.is_finger else _FACE_VERIFICATION_MINIMUM
        for m in Modality
    }
)
MINIMUM_QUALITY: Mapping[QualityPurpose, Mapping[Modality, int]] = MappingProxyType(
    {
        QualityPurpose.ENROLMENT: ENROLMENT_MINIMUM_QUALITY,
        QualityPurpose.VERIFICATION: VERIFICATION_MINIMUM_QUALITY,
    }
)


@dataclass(frozen=True, slots=True)
class QualityVerdict:
    """Whether a template's quality is enough for a purpose, with the reason shown to the officer."""

    acceptable: bool
    score: int
    minimum: int
    reason: str


def minimum_quality(modality: Modality, purpose: QualityPurpose) -> int:
    """The lowest acceptable 0-100 quality score for `modality` when captured for `purpose`."""
    return MINIMUM_QUALITY[QualityPurpose(purpose)][Modality(modality)]


def _scale(modality: Modality) -> str:
    return FINGER_QUALITY_SCALE if modality.is_finger else FACE_QUALITY_SCALE


def check_quality(template: BiometricTemplate, purpose: QualityPurpose) -> QualityVerdict:
    """Judge the template's quality against the minimum for its modality and `purpose`."""
    purpose = QualityPurpose(purpose)
    modality = Modality(template.modality)
    minimum = minimum_quality(modality, purpose)
    score = template.quality
    scale = _scale(modality)
    if score >= minimum:
        reason = f"{modality} quality {score} meets the {purpose} minimum of {minimum} ({scale})"
        return QualityVerdict(acceptable=True, score=score, minimum=minimum, reason=reason)
    reason = (
        f"{modality} quality {score} is below the {purpose} minimum of {minimum} "
        f"({scale}); capture it again"
    )
    return QualityVerdict(acceptable=False, score=score, minimum=minimum, reason=reason)
