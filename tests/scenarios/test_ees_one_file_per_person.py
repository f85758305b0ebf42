"""Scenario: Ada comes back with a new passport after 41 days of stay (EES Art 23(2)-(4), 27).

The services as `limes serve` builds them (`bootstrap.build_services`: the sBMS index,
the EES's 1:N identification), on SQLite and PostgreSQL. Before the fix the new passport
made a new file and a fresh 90 days: 41 days used, 0 counted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from limes.bootstrap import build_services, fill_biometric_index
from limes.core.clock import FixedClock
from limes.ees.domain.border import Capture
from limes.ees.domain.errors import PossibleExistingFile
from limes.ees.domain.identification import IdentityDecision
from limes.ees.domain.models import Direction
from tests.conftest import settings_in
from tests.ees_factories import AIRPORT, Traveller
from tests.unit.ees.conftest import GUARD

ADA = Traveller()
NEW_PASSPORT = Traveller(number="Y7654321", expiry=date(2036, 1, 31))


def test_art_23_the_second_passport_finds_the_file_and_the_41_days_count(
    tmp_path: Path, database_url: str
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    services = build_services(settings_in(tmp_path, database_url), clock)
    try:
        with services.ees_store.unit_of_work(write=True) as uow:
            uow.ees.put_crossing_point(AIRPORT)
        fill_biometric_index(services)
        first = services.ees.record_entry(GUARD, ADA.at())
        clock.advance(timedelta(days=40))
        services.ees.record_exit(GUARD, ADA.at())
        clock.advance(timedelta(days=20))

        # Ada herself, with her new passport.
        ada_now = replace(NEW_PASSPORT.at(), capture=Capture(ADA.templates()))
        check = services.ees.check(GUARD, ada_now, Direction.ENTRY)
        assert [c.file_id for c in check.candidates] == [first.file_id]
        with pytest.raises(PossibleExistingFile):
            services.ees.record_entry(GUARD, ada_now)

        decision = IdentityDecision(confirmed_file_id=first.file_id)
        receipt = services.ees.record_entry(GUARD, replace(ada_now, identity_decision=decision))
        assessment = receipt.check.assessment
        assert assessment is not None
        assert assessment.days_used == 41
        assert receipt.file_id == first.file_id
        assert not receipt.created_file
    finally:
        services.ees_store.close()
        services.engine.dispose()
