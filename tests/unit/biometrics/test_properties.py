"""Property tests of encoding and verification."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from limes.biometrics import CosineVerifier, Modality, decode, encode, make_template

VECTORS = arrays(
    np.float64,
    512,
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)
MODALITIES = st.sampled_from(list(Modality))
VERIFIER = CosineVerifier()


@settings(max_examples=100, deadline=None)
@given(VECTORS, VECTORS, MODALITIES)
def test_verify_is_symmetric(a: np.ndarray, b: np.ndarray, modality: Modality) -> None:
    assume(np.any(a != 0) and np.any(b != 0))
    x, y = make_template(modality, a, 50), make_template(modality, b, 50)
    forward, backward = VERIFIER.verify(x, y), VERIFIER.verify(y, x)
    assert forward.score == backward.score
    assert forward.match == backward.match
    assert -1.0 <= forward.score <= 1.0


@settings(max_examples=100, deadline=None)
@given(VECTORS, MODALITIES)
def test_a_template_always_matches_itself(a: np.ndarray, modality: Modality) -> None:
    assume(np.any(a != 0))
    template = make_template(modality, a, 50)
    result = VERIFIER.verify(template, template)
    assert result.match
    assert abs(result.score - 1.0) < 1e-5


@settings(max_examples=100, deadline=None)
@given(VECTORS, st.floats(1e-3, 1e3))
def test_encoding_is_unit_length_and_scale_invariant(a: np.ndarray, scale: float) -> None:
    assume(np.any(a != 0))
    decoded = decode(encode(a), Modality.FACE).astype(np.float64)
    assert abs(float(np.linalg.norm(decoded)) - 1.0) < 1e-5
    np.testing.assert_allclose(decode(encode(a * scale), Modality.FACE), decoded, atol=1e-6)
