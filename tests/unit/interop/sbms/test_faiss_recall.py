"""FAISS IVF recall against the true mate on a 5,000-person synthetic gallery."""

from __future__ import annotations

import numpy as np

from limes.biometrics import DEFAULT_CAPTURE_NOISE, TEMPLATE_DIMENSION, Modality, decode
from limes.interop.sbms.adapters.faiss_index import DEFAULT_NLIST, DEFAULT_NPROBE, FaissMatcher
from tests.unit.interop.sbms.conftest import SYNTH

GALLERY = 5_000
MIN_RECALL = 0.99


def _capture(key: str, rng: np.random.Generator) -> np.ndarray:
    template = SYNTH.capture(key, Modality.FACE, noise=DEFAULT_CAPTURE_NOISE, rng=rng)
    return decode(template.vector, Modality.FACE)


def test_faiss_finds_the_true_mate_first_for_99_percent_of_probes() -> None:
    rng = np.random.default_rng(2019_817)
    matcher = FaissMatcher(TEMPLATE_DIMENSION, nlist=DEFAULT_NLIST, nprobe=DEFAULT_NPROBE)
    keys = [f"person-{i}" for i in range(GALLERY)]
    matcher.insert([(key, _capture(key, rng)) for key in keys])
    assert matcher.trained  # the IVF index, not the flat one, is under test
    hits = sum(matcher.identify(_capture(key, rng), 1)[0][0] == key for key in keys)
    assert hits / GALLERY >= MIN_RECALL
