"""Which Art 29 authority a signed-in user acts for."""

from __future__ import annotations

import pytest

from limes.access.models import Role, User
from limes.interop.mid.domain.models import AuthorityKind, ResponsibleAuthority
from limes.interop.mid.officers import acting_authority, member_state_of


@pytest.mark.parametrize(
    ("authority", "state"),
    [
        ("FRA-PAF", "FRA"),
        ("HRV-GRANICNA", "HRV"),
        ("FRA", "FRA"),
        ("CARRIER-LX", None),
        ("fra-paf", None),
        ("", None),
    ],
)
def test_the_member_state_is_the_authority_codes_first_part(
    authority: str, state: str | None
) -> None:
    assert member_state_of(authority) == state


def test_a_border_guard_acts_for_the_border_authority_of_their_state() -> None:
    guard = User("guard", "Border guard", Role.BORDER_GUARD, "FRA-PAF", "x")
    assert acting_authority(guard) == ResponsibleAuthority(AuthorityKind.BORDER, "FRA")
    admin = User("admin", "Administrator", Role.ADMINISTRATOR, "FRA-ANTS", "x")
    assert acting_authority(admin) is None
