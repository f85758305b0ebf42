"""Biometric templates, quality, matching and synthetic capture.

Templates are fixed-length vectors. The synthetic capture used by the demo and the
tests is labelled as such on every template it makes; real templates from a vendor
extractor go through the same interfaces unchanged.
"""

from limes.biometrics.matching import (
    DEFAULT_THRESHOLDS,
    FACE_THRESHOLD,
    FINGER_THRESHOLD,
    MIN_MATCHING_FINGERS,
    BiometricCheck,
    CosineVerifier,
    NotCompared,
    Verification,
    Verifier,
    cosine,
    verify_best,
)
from limes.biometrics.quality import (
    ENROLMENT_MINIMUM_QUALITY,
    MINIMUM_QUALITY,
    VERIFICATION_MINIMUM_QUALITY,
    QualityPurpose,
    QualityVerdict,
    check_quality,
    minimum_quality,
)
from limes.biometrics.synthetic import DEFAULT_CAPTURE_NOISE, EES_CAPTURE, SyntheticBiometrics
from limes.biometrics.templates import LEFT_HAND, RIGHT_HAND, BiometricTemplate, Modality
from limes.biometrics.vectors import (
    TEMPLATE_DIMENSION,
    TEMPLATE_DIMENSIONS,
    decode,
    encode,
    make_template,
    parse_modality,
)

__all__ = [
    "DEFAULT_CAPTURE_NOISE",
    "DEFAULT_THRESHOLDS",
    "EES_CAPTURE",
    "ENROLMENT_MINIMUM_QUALITY",
    "FACE_THRESHOLD",
    "FINGER_THRESHOLD",
    "LEFT_HAND",
    "MINIMUM_QUALITY",
    "MIN_MATCHING_FINGERS",
    "RIGHT_HAND",
    "TEMPLATE_DIMENSION",
    "TEMPLATE_DIMENSIONS",
    "VERIFICATION_MINIMUM_QUALITY",
    "BiometricCheck",
    "BiometricTemplate",
    "CosineVerifier",
    "Modality",
    "NotCompared",
    "QualityPurpose",
    "QualityVerdict",
    "SyntheticBiometrics",
    "Verification",
    "Verifier",
    "check_quality",
    "cosine",
    "decode",
    "encode",
    "make_template",
    "minimum_quality",
    "parse_modality",
    "verify_best",
]
