"""The `Matcher` port contract (MOSIP ABIS insert/identify/delete), on both back-ends."""

from __future__ import annotations

from collections.abc import Callable

import faiss
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.biometrics import TEMPLATE_DIMENSION
from limes.core.errors import Conflict, InvalidRequest
from limes.interop.sbms import Matcher
from limes.interop.sbms.adapters.exact import NumpyMatcher
from limes.interop.sbms.adapters.faiss_index import MIN_TRAIN_SIZE, FaissMatcher, nlist_for
from tests.unit.interop.sbms.conftest import CONTRACT_NLIST, CONTRACT_NPROBE, vector

BulkMatcher = NumpyMatcher | FaissMatcher

MATCHERS: dict[str, Callable[[], BulkMatcher]] = {
    "numpy": lambda: NumpyMatcher(TEMPLATE_DIMENSION),
    "faiss": lambda: FaissMatcher(TEMPLATE_DIMENSION, nlist=CONTRACT_NLIST, nprobe=CONTRACT_NPROBE),
}


@pytest.fixture(params=sorted(MATCHERS))
def matcher(request: pytest.FixtureRequest) -> BulkMatcher:
    """An empty matcher of the back-end under test."""
    return MATCHERS[request.param]()


def _people(n: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    return [(f"t{i}", vector(f"person-{i}", seed)) for i in range(n)]


def _units(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, TEMPLATE_DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


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
    with pytest.raises(InvalidRequest, match="train_size"):
        FaissMatcher(TEMPLATE_DIMENSION, train_size=MIN_TRAIN_SIZE - 1)
    with pytest.raises(InvalidRequest, match="probe_fraction"):
        FaissMatcher(TEMPLATE_DIMENSION, probe_fraction=0.0)
    with pytest.raises(InvalidRequest, match="multiple of 8"):
        FaissMatcher(100)
    with pytest.raises(InvalidRequest, match="search_threads"):
        FaissMatcher(TEMPLATE_DIMENSION, search_threads=0)


@pytest.mark.parametrize("threads", [1, 2, None])
def test_faiss_search_threads_apply_to_one_call_only(threads: int | None) -> None:
    before = faiss.omp_get_max_threads()
    matcher = FaissMatcher(TEMPLATE_DIMENSION, nlist=16, nprobe=4, search_threads=threads)
    vectors = _units(MIN_TRAIN_SIZE, 8)
    matcher.insert_many([f"u{i}" for i in range(MIN_TRAIN_SIZE)], vectors)
    assert matcher.identify(vectors[1], 1)[0][0] == "u1"
    assert matcher.delete(["u1"]) == 1
    assert faiss.omp_get_max_threads() == before


def test_insert_many_agrees_with_insert(matcher: BulkMatcher) -> None:
    people = _people(40)
    matcher.insert_many([i for i, _ in people], np.stack([v for _, v in people]))
    assert len(matcher) == 40
    reference = MATCHERS["numpy"]()
    reference.insert(people)
    for n in (0, 17, 39):
        probe = vector(f"person-{n}", seed=1)
        got, expected = matcher.identify(probe, 5), reference.identify(probe, 5)
        assert [i for i, _ in got] == [i for i, _ in expected]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-6)
    assert matcher.nbytes >= 40 * TEMPLATE_DIMENSION * 4


def test_insert_many_refuses_bad_input_and_inserts_nothing(matcher: BulkMatcher) -> None:
    matcher.insert_many(["a"], _units(1, 0))
    vectors = _units(3, 1)
    with pytest.raises(Conflict):
        matcher.insert_many(["b", "a", "c"], vectors)
    with pytest.raises(Conflict):
        matcher.insert_many(["b", "b", "c"], vectors)
    with pytest.raises(InvalidRequest, match="expected 2 rows of 512 values"):
        matcher.insert_many(["b", "c"], vectors)
    unnormalised = vectors.copy()
    unnormalised[2] *= 2.0
    with pytest.raises(InvalidRequest) as exc:
        matcher.insert_many(["b", "c", "d"], unnormalised)
    assert exc.value.errors[0].field == "vectors/2"
    unnormalised[1, 0] = np.nan
    with pytest.raises(InvalidRequest, match="2 rows are"):
        matcher.insert_many(["b", "c", "d"], unnormalised)
    assert len(matcher) == 1
    matcher.insert_many([], np.empty((0, TEMPLATE_DIMENSION), dtype=np.float32))
    assert len(matcher) == 1


@pytest.mark.parametrize(
    ("size", "lists"),
    [
        (1, 1),
        (77, 1),
        (78, 2),
        (624, 16),
        (32_768, 256),
        (65_536, 256),
        (65_537, 512),
        (100_000, 512),
        (300_000, 1024),
        (1_000_000, 1024),
        (1_048_577, 2048),
    ],
)
def test_nlist_follows_the_square_root_of_the_gallery(size: int, lists: int) -> None:
    assert nlist_for(size) == lists


def _lists(matcher: FaissMatcher) -> tuple[int | None, int | None]:
    return matcher.nlist, matcher.nprobe


def test_faiss_trains_at_train_size_and_retrains_as_the_gallery_grows() -> None:
    matcher = FaissMatcher(TEMPLATE_DIMENSION, train_size=1_000)
    vectors = _units(3_200, 5)
    ids = [f"u{i}" for i in range(3_200)]
    matcher.insert_many(ids[:999], vectors[:999])
    assert not matcher.trained
    assert _lists(matcher) == (None, None)
    matcher.insert([(ids[999], vectors[999])])
    assert _lists(matcher) == (nlist_for(1_000), 7)  # 16 lists, 40% probed (rounded up)
    matcher.insert_many(ids[1_000:1_200], vectors[1_000:1_200])
    assert matcher.nlist == 16  # 1,200 templates still call for 16 lists (39 per list)
    matcher.delete(["u3"])
    matcher.insert_many(ids[1_200:], vectors[1_200:])
    assert _lists(matcher) == (nlist_for(3_199), 26) == (64, 26)
    assert len(matcher) == 3_199
    # Every template is found by its own vector, and the deleted one is not.
    for n in (0, 999, 1_100, 3_199):
        best_id, best_score = matcher.identify(vectors[n], 1)[0]
        assert best_id == ids[n]
        assert best_score == pytest.approx(1.0, abs=1e-5)
    assert "u3" not in {i for i, _ in matcher.identify(vectors[3], 20)}


def test_faiss_reuses_deleted_rows_after_training() -> None:
    matcher = FaissMatcher(TEMPLATE_DIMENSION, nlist=16, nprobe=16)
    vectors = _units(MIN_TRAIN_SIZE + 2, 6)
    ids = [f"u{i}" for i in range(MIN_TRAIN_SIZE)]
    matcher.insert_many(ids, vectors[:MIN_TRAIN_SIZE])
    assert matcher.trained
    assert matcher.delete(["u10", "u20"]) == 2
    # The two new templates take the freed rows; the old ones must not come back.
    matcher.insert_many(["new-a", "new-b"], vectors[MIN_TRAIN_SIZE:])
    assert len(matcher) == MIN_TRAIN_SIZE
    assert matcher.identify(vectors[MIN_TRAIN_SIZE], 1)[0][0] == "new-a"
    assert matcher.identify(vectors[MIN_TRAIN_SIZE + 1], 1)[0][0] == "new-b"
    top = matcher.identify(vectors[10], 3)
    assert "u10" not in {i for i, _ in top}
    assert top[0][1] < 0.5


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


@settings(max_examples=15, deadline=None)
@given(
    operations=st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0, max_value=MIN_TRAIN_SIZE + 39)),
        max_size=80,
    )
)
def test_trained_faiss_matcher_agrees_with_a_brute_force_model(
    operations: list[tuple[bool, int]],
) -> None:
    # nprobe = nlist: every list is scanned, so a search of k >= len is exhaustive and
    # only the bookkeeping of labels, freed rows and re-scoring is under test.
    vectors = _units(MIN_TRAIN_SIZE + 40, 7)
    faiss_matcher = FaissMatcher(TEMPLATE_DIMENSION, nlist=16, nprobe=16)
    model = {f"k{n}": n for n in range(MIN_TRAIN_SIZE)}
    faiss_matcher.insert_many(list(model), vectors[:MIN_TRAIN_SIZE])
    assert faiss_matcher.trained
    for is_insert, n in operations:
        key = f"k{n}"
        if is_insert and key not in model:
            faiss_matcher.insert([(key, vectors[n])])
            model[key] = n
        elif not is_insert:
            assert faiss_matcher.delete([key]) == (1 if model.pop(key, None) is not None else 0)
    assert len(faiss_matcher) == len(model)
    probe = vectors[0]
    got = dict(faiss_matcher.identify(probe, len(model) + 5))
    assert set(got) == set(model)
    for key, row in model.items():
        assert got[key] == pytest.approx(float(vectors[row] @ probe), abs=1e-5)
