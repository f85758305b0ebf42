"""Which MID authority a signed-in user acts for (2019/817 Art 29)."""

from __future__ import annotations

from limes.access.models import Role, User
from limes.interop.mid.domain.models import AuthorityKind, ResponsibleAuthority

__all__ = ["READERS", "acting_authority", "member_state_of"]

# Who may read the verification queue: the officers who verify, and those who supervise.
READERS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR)


def acting_authority(user: User) -> ResponsibleAuthority | None:
    """The authority whose yellow links the user verifies, or None when they verify none.

    A border guard acts for the border authority of their Member State (Art 29(1)(a)),
    the alpha-3 code that begins their national authority code ("FRA-PAF": France);
    other roles read the queue without deciding.
    """
    if user.role is Role.BORDER_GUARD:
        return ResponsibleAuthority(AuthorityKind.BORDER, member_state_of(user.authority))
    return None


def member_state_of(authority: str) -> str | None:
    """The Member State an authority code names first ("FRA" of "FRA-PAF"), or None."""
    state = authority.split("-", 1)[0]
    return state if len(state) == 3 and state.isalpha() and state.isupper() else None
