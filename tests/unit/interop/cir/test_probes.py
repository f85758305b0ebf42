"""Malformed probes and failed searches are refused and logged (2019/817 Art 20, 22, 24)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pytest

from limes.core.clock import FixedClock
from limes.core.errors import BackendUnavailable, InvalidRequest
from limes.interop.cir.adapters.memory import MemoryIdentityRepository
from limes.interop.cir.errors import MalformedTemplate
from limes.interop.cir.hit_flag import LawEnforcementHitFlag
from limes.interop.cir.logs import MemoryAccessLog
from limes.interop.cir.models import BiometricTemplate, Modality, SourceSystem
from limes.interop.cir.police import (
    IdentificationGround,
    IdentificationRequest,
    PoliceIdentification,
    require_wellformed_probes,
)
from limes.interop.cir.search import BiometricHit, DocumentRef
from tests.unit.interop.cir.conftest import capture, identity_file

FACE = capture("olena", (Modality.FACE,))[0]
NAN = np.full(512, np.nan, dtype="<f4").tobytes()


class BrokenSearcher:
    """A searcher whose back-end is down."""

    def search(
        self, probes: Sequence[BiometricTemplate], document: DocumentRef | None
    ) -> list[BiometricHit]:
        raise BackendUnavailable("the sBMS cannot be reached")


@pytest.mark.parametrize(
    ("template", "field", "words"),
    [
        (dataclasses.replace(FACE, vector=b"\0" * 100), "probes[0].vector", "2048 bytes"),
        (dataclasses.replace(FACE, vector=NAN), "probes[0].vector", "NaN"),
        (dataclasses.replace(FACE, quality=101), "probes[0].quality", "0-100"),
        (dataclasses.replace(FACE, quality=-1), "probes[0].quality", "0-100"),
    ],
    ids=["short", "nan", "quality-high", "quality-negative"],
)
def test_a_malformed_probe_names_the_field_to_fix(
    template: BiometricTemplate, field: str, words: str
) -> None:
    with pytest.raises(MalformedTemplate) as refused:
        require_wellformed_probes([template])
    assert isinstance(refused.value, InvalidRequest)
    assert refused.value.errors[0].field == field
    assert words in str(refused.value)


def test_well_formed_probes_pass() -> None:
    require_wellformed_probes(capture("olena"))


def test_police_identification_logs_a_malformed_probe_and_a_failed_search(
    clock: FixedClock,
) -> None:
    repository = MemoryIdentityRepository()
    log = MemoryAccessLog()
    request = IdentificationRequest(
        authority="FRA-DGPN",
        purpose="identity check",
        ground=IdentificationGround.NO_DOCUMENT,
        captured_live=True,
        probes=(dataclasses.replace(FACE, vector=b"\0" * 8),),
        estimated_age=30,
        user_id="police",
    )
    with pytest.raises(MalformedTemplate):
        PoliceIdentification(repository, log, clock).identify(request)
    broken = PoliceIdentification(repository, log, clock, BrokenSearcher())
    with pytest.raises(BackendUnavailable):
        broken.identify(dataclasses.replace(request, probes=(FACE,)))
    assert [e.outcome for e in log.entries] == ["cir-malformed-template", "backend-unavailable"]
    assert all(e.user_id == "police" and e.ground == "no_document" for e in log.entries)


def test_the_hit_flag_logs_a_malformed_probe_and_a_failed_search(clock: FixedClock) -> None:
    repository = MemoryIdentityRepository()
    repository.add(identity_file("cir-ees-olena", SourceSystem.EES, "Shevchenko"), capture("olena"))
    log = MemoryAccessLog()
    bad = (dataclasses.replace(FACE, quality=400),)
    with pytest.raises(MalformedTemplate):
        LawEnforcementHitFlag(repository, log, clock).query("FRA-DGSI", "case 1", templates=bad)
    broken = LawEnforcementHitFlag(repository, log, clock, BrokenSearcher())
    with pytest.raises(BackendUnavailable):
        broken.query("FRA-DGSI", "case 1", templates=(FACE,), user_id="designated")
    assert [e.outcome for e in log.entries] == ["cir-malformed-template", "backend-unavailable"]
    assert log.entries[1].user_id == "designated"
    assert all(e.result_references == () for e in log.entries)
