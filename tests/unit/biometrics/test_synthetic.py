"""Synthetic capture: labelling, stability across processes, and matching error rates."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from limes.biometrics import (
    DEFAULT_CAPTURE_NOISE,
    EES_CAPTURE,
    MIN_MATCHING_FINGERS,
    BiometricTemplate,
    CosineVerifier,
    Modality,
    QualityPurpose,
    SyntheticBiometrics,
    check_quality,
    decode,
    verify_best,
)
from limes.core.errors import InvalidRequest


def test_reference_vector_is_a_unit_vector_per_key_modality_and_seed() -> None:
    synth = SyntheticBiometrics()
    face = synth.reference_vector("ana", Modality.FACE)
    assert face.shape == (512,)
    assert float(np.linalg.norm(face)) == pytest.approx(1.0)
    assert not np.allclose(face, synth.reference_vector("ana", Modality.RIGHT_INDEX))
    assert not np.allclose(face, synth.reference_vector("bo", Modality.FACE))
    assert not np.allclose(face, SyntheticBiometrics(seed=1).reference_vector("ana", "face"))


def test_reference_vector_is_stable_for_a_fresh_object() -> None:
    first = SyntheticBiometrics(seed=3)
    first.capture("ana", Modality.FACE)  # consuming capture noise changes nothing
    np.testing.assert_array_equal(
        first.reference_vector("ana", Modality.FACE),
        SyntheticBiometrics(seed=3).reference_vector("ana", Modality.FACE),
    )


def test_reference_vector_is_stable_across_processes() -> None:
    code = (
        "from limes.biometrics import SyntheticBiometrics;"
        "print(SyntheticBiometrics(seed=7).reference_vector('ÅSA-42', 'left_ring').tobytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    here = SyntheticBiometrics(seed=7).reference_vector("ÅSA-42", Modality.LEFT_RING)
    assert bytes.fromhex(out.stdout.strip()) == here.tobytes()


def test_capture_is_labelled_synthetic_with_a_plausible_quality() -> None:
    template = SyntheticBiometrics().capture("ana", Modality.RIGHT_INDEX)
    assert template.synthetic
    assert template.modality is Modality.RIGHT_INDEX
    assert 60 <= template.quality <= 90
    assert check_quality(template, QualityPurpose.ENROLMENT).acceptable


def test_noisier_captures_have_lower_quality() -> None:
    synth = SyntheticBiometrics()
    rng = np.random.default_rng(0)
    clean = [synth.capture("ana", "face", noise=0.1, rng=rng).quality for _ in range(50)]
    noisy = [synth.capture("ana", "face", noise=1.2, rng=rng).quality for _ in range(50)]
    assert min(clean) > max(noisy)
    assert all(0 <= q <= 100 for q in clean + noisy)


def test_capture_noise_is_reproducible_by_seed() -> None:
    a = SyntheticBiometrics(seed=4).capture("ana", Modality.FACE)
    b = SyntheticBiometrics(seed=4).capture("ana", Modality.FACE)
    c = SyntheticBiometrics(seed=4).capture("ana", Modality.FACE, rng=np.random.default_rng(9))
    assert a == b
    assert a.vector != c.vector


def test_zero_noise_captures_the_reference() -> None:
    synth = SyntheticBiometrics()
    template = synth.capture("ana", Modality.FACE, noise=0.0, quality=99)
    assert template.quality == 99
    np.testing.assert_allclose(
        decode(template.vector, Modality.FACE),
        synth.reference_vector("ana", Modality.FACE),
        atol=1e-6,
    )


@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf")])
def test_bad_noise_is_refused(noise: float) -> None:
    with pytest.raises(InvalidRequest, match="noise"):
        SyntheticBiometrics().capture("ana", Modality.FACE, noise=noise)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="modality"):
        SyntheticBiometrics().capture("ana", "iris")
    with pytest.raises(InvalidRequest, match="quality"):
        SyntheticBiometrics().capture("ana", Modality.FACE, quality=101)


def test_capture_set_defaults_to_face_and_right_hand() -> None:
    templates = SyntheticBiometrics().capture_set("ana")
    assert tuple(t.modality for t in templates) == EES_CAPTURE
    assert all(t.synthetic for t in templates)


# --- error rates -------------------------------------------------------------------

PEOPLE = 500


def _matrix(templates: list[tuple[BiometricTemplate, ...]], modality: Modality) -> np.ndarray:
    index = EES_CAPTURE.index(modality)
    return np.stack([decode(t[index].vector, modality) for t in templates]).astype(np.float64)


@pytest.mark.parametrize("noise", [DEFAULT_CAPTURE_NOISE, 0.8])
def test_false_match_and_false_non_match_rates(noise: float) -> None:
    """FMR < 0.1% and FNMR < 1% for the verify_best decision on 500 synthetic people."""
    synth = SyntheticBiometrics(seed=2026)
    keys = [f"person-{i:04d}" for i in range(PEOPLE)]
    enrol_rng, probe_rng = np.random.default_rng(1), np.random.default_rng(2)
    stored = [synth.capture_set(k, noise=noise, rng=enrol_rng) for k in keys]
    captured = [synth.capture_set(k, noise=noise, rng=probe_rng) for k in keys]

    # Genuine attempts through the real decision function.
    non_matches = sum(not verify_best(c, s).matched for c, s in zip(captured, stored, strict=True))
    fnmr = non_matches / PEOPLE

    # Impostor attempts (every probe against every other person, 249,500 pairs): the
    # scores are one matrix product per modality, and the rule is that of verify_best.
    thresholds = CosineVerifier().thresholds
    off_diagonal = ~np.eye(PEOPLE, dtype=bool)
    face_match = np.zeros((PEOPLE, PEOPLE), dtype=bool)
    fingers = np.zeros((PEOPLE, PEOPLE), dtype=int)
    for modality in EES_CAPTURE:
        scores = _matrix(captured, modality) @ _matrix(stored, modality).T
        matched = scores >= thresholds[modality]
        if modality.is_finger:
            fingers += matched
        else:
            face_match = matched
    accepted = (face_match | (fingers >= MIN_MATCHING_FINGERS))[off_diagonal]
    fmr = float(accepted.mean())

    # The matrix rule agrees with verify_best on a sample of impostor pairs.
    rng = np.random.default_rng(3)
    for i, j in rng.integers(0, PEOPLE, size=(200, 2)):
        if i != j:
            check = verify_best(captured[i], stored[j])
            assert check.matched == bool(face_match[i, j] or fingers[i, j] >= MIN_MATCHING_FINGERS)

    assert fmr < 0.001, f"FMR {fmr:.5f}"
    assert fnmr < 0.01, f"FNMR {fnmr:.5f}"
