"""Errors of CIR access: why a police identification or a hit-flag query was refused."""

from __future__ import annotations

from limes.core.errors import AccessDenied, InvalidRequest

__all__ = [
    "ChildUnderTwelve",
    "EmptyQuery",
    "MalformedTemplate",
    "NoLegalGround",
    "NoStatedPurpose",
    "NotCapturedLive",
    "RoleNotAuthorised",
]


class NoLegalGround(AccessDenied):
    """None of the grounds of Reg. (EU) 2019/817 Art 20(1) was stated."""

    code = "cir-no-legal-ground"
    title = "No legal ground for police identification"


class NotCapturedLive(InvalidRequest):
    """The biometrics were not taken live in the person's presence (Reg. (EU) 2019/817 Art 20(1))."""

    code = "cir-not-captured-live"
    title = "Biometric data not captured live"


class ChildUnderTwelve(AccessDenied):
    """The person is, or may be, under 12 and the child's interest was not stated (Art 20(1))."""

    code = "cir-child-under-twelve"
    title = "Child under twelve"


class NoStatedPurpose(AccessDenied):
    """The request names no requesting authority or no purpose (Reg. (EU) 2019/817 Art 20(1), 22(1))."""

    code = "cir-no-stated-purpose"
    title = "Requesting authority or purpose missing"


class EmptyQuery(InvalidRequest):
    """The query holds nothing to search with: no document, no templates or no age."""

    code = "cir-empty-query"
    title = "Nothing to search with"


class MalformedTemplate(InvalidRequest):
    """A probe is not in the template format the sBMS compares (`limes.biometrics.vectors`)."""

    code = "cir-malformed-template"
    title = "Malformed biometric template"


class RoleNotAuthorised(AccessDenied):
    """The user's role is not one the law lets use this CIR operation (Art 20(1), 22(1), 24)."""

    code = "cir-role-not-authorised"
    title = "Role not authorised for this CIR operation"
