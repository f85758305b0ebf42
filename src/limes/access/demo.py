"""The demo users, documented in the README. Their passwords are for demos only."""

from __future__ import annotations

from functools import lru_cache

from limes.access.models import Role, User
from limes.access.passwords import hash_password

DEMO_PASSWORD = "limes-demo"  # noqa: S105 - the documented demo password

_DEMO: tuple[tuple[str, str, Role, str, str | None], ...] = (
    ("guard", "Border guard, Paris CDG", Role.BORDER_GUARD, "FRA-PAF", "FRA-CDG"),
    ("guard-land", "Border guard, Bajakovo", Role.BORDER_GUARD, "HRV-GRANICNA", "HRV-BAJ"),
    ("guard-orly", "Border guard, Paris Orly", Role.BORDER_GUARD, "FRA-PAF", "FRA-ORY"),
    ("immigration", "Immigration officer", Role.IMMIGRATION_AUTHORITY, "FRA-DGEF", None),
    ("carrier", "Airline check-in agent", Role.CARRIER, "CARRIER-LX", None),
    ("traveller", "A traveller", Role.TRAVELLER, "PUBLIC", None),
    ("admin", "EES administrator", Role.ADMINISTRATOR, "FRA-ANTS", None),
    ("police", "Police officer, Lyon", Role.POLICE, "FRA-DGPN", None),
    ("designated", "Designated authority officer", Role.DESIGNATED_AUTHORITY, "FRA-DGSI", None),
)


@lru_cache(maxsize=1)
def demo_users() -> tuple[User, ...]:
    """The demo users, all with the password `limes-demo`."""
    return tuple(
        User(user_id, name, role, authority, hash_password(DEMO_PASSWORD), post)
        for user_id, name, role, authority, post in _DEMO
    )
