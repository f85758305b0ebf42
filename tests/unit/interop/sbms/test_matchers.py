"""The `Matcher` port contract (MOSIP ABIS insert/identify/delete), on both back-ends."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.biometrics import TEMPLATE_DIMENSION
from limes.core.errors import Conflict, InvalidRequest
from limes.interop.sbms import Matcher
from limes.interop.sbms.adapters.exact import NumpyMatcher
from limes.interop.sbms.adapters.faiss_index import FaissMatcher
from tests.unit.interop.sbms.conftest import CONTRACT_NLIST, CONTRACT_NPROBE, vector

MATCHERS: dict[str, Callable[[], Matcher]] = {
    "numpy": lambda: NumpyMatcher(TEMPLATE_DIMENSION),
    "faiss": lambda: FaissMatcher(TEMPLATE_DIMENSION, nlist=CONTRACT_NLIST, nprobe=CONTRACT_NPROBE),
}


@pytest.fixture(params=sorted(MATCHERS))
def matcher(request: pytest.FixtureRequest) -> Matcher:
    """An empty matcher of the back-end under test."""
    return MATCHERS[request.param]()


def _people(n: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    return [(f"t{i}", vector(f"person-{i}", seed)) for i in range(n)]


def test_identify_ranks_the_mate_first_with_its_cosine(matcher: Matcher) -> None:
    matcher.insert(_people(50))
    probe = vector("person-7", seed=1)
    ranked = matcher.identify(probe, 3)
    assert ranked[0][0] == "t7"
    assert ranked[0][1] == pytest.approx(float(probe @ vector("person-7")), abs=1e-5)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    assert len(ranked) == 3


def test_empty_matcher_finds_nothing_and_k_is_capped(matcher: Matcher) -> None:
    assert matcher.identify(vector("a"), 5) == []
    matcher.insert(_people(2))
    assert len(matcher.identify(vector("a"), 5)) == 2


def test_delete_removes_from_len_and_results(matcher: Matcher) -> None:
    matcher.insert(_people(10))
    assert matcher.delete(["t3", "t0", "missing", "t3"]) == 2
    assert len(matcher) == 8
    found = {template_id for template_id, _ in matcher.identify(vector("person-3"), 10)}
    assert found == {f"t{i}" for i in range(10)} - {"t0", "t3"}
    # Deleting templates whose rows moved in a swap-remove must still hit the right rows.
    assert matcher.delete(["t9", "t8"]) == 2
    survivors = {f"t{i}" for i in (1, 2, 4, 5, 6, 7)}
    assert {i for i, _ in matcher.identify(vector("person-1"), 10)} == survivors
    for name in survivors:
        assert matcher.identify(vector(f"person-{name[1:]}"), 1)[0][0] == name


def test_duplicate_ids_are_refused_and_nothing_is_inserted(matcher: Matcher) -> None:
    matcher.insert(_people(3))
    with pytest.raises(Conflict):
        matcher.insert([("t9", vector("x")), ("t1", vector("y"))])
    with pytest.raises(Conflict):
        matcher.insert([("u", vector("x")), ("u", vector("y"))])
    assert len(matcher) == 3


def test_wrong_size_or_unnormalised_vectors_are_refused(matcher: Matcher) -> None:
    with pytest.raises(InvalidRequest, match="expected 512 values"):
        matcher.insert([("a", np.ones(100, dtype=np.float32) / 10.0)])
    with pytest.raises(InvalidRequest, match="norm"):
        matcher.insert([("a", np.ones(TEMPLATE_DIMENSION, dtype=np.float32))])
    with pytest.raises(InvalidRequest, match="k"):
        matcher.identify(vector("a"), 0)
    assert len(matcher) == 0


def test_faiss_delete_before_training_does_not_come_back_after() -> None:
    faiss_matcher = FaissMatcher(TEMPLATE_DIMENSION, nlist=CONTRACT_NLIST, nprobe=CONTRACT_NPROBE)
    people = _people(700)
    faiss_matcher.insert(people[:100])
    assert faiss_matcher.delete(["t5"]) == 1
    assert not faiss_matcher.trained
    faiss_matcher.insert(people[100:])
    assert faiss_matcher.trained
    assert len(faiss_matcher) == 699
    assert "t5" not in {i for i, _ in faiss_matcher.identify(vector("person-5"), 10)}
    # After training, deletion reaches the IVF lists.
    assert faiss_matcher.identify(vector("person-600", seed=2), 1)[0][0] == "t600"
    assert faiss_matcher.delete(["t600"]) == 1
    assert "t600" not in {i for i, _ in faiss_matcher.identify(vector("person-600"), 10)}
    assert len(faiss_matcher) == 698


def test_faiss_refuses_settings_it_cannot_train_with() -> None:
    with pytest.raises(InvalidRequest, match="nprobe"):
        FaissMatcher(TEMPLATE_DIMENSION, nlist=8, nprobe=9)
    with pytest.raises(InvalidRequest, match="train_size"):
        FaissMatcher(TEMPLATE_DIMENSION, nlist=8, train_size=10)


@settings(max_examples=40, deadline=None)
@given(
    operations=st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0, max_value=30)), max_size=60
    )
)
def test_numpy_matcher_agrees_with_a_brute_force_model(operations: list[tuple[bool, int]]) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((31, TEMPLATE_DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    numpy_matcher = NumpyMatcher(TEMPLATE_DIMENSION)
    model: dict[str, int] = {}
    for is_insert, n in operations:
        key = f"k{n}"
        if is_insert and key not in model:
            numpy_matcher.insert([(key, vectors[n])])
            model[key] = n
        elif not is_insert:
            assert numpy_matcher.delete([key]) == (1 if model.pop(key, None) is not None else 0)
    assert len(numpy_matcher) == len(model)
    probe = vectors[0]
    got = dict(numpy_matcher.identify(probe, 40))
    assert set(got) == set(model)
    for key, row in model.items():
        assert got[key] == pytest.approx(float(vectors[row] @ probe), abs=1e-5)
