"""Quality verdicts for enrolment and verification."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics import (
    ENROLMENT_MINIMUM_QUALITY,
    MINIMUM_QUALITY,
    VERIFICATION_MINIMUM_QUALITY,
    Modality,
    QualityPurpose,
    check_quality,
    make_template,
    minimum_quality,
)

VECTOR = np.ones(512)


def test_every_modality_has_a_minimum_for_each_purpose() -> None:
    for purpose in QualityPurpose:
        assert set(MINIMUM_QUALITY[purpose]) == set(Modality)
        assert all(0 <= v <= 100 for v in MINIMUM_QUALITY[purpose].values())


def test_enrolment_is_at_least_as_strict_as_verification() -> None:
    for modality in Modality:
        assert ENROLMENT_MINIMUM_QUALITY[modality] >= VERIFICATION_MINIMUM_QUALITY[modality]


def test_minimum_quality_reads_the_tables() -> None:
    assert minimum_quality(Modality.FACE, QualityPurpose.ENROLMENT) == 50
    assert minimum_quality(Modality.LEFT_LITTLE, QualityPurpose.VERIFICATION) == 20


@pytest.mark.parametrize(
    ("modality", "purpose", "score", "acceptable"),
    [
        (Modality.RIGHT_INDEX, QualityPurpose.ENROLMENT, 40, True),
        (Modality.RIGHT_INDEX, QualityPurpose.ENROLMENT, 39, False),
        (Modality.RIGHT_INDEX, QualityPurpose.VERIFICATION, 20, True),
        (Modality.RIGHT_INDEX, QualityPurpose.VERIFICATION, 19, False),
        (Modality.FACE, QualityPurpose.ENROLMENT, 50, True),
        (Modality.FACE, QualityPurpose.ENROLMENT, 49, False),
        (Modality.FACE, QualityPurpose.VERIFICATION, 30, True),
        (Modality.FACE, QualityPurpose.VERIFICATION, 0, False),
    ],
)
def test_verdict_at_the_boundary(
    modality: Modality, purpose: QualityPurpose, score: int, acceptable: bool
) -> None:
    verdict = check_quality(make_template(modality, VECTOR, score), purpose)
    assert verdict.acceptable is acceptable
    assert verdict.score == score
    assert verdict.minimum == minimum_quality(modality, purpose)


def test_a_poor_fingerprint_is_an_outcome_with_a_reason() -> None:
    verdict = check_quality(
        make_template(Modality.RIGHT_MIDDLE, VECTOR, 12), QualityPurpose.ENROLMENT
    )
    assert not verdict.acceptable
    assert verdict.reason == (
        "right_middle quality 12 is below the enrolment minimum of 40 "
        "(NFIQ 2.0, ISO/IEC 29794-4); capture it again"
    )


def test_a_good_face_names_its_scale() -> None:
    verdict = check_quality(make_template(Modality.FACE, VECTOR, 88), QualityPurpose.VERIFICATION)
    assert verdict.acceptable
    assert "ISO/IEC 29794-5" in verdict.reason
    assert "meets the verification minimum of 30" in verdict.reason
