"""The sBMS use cases (Reg. (EU) 2019/817 Art 13-15), on both matcher back-ends."""

from __future__ import annotations

import pytest

from limes.biometrics import (
    FACE_THRESHOLD,
    BiometricTemplate,
    Modality,
    decode,
    make_template,
)
from limes.core.errors import InvalidRequest, NotFound
from limes.interop.sbms import Gallery, SharedBiometricMatchingService
from tests.unit.interop.sbms.conftest import capture

POPULATION = 2_000
PROBES = 200


def _field(exc: pytest.ExceptionInfo[InvalidRequest]) -> str:
    return exc.value.errors[0].field


def test_true_mate_ranks_first_among_2000_people(service: SharedBiometricMatchingService) -> None:
    for i in range(POPULATION):
        service.enrol(Gallery.EES, f"ees-{i}", [capture(f"p{i}")])
    assert service.count(Gallery.EES) == POPULATION
    step = POPULATION // PROBES
    for i in range(0, POPULATION, step):
        result = service.identify(capture(f"p{i}", seed=1), [Gallery.EES], k=5)
        assert result.best is not None
        assert result.best.source_reference == f"ees-{i}", result.explanation
        assert result.best.score >= FACE_THRESHOLD
        # Unrelated people score near 0, far below the threshold: only the mate comes back.
        assert len(result.candidates) == 1


def test_unenrolled_person_yields_no_candidate(service: SharedBiometricMatchingService) -> None:
    for i in range(50):
        service.enrol(Gallery.VIS, f"vis-{i}", [capture(f"p{i}")])
    result = service.identify(capture("stranger"), [Gallery.VIS])
    assert result.candidates == ()
    assert "vis: 50 face template(s) searched, 0 at or above" in result.explanation[1]


def test_delete_removes_from_identify_and_counts(service: SharedBiometricMatchingService) -> None:
    for i in range(20):
        service.enrol(
            Gallery.EES, f"ees-{i}", [capture(f"p{i}"), capture(f"p{i}", Modality.RIGHT_INDEX)]
        )
    assert service.delete(Gallery.EES, "ees-4") == 2
    assert service.count() == 38
    assert service.identify(capture("p4", seed=1)).candidates == ()
    finger = service.identify(capture("p4", Modality.RIGHT_INDEX, seed=1))
    assert finger.candidates == ()
    assert service.delete(Gallery.EES, "ees-4") == 0
    kept = service.identify(capture("p5", seed=1))
    assert kept.best is not None
    assert service.delete_templates([kept.best.template_id, "unknown"]) == 1
    assert service.identify(capture("p5", seed=1)).candidates == ()
    assert service.count(Gallery.EES) == 37


