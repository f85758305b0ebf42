"""The demo users, documented in the README. Their passwords are for demos only."""

from __future__ import annotations

from functools import lru_cache

from limes.access.models import Role, User
from limes.access.passwords import hash_password

DEMO_PASSWORD = "limes-demo"  # noqa: S105 - the documented demo password

_DEMO = (
    ("guard", "Border guard, Paris CDG", Role.BORDER_GUARD, "FRA-PAF"),
    ("guard-land", "Border guard, Bajakovo", Role.BORDER_GUARD, "HRV-GRANICNA"),
    ("guard-orly", "Border guard, Paris Orly", Role.BORDER_GUARD, "FRA-PAF"),
    ("immigration", "Immigration officer", Role.IMMIGRATION_AUTHORITY, "FRA-DGEF"),
    ("carrier", "Airline check-in agent", Role.CARRIER, "CARRIER-LX"),
    ("traveller", "A traveller", Role.TRAVELLER, "PUBLIC"),
    ("admin", "EES administrator", Role.ADMINISTRATOR, "FRA-ANTS"),
    ("police", "Police officer, Lyon", Role.POLICE, "FRA-DGPN"),
    ("designated", "Designated authority officer", Role.DESIGNATED_AUTHORITY, "FRA-DGSI"),
)


@lru_cache(maxsize=1)
def demo_users() -> tuple[User, ...]:
    """The demo users, all with the password `limes-demo`."""
    return tuple(
        User(user_id, name, role, authority, hash_password(DEMO_PASSWORD))
        for user_id, name, role, authority in _DEMO
    )
