"""The sBMS kept current with the CIR's templates by following its change log."""

from __future__ import annotations

from datetime import timedelta

from limes.biometrics.templates import Modality
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.cir.models import SourceSystem
from limes.interop.cir.ports import IdentityRepository
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.models import Gallery
from limes.interop.sbms.service import SharedBiometricMatchingService
from tests.unit.interop.cir.conftest import NOW, capture, identity_file

FACE = (Modality.FACE,)
LATER = NOW + timedelta(hours=1)


def new_index() -> CirBiometricIndex:
    return CirBiometricIndex(
        SharedBiometricMatchingService(numpy_matcher_factory(), MemoryTemplateStore())
    )


def test_it_loads_the_faces_held_then_follows_new_files(repository: IdentityRepository) -> None:
    repository.add(identity_file("C1", SourceSystem.EES, "Shevchenko"), capture("olena"))
    repository.add(identity_file("E1", SourceSystem.ETIAS, "Etias", ()), ())
    index = new_index()
    index.sync(repository)
    assert index.position == repository.last_change()
    assert index.sbms.count(Gallery.EES) == 1  # the face only; fingers stay in the CIR
    assert index.candidates(capture("olena", FACE)) == ["C1"]
    repository.add(identity_file("V1", SourceSystem.VIS, "Mallory", ()), capture("mallory", FACE))
    assert index.candidates(capture("mallory", FACE)) == []  # not synced yet
    index.sync(repository)
    assert index.candidates(capture("mallory", FACE)) == ["V1"]
    assert index.sbms.count(Gallery.VIS) == 1


def test_replaced_and_erased_faces_leave_the_index(repository: IdentityRepository) -> None:
    repository.add(identity_file("C1", SourceSystem.EES, "Shevchenko"), capture("olena"))
    index = new_index()
    index.sync(repository)
    repository.put_templates("C1", capture("eve", FACE), LATER)
    index.sync(repository)
    assert index.candidates(capture("olena", FACE)) == []
    assert index.candidates(capture("eve", FACE)) == ["C1"]
    assert index.sbms.count(Gallery.EES) == 1
    repository.erase("C1", LATER)
    index.sync(repository)
    assert index.candidates(capture("eve", FACE)) == []
    assert index.sbms.count() == 0


def test_a_second_load_does_not_enrol_twice(repository: IdentityRepository) -> None:
    repository.add(identity_file("C1", SourceSystem.EES, "Shevchenko"), capture("olena"))
    index = new_index()
    index.sync(repository)
    index.sync(repository)
    assert index.sbms.count() == 1
