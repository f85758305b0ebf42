"""Template vectors: encoding, decoding and template construction."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics import (
    TEMPLATE_DIMENSION,
    TEMPLATE_DIMENSIONS,
    Modality,
    decode,
    encode,
    make_template,
)
from limes.core.errors import InvalidRequest


def _vector(seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(TEMPLATE_DIMENSION)


def test_every_modality_has_a_dimension_of_512() -> None:
    assert set(TEMPLATE_DIMENSIONS) == set(Modality)
    assert set(TEMPLATE_DIMENSIONS.values()) == {512}


def test_round_trip_gives_the_normalised_vector() -> None:
    vector = _vector()
    data = encode(vector)
    assert len(data) == 512 * 4
    decoded = decode(data, Modality.FACE)
    assert decoded.dtype == np.float32
    assert decoded.shape == (512,)
    np.testing.assert_allclose(decoded, vector / np.linalg.norm(vector), rtol=1e-6, atol=1e-7)
    assert float(np.linalg.norm(decoded.astype(np.float64))) == pytest.approx(1.0, abs=1e-6)


def test_bytes_are_little_endian_float32() -> None:
    vector = np.zeros(512)
    vector[0] = 3.0
    data = encode(vector)
    assert data[:4] == np.float32(1.0).astype("<f4").tobytes()
    assert data[4:] == bytes(511 * 4)


def test_integer_vectors_are_accepted() -> None:
    assert decode(encode(np.arange(1, 513)), "right_index").shape == (512,)


def test_huge_finite_values_do_not_overflow() -> None:
    vector = np.full(512, 1e300)
    decoded = decode(encode(vector), Modality.FACE)
    np.testing.assert_allclose(decoded, np.full(512, 1 / np.sqrt(512)), rtol=1e-6)


@pytest.mark.parametrize(
    ("vector", "fragment"),
    [
        pytest.param(np.ones(3), "got shape (3,)", id="too-short"),
        pytest.param(np.ones(513), "got shape (513,)", id="too-long"),
        pytest.param(np.ones((2, 512)), "1-D array of 512", id="two-dimensional"),
        pytest.param(np.zeros(512), "all values are zero", id="zero"),
        pytest.param(np.array(["a"] * 512), "expected real numbers", id="strings"),
        pytest.param(np.ones(512, dtype=complex), "expected real numbers", id="complex"),
    ],
)
def test_encode_rejects_bad_vectors(vector: np.ndarray, fragment: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        encode(vector)
    assert caught.value.errors[0].field == "vector"
    assert fragment in caught.value.errors[0].reason


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_encode_rejects_non_finite_values_and_says_where(bad: float) -> None:
    vector = _vector()
    vector[7] = bad
    with pytest.raises(InvalidRequest) as caught:
        encode(vector)
    (error,) = caught.value.errors
    assert error.field == "vector"
    assert "first at index 7" in error.reason
    assert "finite" in error.reason


def test_decode_rejects_a_wrong_length() -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode(b"\x00" * 100, Modality.LEFT_RING)
    (error,) = caught.value.errors
    assert error.field == "vector"
    assert "expected 2048 bytes" in error.reason
    assert "got 100 bytes" in error.reason


def test_decode_rejects_nan_bytes() -> None:
    data = np.full(512, np.nan, dtype="<f4").tobytes()
    with pytest.raises(InvalidRequest, match="NaN"):
        decode(data, Modality.FACE)


def test_decode_rejects_an_unknown_modality() -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode(encode(_vector()), "iris")
    assert caught.value.errors[0].field == "modality"
    assert "right_index" in caught.value.errors[0].reason


def test_make_template() -> None:
    template = make_template("face", _vector(), 77)
    assert template.modality is Modality.FACE
    assert template.quality == 77
    assert template.synthetic is False
    assert template.vector == encode(_vector())
    assert make_template(Modality.RIGHT_INDEX, _vector(), 0, synthetic=True).synthetic


@pytest.mark.parametrize("quality", [-1, 101, 255, 50.0, True, "80", None])
def test_make_template_rejects_a_bad_quality(quality: object) -> None:
    with pytest.raises(InvalidRequest) as caught:
        make_template(Modality.FACE, _vector(), quality)  # type: ignore[arg-type]
    (error,) = caught.value.errors
    assert error.field == "quality"
    assert "0 to 100" in error.reason


def test_make_template_checks_the_vector() -> None:
    with pytest.raises(InvalidRequest, match="vector"):
        make_template(Modality.FACE, np.ones(10), 50)
