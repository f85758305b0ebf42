"""The read methods the CIR access services added to the IdentityRepository port."""

from __future__ import annotations

from limes.interop.cir.models import HeldTemplate, Modality, SourceSystem, TravelDocument
from limes.interop.cir.ports import IdentityRepository
from tests.unit.interop.cir.conftest import PASSPORT, capture, identity_file

OTHER = TravelDocument("P", "ZZ0000001", "DEU")
ID_CARD = TravelDocument("I", "GR9876543", "GRC")


def test_files_of_document_finds_the_document_in_every_system(
    repository: IdentityRepository,
) -> None:
    vis = identity_file("cir-b", SourceSystem.VIS, "Shevchenko", (ID_CARD, PASSPORT))
    ees = identity_file("cir-c", SourceSystem.EES, "Shevchenko")
    eurodac = identity_file("cir-a", SourceSystem.EURODAC, "Shevchenko")
    repository.add(vis, ())
    repository.add(ees, ())
    repository.add(eurodac, ())
    repository.add(identity_file("cir-d", SourceSystem.ETIAS, "Other", (OTHER,)), ())
    assert repository.files_of_document("AB1234567", "UKR") == [ees, vis, eurodac]
    assert repository.files_of_document("GR9876543", "GRC") == [vis]
    assert repository.files_of_document("AB1234567", "POL") == []
    assert repository.files_of_document("AB1234568", "UKR") == []


def test_all_templates_lists_every_file_holding_the_modality(
    repository: IdentityRepository,
) -> None:
    alice = capture("alice")
    bob = capture("bob", (Modality.FACE,))
    repository.add(identity_file("cir-2", SourceSystem.EES, "Alice"), alice)
    repository.add(identity_file("cir-1", SourceSystem.VIS, "Bob", (OTHER,)), bob)
    assert repository.all_templates(Modality.FACE) == [
        HeldTemplate("cir-1", SourceSystem.VIS, bob[0]),
        HeldTemplate("cir-2", SourceSystem.EES, alice[0]),
    ]
    assert repository.all_templates(Modality.RIGHT_INDEX) == [
        HeldTemplate("cir-2", SourceSystem.EES, alice[1])
    ]
    assert repository.all_templates(Modality.LEFT_LITTLE) == []
