"""The Schengen area as a date-effective set."""

from __future__ import annotations

from datetime import date

from limes.core.schengen import BorderScope, is_schengen_state, schengen_states


def test_croatia_joined_on_1_january_2023() -> None:
    assert not is_schengen_state("HRV", date(2022, 12, 31))
    assert is_schengen_state("HRV", date(2023, 1, 1))


def test_bulgaria_and_romania_joined_by_air_and_sea_first_then_in_full() -> None:
    assert not is_schengen_state("BGR", date(2024, 3, 30))
    assert is_schengen_state("ROU", date(2024, 3, 31))
    assert "BGR" in schengen_states(date(2024, 6, 1), BorderScope.AIR_SEA)
    assert "BGR" not in schengen_states(date(2024, 12, 31), BorderScope.ALL)
    assert "BGR" in schengen_states(date(2025, 1, 1), BorderScope.ALL)


def test_cyprus_and_ireland_are_outside() -> None:
    assert not is_schengen_state("CYP", date(2026, 1, 1))
    assert not is_schengen_state("IRL", date(2026, 1, 1))


def test_the_area_has_29_states_in_2026() -> None:
    members = schengen_states(date(2026, 1, 1), BorderScope.ALL)
    assert len(members) == 29
    assert {"D", "CHE", "NOR", "ISL", "LIE"} <= members
