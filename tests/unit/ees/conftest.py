"""An EES service over the memory store and a clock the tests move."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from limes.core.clock import FixedClock
from limes.db.engine import make_engine
from limes.ees.adapters.biometrics import TemplateVerifier
from limes.ees.adapters.memory import MemoryEesStore
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.operations import EesOperations
from limes.ees.outcomes import Actor
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from tests.ees_factories import AIRPORT, LAND

GUARD = Actor("guard-1", "border_guard", "FRA-PAF", "border_check")


class _Reader:
    """Calls one repository's methods, each in its own read-only unit of work."""

    def __init__(self, store: EesStore, attribute: str) -> None:
        self._store = store
        self._attribute = attribute

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self._store.unit_of_work(write=False) as uow:
                return getattr(getattr(uow, self._attribute), name)(*args, **kwargs)

        return call


class Peek:
    """What a store holds, for tests to inspect whatever the back-end."""

    def __init__(self, store: EesStore) -> None:
        self.ees: Any = _Reader(store, "ees")
        self.identities: Any = _Reader(store, "identities")


def peek(store: EesStore) -> Peek:
    """Inspect the committed state of a store."""
    return Peek(store)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 5, 4, 8, 30, tzinfo=UTC))


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[EesStore]:
    """The same tests on every back-end: memory, a SQLite file, PostgreSQL."""
    store: EesStore
    engine = None
    if request.param == "memory":
        store = MemoryEesStore()
    else:
        engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
        store = SqlEesStore(engine)
    with store.unit_of_work(write=True) as uow:
        uow.ees.put_crossing_point(AIRPORT)
        uow.ees.put_crossing_point(LAND)
    yield store
    store.close()
    if engine is not None:
        engine.dispose()


@pytest.fixture
def service(store: EesStore, clock: FixedClock) -> EesService:
    return EesService(store, clock, TemplateVerifier())


@pytest.fixture
def operations(store: EesStore, clock: FixedClock) -> EesOperations:
    return EesOperations(store, clock)
