"""The transition's dates (Reg. (EU) 2025/1534 Art 4, 6): a crossing-point setting that
relaxes the EES is allowed only while the regulation allows it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from limes.core.clock import FixedClock
from limes.ees.domain.errors import OutsideTransition
from limes.ees.domain.models import SuspensionScope
from limes.ees.domain.transition import (
    PARTIAL_SUSPENSION_LAST_DAY,
    TRANSITION_LIMITS,
    TransitionSetting,
    transition_objection,
)
from limes.ees.operations import EesOperations
from tests.ees_factories import LAND
from tests.unit.ees.conftest import GUARD


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(9, 0), UTC))


def test_the_legal_dates_of_reg_2025_1534() -> None:
    assert TRANSITION_LIMITS[TransitionSetting.BIOMETRICS_OPTIONAL].last_day == date(2025, 12, 10)
    assert TRANSITION_LIMITS[TransitionSetting.FULL_SUSPENSION].last_day == date(2026, 4, 9)
    assert TRANSITION_LIMITS[TransitionSetting.EES_NOT_STARTED].last_day == date(2026, 4, 9)
    # 90 days after the progressive start: 10 April to 8 July 2026.
    assert date(2026, 7, 8) == PARTIAL_SUSPENSION_LAST_DAY
    for limit in TRANSITION_LIMITS.values():
        assert limit.article.startswith("Reg. (EU) 2025/1534 Art ")
    assert transition_objection(TransitionSetting.FULL_SUSPENSION, date(2026, 4, 9)) is None
    assert transition_objection(TransitionSetting.FULL_SUSPENSION, date(2026, 4, 10)) is not None


def test_reg_2025_1534_art_4_2_biometrics_optional_only_in_the_first_60_days(
    operations: EesOperations, clock: FixedClock
) -> None:
    _on(clock, date(2025, 12, 10))
    changed = operations.put_crossing_point(GUARD, LAND.code, biometrics_required=False)
    assert changed.biometrics_required is False
    _on(clock, date(2025, 12, 11))
    with pytest.raises(OutsideTransition) as raised:
        operations.put_crossing_point(GUARD, LAND.code, biometrics_required=False)
    assert "Art 4(2)" in raised.value.detail
    assert "2025-12-10" in raised.value.detail
    assert raised.value.errors[0].field == "biometrics_required"
    # Requiring biometrics again is always allowed.
    assert operations.put_crossing_point(GUARD, LAND.code, biometrics_required=True)


def test_reg_2025_1534_art_6_full_suspension_only_until_9_april_2026(
    operations: EesOperations, clock: FixedClock
) -> None:
    _on(clock, date(2026, 4, 9))
    suspended = operations.put_crossing_point(
        GUARD, LAND.code, suspension=SuspensionScope.FULL, suspension_reason="queues"
    )
    assert suspended.suspension is SuspensionScope.FULL
    _on(clock, date(2026, 4, 10))
    with pytest.raises(OutsideTransition, match=r"Art 6.*2026-04-09"):
        operations.put_crossing_point(
            GUARD, LAND.code, suspension=SuspensionScope.FULL, suspension_reason="queues"
        )
    lifted = operations.put_crossing_point(GUARD, LAND.code, suspension=SuspensionScope.NONE)
    assert lifted.suspension is SuspensionScope.NONE


def test_reg_2025_1534_art_6_partial_suspension_for_90_days_after_the_progressive_start(
    operations: EesOperations, clock: FixedClock
) -> None:
    _on(clock, date(2026, 7, 8))
    partial = operations.put_crossing_point(
        GUARD,
        LAND.code,
        suspension=SuspensionScope.PARTIAL,
        biometrics_required=False,
        suspension_reason="summer peak",
    )
    assert partial.suspension is SuspensionScope.PARTIAL
    _on(clock, date(2026, 7, 9))
    with pytest.raises(OutsideTransition, match=r"Art 6.*2026-07-08") as raised:
        operations.put_crossing_point(
            GUARD, LAND.code, suspension=SuspensionScope.PARTIAL, suspension_reason="peak"
        )
    assert [e.field for e in raised.value.errors] == ["suspension"]


def test_reg_2025_1534_art_4_every_crossing_point_runs_the_ees_after_the_progressive_start(
    operations: EesOperations, clock: FixedClock
) -> None:
    _on(clock, date(2026, 1, 15))
    assert operations.put_crossing_point(GUARD, LAND.code, ees_active=False).ees_active is False
    _on(clock, date(2026, 4, 10))
    with pytest.raises(OutsideTransition, match="Art 4"):
        operations.put_crossing_point(GUARD, LAND.code, ees_active=False)
    # Other changes to a crossing point are not refused.
    assert operations.put_crossing_point(GUARD, LAND.code, name="Bajakovo (A3)").name


def test_reg_2025_1534_a_refused_setting_changes_nothing(
    operations: EesOperations, clock: FixedClock
) -> None:
    _on(clock, date(2026, 11, 23))
    with pytest.raises(OutsideTransition):
        operations.put_crossing_point(
            GUARD,
            LAND.code,
            suspension=SuspensionScope.FULL,
            biometrics_required=False,
            suspension_reason="storm",
        )
    (stored,) = [p for p in operations.crossing_points() if p.code == LAND.code]
    assert stored.suspension is SuspensionScope.NONE
    assert stored.biometrics_required is True