def test_identify_is_scoped_to_the_galleries_asked_for(
    service: SharedBiometricMatchingService,
) -> None:
    service.enrol(Gallery.EES, "ees-1", [capture("anna")])
    service.enrol(Gallery.VIS, "vis-1", [capture("anna", seed=2)])
    service.enrol(Gallery.SIS, "sis-1", [capture("anna", seed=3)])
    probe = capture("anna", seed=4)
    vis_only = service.identify(probe, [Gallery.VIS])
    assert [(c.gallery, c.source_reference) for c in vis_only.candidates] == [
        (Gallery.VIS, "vis-1")
    ]
    two = service.identify(probe, [Gallery.EES, Gallery.VIS])
    assert {c.gallery for c in two.candidates} == {Gallery.EES, Gallery.VIS}
    everywhere = service.identify(probe)
    assert {c.gallery for c in everywhere.candidates} == {Gallery.EES, Gallery.VIS, Gallery.SIS}
    scores = [c.score for c in everywhere.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(service.identify(probe, k=1).candidates) == 1
    # Same reference string in another gallery is another record (Art 13: separate galleries).
    assert service.delete(Gallery.EURODAC, "vis-1") == 0


def test_low_quality_template_is_refused_and_nothing_is_stored(
    service: SharedBiometricMatchingService,
) -> None:
    good = capture("bob")
    captured = capture("bob", Modality.RIGHT_INDEX, seed=1)
    poor = make_template(
        Modality.RIGHT_INDEX, decode(captured.vector, Modality.RIGHT_INDEX), 12, synthetic=True
    )
    with pytest.raises(InvalidRequest, match="Art 13\\(3\\)") as exc:
        service.enrol(Gallery.EES, "ees-bob", [good, poor])
    assert _field(exc) == "templates/1/quality"
    assert "capture it again" in exc.value.errors[0].reason
    assert service.count() == 0
    assert service.identify(capture("bob", seed=2)).candidates == ()


def test_wrong_size_or_unknown_modality_is_refused(service: SharedBiometricMatchingService) -> None:
    short = BiometricTemplate(Modality.FACE, b"\x00" * 400, 80)
    with pytest.raises(InvalidRequest, match="Invalid biometric template") as exc:
        service.enrol(Gallery.EES, "ees-x", [short])
    assert _field(exc) == "templates/0/vector"
    palm = BiometricTemplate("left_palm", capture("x").vector, 80)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest) as exc:
        service.enrol(Gallery.SIS, "sis-x", [capture("x"), palm])
    assert _field(exc) == "templates/1/modality"
    with pytest.raises(InvalidRequest) as exc:
        service.identify(short)
    assert _field(exc) == "probe/vector"
    with pytest.raises(InvalidRequest) as exc:
        service.enrol("etias", "e-1", [capture("x")])  # type: ignore[arg-type]
    assert _field(exc) == "gallery"
    with pytest.raises(InvalidRequest) as exc:
        service.enrol(Gallery.EES, " ", [capture("x")])
    assert _field(exc) == "source_reference"
    assert service.count() == 0


@pytest.mark.parametrize("k", [0, 101, True])
def test_candidate_count_must_be_sensible(service: SharedBiometricMatchingService, k: int) -> None:
    with pytest.raises(InvalidRequest) as exc:
        service.identify(capture("x"), k=k)
    assert _field(exc) == "k"


def test_empty_gallery_scope_is_refused(service: SharedBiometricMatchingService) -> None:
    with pytest.raises(InvalidRequest) as exc:
        service.identify(capture("x"), [])
    assert _field(exc) == "galleries"


def test_verify_genuine_and_impostor(service: SharedBiometricMatchingService) -> None:
    service.enrol(Gallery.VIS, "vis-c", [capture("carla"), capture("carla", Modality.LEFT_RING)])
    service.enrol(Gallery.VIS, "vis-d", [capture("dan")])
    genuine = service.verify(Gallery.VIS, "vis-c", capture("carla", seed=5))
    assert genuine.match
    assert genuine.score >= FACE_THRESHOLD
    impostor = service.verify(Gallery.VIS, "vis-d", capture("carla", seed=5))
    assert not impostor.match
    assert "no match" in impostor.explanation
    finger = service.verify(Gallery.VIS, "vis-c", capture("carla", Modality.LEFT_RING, seed=6))
    assert finger.match
    assert finger.modality is Modality.LEFT_RING
    with pytest.raises(NotFound, match="no right_index template"):
        service.verify(Gallery.VIS, "vis-c", capture("carla", Modality.RIGHT_INDEX))
    with pytest.raises(NotFound):
        service.verify(Gallery.EES, "vis-c", capture("carla"))


def test_enrolment_returns_stored_templates_with_their_reference(
    service: SharedBiometricMatchingService,
) -> None:
    stored = service.enrol(
        Gallery.ECRIS_TCN, "ecris-1", [capture("eve"), capture("eve", Modality.LEFT_INDEX)]
    )
    assert [(s.gallery, s.source_reference, s.modality) for s in stored] == [
        (Gallery.ECRIS_TCN, "ecris-1", Modality.FACE),
        (Gallery.ECRIS_TCN, "ecris-1", Modality.LEFT_INDEX),
    ]
    assert all(s.synthetic for s in stored)
    assert len({s.template_id for s in stored}) == 2
