"""Roles and users."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a user may do; each role has a default purpose for the access log."""

    BORDER_GUARD = "border_guard"
    IMMIGRATION_AUTHORITY = "immigration_authority"
    CARRIER = "carrier"
    TRAVELLER = "traveller"
    ADMINISTRATOR = "administrator"
    # A police authority's officer: identification in the CIR (Reg. (EU) 2019/817 Art 20).
    POLICE = "police"
    # A designated law-enforcement authority: the CIR hit flag (Reg. (EU) 2019/817 Art 22).
    DESIGNATED_AUTHORITY = "designated_authority"


DEFAULT_PURPOSE: dict[Role, str] = {
    Role.BORDER_GUARD: "border_check",  # EES Art 23
    Role.IMMIGRATION_AUTHORITY: "in_territory_check",  # EES Art 26
    Role.CARRIER: "carrier_verification",  # EES Art 13(3)
    Role.TRAVELLER: "own_stay_check",  # EES Art 13(1)
    Role.ADMINISTRATOR: "system_administration",  # EES Art 9(1)
    Role.POLICE: "identity_check",  # Reg. (EU) 2019/817 Art 20(1)
    Role.DESIGNATED_AUTHORITY: "serious_crime_investigation",  # Reg. (EU) 2019/817 Art 22(1)
}


@dataclass(frozen=True, slots=True)
class User:
    """A user of limes: who, in which role, for which authority."""

    user_id: str
    name: str
    role: Role
    authority: str
    password_hash: str
    # Where the user serves: a border guard's crossing point (its code, e.g. "FRA-CDG"),
    # where the desk starts. None for a role that serves at no crossing point.
    post: str | None = None
