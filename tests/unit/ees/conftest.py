"""An EES service over the memory store and a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from limes.core.clock import FixedClock
from limes.ees.adapters.biometrics import TemplateVerifier
from limes.ees.adapters.memory import MemoryEesStore
from limes.ees.operations import EesOperations
from limes.ees.service import Actor, EesService
from tests.ees_factories import AIRPORT, LAND

GUARD = Actor("guard-1", "border_guard", "FRA-PAF", "border_check")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 5, 4, 8, 30, tzinfo=UTC))


@pytest.fixture
def store() -> MemoryEesStore:
    store = MemoryEesStore()
    with store.unit_of_work(write=True) as uow:
        uow.ees.put_crossing_point(AIRPORT)
        uow.ees.put_crossing_point(LAND)
    return store


@pytest.fixture
def service(store: MemoryEesStore, clock: FixedClock) -> EesService:
    return EesService(store, clock, TemplateVerifier())


@pytest.fixture
def operations(store: MemoryEesStore, clock: FixedClock) -> EesOperations:
    return EesOperations(store, clock)
