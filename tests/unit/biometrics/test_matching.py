"""1:1 verification and the decision rule over a set of modalities."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics import (
    DEFAULT_THRESHOLDS,
    EES_CAPTURE,
    FACE_THRESHOLD,
    FINGER_THRESHOLD,
    LEFT_HAND,
    MIN_MATCHING_FINGERS,
    RIGHT_HAND,
    BiometricTemplate,
    CosineVerifier,
    Modality,
    SyntheticBiometrics,
    Verification,
    Verifier,
    make_template,
    verify_best,
)
from limes.core.errors import InvalidRequest

SYNTH = SyntheticBiometrics(seed=11)


def _rng() -> np.random.Generator:
    return np.random.default_rng(5)


def _template(modality: Modality, vector: np.ndarray) -> BiometricTemplate:
    return make_template(modality, vector, 80)


def _with_cosine(modality: Modality, target: float) -> tuple[BiometricTemplate, BiometricTemplate]:
    """Two templates whose cosine similarity is exactly `target`."""
    a = np.zeros(512)
    a[0] = 1.0
    b = np.zeros(512)
    b[0] = target
    b[1] = np.sqrt(1 - target**2)
    return _template(modality, a), _template(modality, b)


def test_thresholds_cover_every_modality() -> None:
    assert set(DEFAULT_THRESHOLDS) == set(Modality)
    assert DEFAULT_THRESHOLDS[Modality.FACE] == FACE_THRESHOLD
    assert all(DEFAULT_THRESHOLDS[m] == FINGER_THRESHOLD for m in RIGHT_HAND + LEFT_HAND)


def test_cosine_verifier_is_a_verifier() -> None:
    verifier: Verifier = CosineVerifier()
    probe, reference = _with_cosine(Modality.FACE, 0.9)
    assert isinstance(verifier.verify(probe, reference), Verification)


def test_match_above_threshold_with_explanation() -> None:
    probe, reference = _with_cosine(Modality.FACE, 0.8)
    result = CosineVerifier().verify(probe, reference)
    assert result.match
    assert result.modality is Modality.FACE
    assert result.score == pytest.approx(0.8, abs=1e-6)
    assert result.threshold == FACE_THRESHOLD
    assert result.explanation == "face: cosine score 0.800 >= threshold 0.300: match"


def test_no_match_below_threshold_with_explanation() -> None:
    probe, reference = _with_cosine(Modality.RIGHT_RING, 0.1)
    result = CosineVerifier().verify(probe, reference)
    assert not result.match
    assert result.explanation == "right_ring: cosine score 0.100 < threshold 0.250: no match"


def test_opposite_templates_score_minus_one() -> None:
    probe, reference = _with_cosine(Modality.FACE, -1.0)
    result = CosineVerifier().verify(probe, reference)
    assert result.score == pytest.approx(-1.0)
    assert not result.match


def test_synthetic_templates_are_labelled_in_the_explanation() -> None:
    probe = SYNTH.capture("ana", Modality.FACE, rng=_rng())
    reference = SYNTH.capture("ana", Modality.FACE, rng=_rng())
    assert CosineVerifier().verify(probe, reference).explanation.endswith("(synthetic templates)")


def test_thresholds_can_be_overridden() -> None:
    probe, reference = _with_cosine(Modality.FACE, 0.8)
    verifier = CosineVerifier({Modality.FACE: 0.9})
    assert verifier.thresholds[Modality.FACE] == 0.9
    assert verifier.thresholds[Modality.RIGHT_INDEX] == FINGER_THRESHOLD
    assert not verifier.verify(probe, reference).match


@pytest.mark.parametrize("threshold", [1.5, -1.0, float("nan")])
def test_impossible_thresholds_are_refused(threshold: float) -> None:
    with pytest.raises(InvalidRequest, match="thresholds/face"):
        CosineVerifier({Modality.FACE: threshold})


def test_mismatched_modalities_are_an_invalid_request() -> None:
    probe = _template(Modality.FACE, np.ones(512))
    reference = _template(Modality.RIGHT_INDEX, np.ones(512))
    with pytest.raises(InvalidRequest) as caught:
        CosineVerifier().verify(probe, reference)
    (error,) = caught.value.errors
    assert error.field == "reference/modality"
    assert "probe is face but reference is right_index" in error.reason


def test_a_corrupt_reference_is_an_invalid_request() -> None:
    probe = _template(Modality.FACE, np.ones(512))
    reference = BiometricTemplate(Modality.FACE, b"\x00" * 12, 50)
    with pytest.raises(InvalidRequest, match="expected 2048 bytes"):
        CosineVerifier().verify(probe, reference)


# --- verify_best ---------------------------------------------------------------------


def _stored(person: str, modalities: tuple[Modality, ...] = EES_CAPTURE) -> list[BiometricTemplate]:
    return list(SYNTH.capture_set(person, modalities, rng=np.random.default_rng(1)))


def _captured(
    person: str, modalities: tuple[Modality, ...] = EES_CAPTURE
) -> list[BiometricTemplate]:
    return list(SYNTH.capture_set(person, modalities, rng=np.random.default_rng(2)))


def test_same_person_all_modalities() -> None:
    check = verify_best(_captured("ana"), _stored("ana"))
    assert check.matched
    assert [r.modality for r in check.results] == list(EES_CAPTURE)
    assert check.not_compared == ()
    assert check.fingers_matched == 4
    assert check.reason.startswith("matched: the face matched")
    assert len(check.explanation()) == 1 + 5


def test_different_people_all_modalities() -> None:
    check = verify_best(_captured("ana"), _stored("bo"))
    assert not check.matched
    assert check.fingers_compared == 4
    assert check.fingers_matched == 0
    assert check.reason.startswith("not matched: the face did not match")
    assert "0 of 4 compared fingers matched (2 needed)" in check.reason


def test_face_only() -> None:
    face = (Modality.FACE,)
    check = verify_best(_captured("ana", face), _stored("ana", face))
    assert check.matched
    assert check.face is not None
    assert check.face.match
    assert "no finger was compared" in check.reason
    assert not verify_best(_captured("ana", face), _stored("bo", face)).matched


def test_fingers_only() -> None:
    check = verify_best(_captured("ana", RIGHT_HAND), _stored("ana", RIGHT_HAND))
    assert check.matched
    assert check.face is None
    assert check.reason.startswith("matched on fingerprints: 4 of 4 compared fingers matched")
    assert check.reason.endswith("the face was not compared")


def test_fingers_outvote_a_face_that_does_not_match() -> None:
    # Rule: the face matches OR at least MIN_MATCHING_FINGERS fingers match.
    probes = [*_captured("bo", (Modality.FACE,)), *_captured("ana", RIGHT_HAND[:2])]
    check = verify_best(probes, _stored("ana"))
    assert check.matched
    assert check.face is not None
    assert not check.face.match
    assert check.fingers_matched == MIN_MATCHING_FINGERS
    assert "the face did not match" in check.reason


def test_one_matching_finger_is_not_enough() -> None:
    probes = [*_captured("ana", RIGHT_HAND[:1]), *_captured("bo", RIGHT_HAND[1:])]
    check = verify_best(probes, _stored("ana", RIGHT_HAND))
    assert not check.matched
    assert check.fingers_matched == 1
    assert "1 of 4 compared fingers matched (2 needed)" in check.reason


def test_min_fingers_can_be_set() -> None:
    probes = _captured("ana", RIGHT_HAND[:1])
    assert verify_best(probes, _stored("ana"), min_fingers=1).matched
    with pytest.raises(InvalidRequest, match="min_fingers"):
        verify_best(probes, _stored("ana"), min_fingers=0)


def test_nothing_comparable_is_not_matched_with_reason() -> None:
    check = verify_best(_captured("ana", (Modality.FACE,)), _stored("ana", RIGHT_HAND))
    assert not check.matched
    assert check.results == ()
    assert check.reason == (
        "not matched: no modality was both captured and stored, so nothing was compared"
    )
    assert [n.modality for n in check.not_compared] == list(EES_CAPTURE)
    assert check.not_compared[0].reason == "captured but no stored template"
    assert check.not_compared[1].reason == "stored but not captured"
    assert "right_index: not compared (stored but not captured)" in check.explanation()


def test_empty_sides_are_not_matched() -> None:
    assert not verify_best([], []).matched
    assert not verify_best([], _stored("ana")).matched
    assert not verify_best(_captured("ana"), []).matched


def test_absent_modalities_are_reported_never_matched() -> None:
    probes = _captured("ana", (Modality.FACE, Modality.LEFT_INDEX))
    check = verify_best(probes, _stored("ana"))
    assert [r.modality for r in check.results] == [Modality.FACE]
    assert {n.modality for n in check.not_compared} == {Modality.LEFT_INDEX, *RIGHT_HAND}
    assert check.fingers_compared == 0


def test_the_best_of_several_references_counts() -> None:
    stored = [*_stored("bo", (Modality.FACE,)), *_stored("ana", (Modality.FACE,))]
    check = verify_best(_captured("ana", (Modality.FACE,)), stored)
    assert check.matched
    assert len(check.results) == 1


def test_a_custom_verifier_is_used() -> None:
    class Never:
        def verify(self, probe: BiometricTemplate, reference: BiometricTemplate) -> Verification:
            return Verification(probe.modality, 0.0, 0.5, False, f"{probe.modality}: never")

    check = verify_best(_captured("ana"), _stored("ana"), Never())
    assert not check.matched
    assert check.explanation()[1] == "face: never"
