"""Errors of the MID: why a link cannot be created, decided or filed."""

from __future__ import annotations

from limes.core.errors import AccessDenied, Conflict, InvalidRequest


class UnknownSystem(InvalidRequest):
    """A record reference names a system the MID does not link (Art 25(2))."""

    code = "mid-unknown-system"
    title = "Unknown source system"


class InconsistentEvidence(InvalidRequest):
    """The detection evidence contradicts itself, e.g. a biometric match without biometrics."""

    code = "mid-inconsistent-evidence"
    title = "Inconsistent detection evidence"


class AuthorityUndetermined(InvalidRequest):
    """The responsible authority cannot be determined from what was given (Art 29)."""

    code = "mid-authority-undetermined"
    title = "Responsible authority cannot be determined"


class InvalidDecision(InvalidRequest):
    """A manual-verification decision is malformed (Art 29, 31-33)."""

    code = "mid-invalid-decision"
    title = "Invalid manual-verification decision"


class JustificationRequired(InvalidRequest):
    """A red link needs the reason the use of identities is unjustified (Art 32)."""

    code = "mid-justification-required"
    title = "Justification required for a red link"


class LinkAlreadyDecided(Conflict):
    """The link's colour is no longer the one the officer saw: another decision moved it."""

    code = "mid-link-already-decided"
    title = "Link already decided"


class LinkNotPending(Conflict):
    """The link is not yellow, so no manual verification is pending (Art 30)."""

    code = "mid-link-not-pending"
    title = "No manual verification pending for this link"


class UnrelatedLink(InvalidRequest):
    """The link shares no record with the identity confirmation file (Art 34)."""

    code = "mid-unrelated-link"
    title = "Link does not belong to this identity confirmation file"


class NotResponsibleAuthority(AccessDenied):
    """Only the authority responsible under Art 29 may verify the link."""

    code = "mid-not-responsible-authority"
    title = "Not the authority responsible for this link"


class ColourNotAllowed(InvalidRequest):
    """The decided colour is not one the articles allow for the link's evidence (Art 31-33)."""

    code = "mid-colour-not-allowed"
    title = "Colour not allowed for this link"


class SameSystemLink(InvalidRequest):
    """A link must join data of two systems (Art 27-28)."""

    code = "mid-same-system-link"
    title = "A link joins data of two systems"
