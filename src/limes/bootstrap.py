"""Composition root: settings -> adapters -> services -> the web app.

The only module that imports adapters; systems meet here, never in each other.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from threadpoolctl import threadpool_limits

from limes.access.demo import demo_users
from limes.access.service import AccessService
from limes.core.clock import Clock, SystemClock
from limes.db.engine import default_database_url, make_engine
from limes.db.migrate import upgrade
from limes.db.unit_of_work import database_error
from limes.ees.adapters.biometrics import SbmsIdentifier, TemplateVerifier
from limes.ees.adapters.sql import SqlEesStore
from limes.ees.fallback import FallbackRecorder, SqliteFallbackQueue
from limes.ees.operations import EesOperations
from limes.ees.service import EesService
from limes.interop.cir.access import CirAccessService
from limes.interop.cir.adapters.sql_access import SqlAccessLog, SqlIdentityStore
from limes.interop.cir.biometric_index import CirBiometricIndex
from limes.interop.mid.adapters.sql import SqlMidStore
from limes.interop.mid.service import MidService
from limes.interop.sbms.adapters.exact import numpy_matcher_factory
from limes.interop.sbms.adapters.faiss_index import faiss_matcher_factory
from limes.interop.sbms.adapters.memory import MemoryTemplateStore
from limes.interop.sbms.service import SharedBiometricMatchingService
from limes.settings import Settings

_log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the API, the pages and the CLI call."""

    settings: Settings
    clock: Clock
    engine: Engine
    ees_store: SqlEesStore
    access: AccessService
    ees: EesService
    ees_operations: EesOperations
    ees_fallback: FallbackRecorder
    sbms: SharedBiometricMatchingService
    biometric_index: CirBiometricIndex
    mid: MidService
    cir: CirAccessService


def build_services(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    """Connect the database (migrating it to the newest schema) and build the services."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    engine = make_engine(default_database_url(settings))
    try:
        upgrade(engine)
    except sa_exc.SQLAlchemyError as error:
        # An unreachable database is a clear one-line error for every command, not a trace.
        raise (database_error(error) or error) from error
    store = SqlEesStore(engine)
    matchers = (
        faiss_matcher_factory()
        if settings.interop.sbms_matcher == "faiss"
        else numpy_matcher_factory()
    )
    # The sBMS index is this process's memory, filled from the CIR's face templates on
    # first use and kept current by the CIR's change log (`CirBiometricIndex.sync`).
    sbms = SharedBiometricMatchingService(matchers, MemoryTemplateStore())
    biometric_index = CirBiometricIndex(sbms)
    # EES Art 27: the border check identifies 1:N in the same sBMS index.
    ees = EesService(store, clock, TemplateVerifier(), SbmsIdentifier(biometric_index))
    return Services(
        settings=settings,
        clock=clock,
        engine=engine,
        ees_store=store,
        # Sessions expire in real time, whatever the (demo) clock of the systems says.
        access=AccessService(demo_users(), settings.secret_key.encode(), SystemClock()),
        ees=ees,
        ees_operations=EesOperations(store, clock),
        ees_fallback=FallbackRecorder(ees, SqliteFallbackQueue(settings.ees.fallback_path), clock),
        sbms=sbms,
        biometric_index=biometric_index,
        mid=MidService(SqlMidStore(engine), clock, biometric_index),
        # Police identification and the hit flag search the same sBMS as the MID, each
        # query in a read transaction of its own (Reg. (EU) 2019/817 Art 20, 22, 24).
        cir=CirAccessService(
            SqlIdentityStore(engine), SqlAccessLog(engine), clock, biometric_index
        ),
    )


def build_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    services: Services | None = None,
) -> FastAPI:
    """Build the FastAPI application with its real dependencies, or over `services`."""
    from limes.web.app import create_app

    return create_app(services or build_services(settings, clock))


def app_factory() -> FastAPI:
    """The application from the environment's settings: for `uvicorn --factory --workers N`."""
    services = build_services()
    app = build_app(services=services)
    tune_garbage_collection()
    # At a million faces the load takes minutes: the server answers meanwhile, a new
    # traveller's 1:N search waits for it on the desk's own thread, and a decision that
    # would wait on the committer's thread answers 503 instead (`PrefetchedIdentification`).
    services.biometric_index.load_in_background(lambda: _fill_and_freeze(services))
    # A serving process answers many desks at once, each 1:N search on its own thread:
    # BLAS's threads would only spin against them (a 10,000-face search took 22 ms with
    # two BLAS threads on the shared two-core machine, 5 ms with one).
    threadpool_limits(limits=1, user_api="blas")
    return app


def fill_biometric_index(services: Services) -> int:
    """Fill this process's sBMS index before it serves; returns how many files it can find.

    The border check identifies every new traveller 1:N (EES Art 27): filled on first
    use instead, the first desks would wait while every face is read.
    """
    with services.ees_store.unit_of_work(write=False) as uow:
        services.biometric_index.sync(uow.identities)
    return len(services.biometric_index)


def _fill_and_freeze(services: Services) -> None:
    started = time.perf_counter()
    faces = fill_biometric_index(services)
    gc.freeze()  # the templates live as long as the process: out of the collector's way
    _log.info("sBMS index loaded: %d files in %.1f s", faces, time.perf_counter() - started)


# A border crossing allocates many short-lived objects. With the default thresholds the
# collector runs every 700 allocations and, every so often, walks every object the
# server holds, stalling all desks at once: the tail of the latency.
GC_THRESHOLDS = (20_000, 50, 100)


def tune_garbage_collection() -> None:
    """For a serving process: objects built at start-up stay; collect young ones less often."""
    gc.collect()
    gc.freeze()  # what start-up built lives as long as the process: out of the collector's way
    gc.set_threshold(*GC_THRESHOLDS)
