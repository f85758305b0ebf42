"""Which MID authority a signed-in user acts for (2019/817 Art 29)."""

from __future__ import annotations

from limes.access.models import Role, User
from limes.interop.mid.domain.models import AuthorityKind, ResponsibleAuthority

__all__ = ["READERS", "acting_authority"]

# Who may read the verification queue: the officers who verify, and those who supervise.
READERS = (Role.BORDER_GUARD, Role.IMMIGRATION_AUTHORITY, Role.ADMINISTRATOR)


def acting_authority(user: User) -> ResponsibleAuthority | None:
    """The authority whose yellow links the user verifies, or None when they verify none.

    limes' users carry a national authority code ("FRA-PAF"), not an Art 29 authority.
    A border guard acts for the border authority, which verifies the links that EES
    files create (Art 29(1)(a)); other roles read the queue without deciding. limes
    does not yet record which Member State created an EES file, so the border
    authority is one for all states: a documented simplification.
    """
    if user.role is Role.BORDER_GUARD:
        return ResponsibleAuthority(AuthorityKind.BORDER)
    return None
