"""Back-end fixtures: every sBMS contract test runs on exact NumPy search and on FAISS."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from limes.biometrics import BiometricTemplate, Modality, SyntheticBiometrics, decode
from limes.interop.sbms import MatcherFactory, SharedBiometricMatchingService
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.faiss_index import faiss_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore

SYNTH = SyntheticBiometrics(seed=817)
# Small IVF settings so that the contract tests run the FAISS matcher trained (it
# trains at 39 * nlist = 624 templates) as well as untrained; nprobe 8 of 16 lists
# reaches the true mate for about 99.98% of synthetic probes (measured).
CONTRACT_NLIST = 16
CONTRACT_NPROBE = 8

BACKENDS: dict[str, Callable[[], MatcherFactory]] = {
    "numpy": numpy_matcher_factory,
    "faiss": lambda: faiss_matcher_factory(nlist=CONTRACT_NLIST, nprobe=CONTRACT_NPROBE),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the matcher back-end under test."""
    name: str = request.param
    return name


@pytest.fixture
def service(backend: str) -> SharedBiometricMatchingService:
    """An empty sBMS over the back-end under test and an in-memory store."""
    return SharedBiometricMatchingService(BACKENDS[backend](), MemoryTemplateStore())


def capture(key: str, modality: Modality = Modality.FACE, seed: int = 0) -> BiometricTemplate:
    """A synthetic capture of `key`, reproducible from `seed`."""
    return SYNTH.capture(key, modality, rng=np.random.default_rng([seed, len(key), *key.encode()]))


def vector(key: str, seed: int = 0) -> np.ndarray:
    """The decoded face vector of a synthetic capture."""
    return decode(capture(key, seed=seed).vector, Modality.FACE)
