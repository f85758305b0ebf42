"""Which signed-in users may use which CIR operation (Reg. (EU) 2019/817 Art 20, 22, 24)."""

from __future__ import annotations

from limes.access.models import Role, User
from limes.interop.cir.errors import RoleNotAuthorised
from limes.interop.cir.logs import CirOperation

__all__ = ["ALLOWED_ROLES", "SUPERVISORS", "require_operation_role", "require_supervisor"]

# Art 20(1): police authorities identify; Art 22(1): designated authorities (and
# Europol, which limes has no user for) learn which systems hold data.
ALLOWED_ROLES: dict[CirOperation, tuple[Role, ...]] = {
    CirOperation.POLICE_IDENTIFICATION: (Role.POLICE,),
    CirOperation.HIT_FLAG: (Role.DESIGNATED_AUTHORITY,),
}
# Who reads the access log for data-protection monitoring (Art 24).
SUPERVISORS = (Role.ADMINISTRATOR,)

_WHAT: dict[CirOperation, str] = {
    CirOperation.POLICE_IDENTIFICATION: (
        "Police identification in the CIR is for police authorities (Reg. (EU) 2019/817 Art 20(1))"
    ),
    CirOperation.HIT_FLAG: (
        "The CIR hit flag is for designated law-enforcement authorities "
        "(Reg. (EU) 2019/817 Art 22(1))"
    ),
}


def require_operation_role(user: User, operation: CirOperation) -> None:
    """Refuse a user whose role the law does not let use `operation` (Art 20(1), 22(1))."""
    allowed = ALLOWED_ROLES[operation]
    if user.role not in allowed:
        raise RoleNotAuthorised(
            f"{_WHAT[operation]}; your role is {user.role.value}. "
            f"Sign in as a user with the role {' or '.join(r.value for r in allowed)}."
        )


def require_supervisor(user: User) -> None:
    """Refuse a user who does not supervise the CIR access log (Art 24)."""
    if user.role not in SUPERVISORS:
        raise RoleNotAuthorised(
            "The CIR access log is read by the administrators who supervise data protection "
            f"(Reg. (EU) 2019/817 Art 24); your role is {user.role.value}."
        )
