"""CIR access services over the memory repository and over SQLite (and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.core.clock import FixedClock
from limes.core.identity import Name, PartialDate
from limes.db.engine import make_engine
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.memory import MemoryIdentityRepository
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.logs import MemoryAccessLog
from limes.interop.cir.models import (
    BiometricTemplate,
    IdentityData,
    IdentityFile,
    Modality,
    SourceSystem,
    TravelDocument,
)
from limes.interop.cir.ports import IdentityRepository

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CAPTURE = (Modality.FACE, Modality.RIGHT_INDEX, Modality.RIGHT_MIDDLE)
DEVICE = SyntheticBiometrics(seed=817)
PASSPORT = TravelDocument("P", "AB1234567", "UKR", date(2031, 5, 31))


def capture(
    person: str, modalities: tuple[Modality, ...] = CAPTURE
) -> tuple[BiometricTemplate, ...]:
    """A fresh noisy capture of the person: never byte-equal to an earlier one."""
    return DEVICE.capture_set(person, modalities, quality=80)


def identity_file(
    cir_id: str,
    system: SourceSystem,
    surname: str,
    documents: tuple[TravelDocument, ...] = (PASSPORT,),
) -> IdentityFile:
    return IdentityFile(
        cir_id=cir_id,
        system=system,
        source_reference=f"{system}-secret-ref-{cir_id}",
        identity=IdentityData(
            surname=Name.of(surname),
            given_names=Name.of("Olena"),
            date_of_birth=PartialDate(1987, 4, 30),
            sex="F",
            nationalities=("UKR",),
        ),
        documents=documents,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def repository(request: pytest.FixtureRequest) -> Iterator[IdentityRepository]:
    """A repository in one open unit of work, for the whole test."""
    if request.param == "memory":
        yield MemoryIdentityRepository()
        return
    engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
    try:
        with SqlUnitOfWork(engine) as uow:
            yield SqlIdentityRepository(uow.connection)
    finally:
        engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def log() -> MemoryAccessLog:
    return MemoryAccessLog()
