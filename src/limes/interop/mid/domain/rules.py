"""Legal rules of the MID as pure functions, each citing its article (2019/817 and 2019/818).

Where the Regulations leave a choice, limes' reading is said so in the docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType

from limes.core.errors import FieldError
from limes.core.limits import MAX_JUSTIFICATION_CHARS
from limes.interop.mid.domain.errors import (
    AuthorityUndetermined,
    ColourNotAllowed,
    InconsistentEvidence,
    InvalidDecision,
    JustificationRequired,
    LinkAlreadyDecided,
    LinkNotPending,
    NotResponsibleAuthority,
    SameSystemLink,
    UnrelatedLink,
)
from limes.interop.mid.domain.models import (
    AuthorityKind,
    BiometricOutcome,
    IdentityConfirmationFile,
    Link,
    LinkColour,
    LinkedSystem,
    RecordRef,
    ResponsibleAuthority,
    Verification,
    linked_system,
)
from limes.matching.results import Outcome

_AGREE = frozenset({Outcome.SAME, Outcome.SIMILAR})
# Art 31, 32 and 33(1)(d): the colours manual verification may give a yellow link.
DECISION_COLOURS = frozenset({LinkColour.GREEN, LinkColour.RED, LinkColour.WHITE})
# Art 34(a) lists the red, white and green links; a yellow link is still pending.
FILED_COLOURS = frozenset({LinkColour.RED, LinkColour.WHITE, LinkColour.GREEN})

# The Regulations ask for manual verification "without delay" (Art 29) and set no
# hours. These are limes' service levels, not law: a border guard decides while the
# traveller waits (SBC Art 8(4a)); the ETIAS Central Unit mirrors its 12-hour hit
# verification (2018/1240 Art 22(6)); the rest get working-week scale targets.
DEFAULT_VERIFICATION_DEADLINES: Mapping[AuthorityKind, timedelta] = MappingProxyType(
    {
        AuthorityKind.BORDER: timedelta(hours=8),
        AuthorityKind.VISA: timedelta(hours=48),
        AuthorityKind.VIS_DESIGNATED: timedelta(hours=48),
        AuthorityKind.ETIAS_CENTRAL_UNIT: timedelta(hours=12),
        AuthorityKind.ETIAS_NATIONAL_UNIT: timedelta(hours=48),
        AuthorityKind.SIRENE: timedelta(hours=12),
        AuthorityKind.ECRIS_CENTRAL_AUTHORITY: timedelta(days=5),
        AuthorityKind.EURODAC_AUTHORITY: timedelta(hours=48),
    }
)


def joins_two_systems(a: RecordRef, b: RecordRef) -> bool:
    """Art 27-28: whether a link may join these records: data of two different systems.

    Multiple-identity detection compares the data a system creates or updates with the
    data of the other EU information systems (Art 27(1)-(2)); a link joins data "in two
    or more" of them (Art 25(1), 34). Two files of one system for one person are that
    system's own matter: the EES keeps one file per person and merges them (Reg. (EU)
    2017/2226 Art 23(2)-(4), 27), so no link is made between them.
    """
    return linked_system(a.system) is not linked_system(b.system)


def require_colour_allowed(
    colour: LinkColour, biometrics: BiometricOutcome, same_document: bool
) -> None:
    """Art 31-33(1)(d): refuse a decided colour the articles do not allow for the evidence.

    White by manual verification, Art 33(1)(d): the same biometric data (with similar or
    different identity data). Green, Art 31: never the same biometric data, which are
    one person's. Red, Art 32: the same biometric data (a), different biometric data
    (b)-(c), or the same travel document without biometrics (d); not identity data
    alone, with nothing biometric or documentary behind them. limes' reading: a yellow
    link on similar identity data alone (no biometrics, no common document) may be
    closed green, two persons, whatever Art 31's cases, so that no link stays pending
    for want of a colour the officer may give.
    """
    if colour is LinkColour.WHITE and biometrics is not BiometricOutcome.SAME:
        raise ColourNotAllowed(
            f"A white link by manual verification needs the same biometric data (Art "
            f"33(1)(d)); the biometrics of this link are {biometrics}. Decide green if "
            "these are two persons, or red if the use of identities is unjustified."
        )
    if colour is LinkColour.GREEN and biometrics is BiometricOutcome.SAME:
        raise ColourNotAllowed(
            "A green link joins data of two different persons (Art 31), but the biometric "
            "data of this link are the same person's: decide white (Art 33(1)(d)) or red "
            "(Art 32(a))."
        )
    no_basis = biometrics is BiometricOutcome.ABSENT and not same_document
    if colour is LinkColour.RED and no_basis:
        raise ColourNotAllowed(
            "A red link needs the same or different biometric data, or the same travel "
            "document where biometrics are missing (Art 32(1)(a)-(d)); this link has none."
        )


def initial_colour(
    identity: Outcome,
    biometrics: BiometricOutcome,
    same_document: bool,
    any_without_biometrics: bool,
) -> tuple[LinkColour, str] | None:
    """Art 28, 30 and 33(1)(a)-(c): the colour of a newly detected link and why.

    Args:
        identity: the matching verdict on the identity data (2023/333, 2023/332);
            "absent" counts as not agreeing.
        biometrics: what the sBMS found.
        same_document: whether both records hold the same travel document data.
        any_without_biometrics: whether at least one system holds no biometrics on the person.

    Returns:
        The colour with one sentence naming the case, or None when nothing links the
        records (Art 28(1): no match on biometrics, identity or document data).
    """
    if biometrics is not BiometricOutcome.ABSENT and any_without_biometrics:
        raise InconsistentEvidence(
            f"the sBMS compared biometrics ({biometrics}) but a record is said to hold none"
        )
    without_biometrics = any_without_biometrics or biometrics is BiometricOutcome.ABSENT
    agree = identity in _AGREE
    same_biometrics = biometrics is BiometricOutcome.SAME
    if not agree and not same_biometrics and not same_document:
        return None
    if same_biometrics and same_document and identity is Outcome.SIMILAR:
        return LinkColour.WHITE, (
            "White link, Art 33(1)(c): same biometric data, same travel document and similar "
            "identity data."
        )
    if same_biometrics and agree:
        return LinkColour.WHITE, (
            f"White link, Art 33(1)(a): same biometric data and {identity} identity data."
        )
    if agree and same_document and without_biometrics:
        return LinkColour.WHITE, (
            f"White link, Art 33(1)(b): {identity} identity data and the same travel document, "
            "and at least one system holds no biometric data."
        )
    return LinkColour.YELLOW, _yellow_reason(identity, biometrics, same_document)


def _yellow_reason(identity: Outcome, biometrics: BiometricOutcome, same_document: bool) -> str:
    agree = identity in _AGREE
    if biometrics is BiometricOutcome.SAME:
        case = f"same biometric data but {identity} identity data"
    elif agree and biometrics is BiometricOutcome.DIFFERENT:
        case = f"{identity} identity data but different biometric data"
    elif same_document and not agree:
        case = f"the same travel document but {identity} identity data"
    else:
        case = f"{identity} identity data with no biometric or travel-document confirmation"
    return f"Yellow link, Art 30: {case}; manual verification pending (Art 29)."


def create_link(
    link_id: str,
    a: RecordRef,
    b: RecordRef,
    *,
    colour: tuple[LinkColour, str],
    authority: ResponsibleAuthority,
    at: datetime,
    evidence: tuple[str, ...] = (),
) -> Link:
    """Art 28(3)-(4): a new link of the colour `initial_colour` gave, with its evidence trail."""
    found, reason = colour
    if found not in (LinkColour.WHITE, LinkColour.YELLOW):
        raise InvalidDecision(f"detection creates white or yellow links only, not {found}")
    if not joins_two_systems(a, b):
        raise SameSystemLink(
            f"{a} and {b} are both {a.system} data: a link joins data of two systems "
            "(Art 27-28); one system's files of one person are merged by that system"
        )
    return Link(link_id, a, b, found, (*evidence, reason), at, at, authority.code)


def responsible_authority(
    a: RecordRef,
    b: RecordRef,
    creating_system: str,
    *,
    sis_alert: bool = False,
    member_state: str | None = None,
    alert_issuing_state: str | None = None,
) -> ResponsibleAuthority:
    """Art 29: the authority that verifies a link, from the system whose data triggered it.

    Args:
        a: one linked record.
        b: the other linked record.
        creating_system: the system whose create or update triggered detection (Art 27).
        sis_alert: the link involves a SIS alert named in Art 29(2) (arrest, missing or
            vulnerable persons, judicial procedure, checks, unknown suspects).
        member_state: the Member State creating or updating the data (or convicting, for
            ECRIS-TCN); for ETIAS it names the National Unit handling the application.
        alert_issuing_state: the Member State that issued the SIS alert (Art 29(2)).

    Returns:
        The responsible authority; its `code` is what links store.
    """
    creating = linked_system(creating_system)
    systems = (linked_system(a.system), linked_system(b.system))
    if creating not in systems:
        raise AuthorityUndetermined(
            f"the link joins {a.system} and {b.system} data; {creating} cannot have created it"
        )
    if sis_alert:
        if LinkedSystem.SIS not in systems:
            raise AuthorityUndetermined("Art 29(2) applies only to links involving SIS data")
        if alert_issuing_state is None:
            raise AuthorityUndetermined("Art 29(2) needs the Member State that issued the alert")
        return ResponsibleAuthority(AuthorityKind.SIRENE, alert_issuing_state)
    other = systems[1] if systems[0] is creating else systems[0]
    if creating is LinkedSystem.VIS and other is LinkedSystem.ECRIS_TCN:
        return ResponsibleAuthority(AuthorityKind.VIS_DESIGNATED, member_state)
    if creating is LinkedSystem.ETIAS:
        # limes' reading of Art 29(1)(c): the Central Unit verifies unless the
        # application is already with a Member State's National Unit (2018/1240 Art 25-26).
        if member_state is None:
            return ResponsibleAuthority(AuthorityKind.ETIAS_CENTRAL_UNIT)
        return ResponsibleAuthority(AuthorityKind.ETIAS_NATIONAL_UNIT, member_state)
    return ResponsibleAuthority(_BY_SYSTEM[creating], member_state)


_BY_SYSTEM: Mapping[LinkedSystem, AuthorityKind] = MappingProxyType(
    {
        LinkedSystem.EES: AuthorityKind.BORDER,
        LinkedSystem.VIS: AuthorityKind.VISA,
        LinkedSystem.SIS: AuthorityKind.SIRENE,
        LinkedSystem.ECRIS_TCN: AuthorityKind.ECRIS_CENTRAL_AUTHORITY,
        LinkedSystem.EURODAC: AuthorityKind.EURODAC_AUTHORITY,
    }
)


def verifies(acting: ResponsibleAuthority, responsible: ResponsibleAuthority) -> bool:
    """Art 29(1): whether an officer acting for `acting` verifies a link of `responsible`.

    The authority of the same kind and Member State; a link whose data carried no
    Member State (stored before limes recorded it) by that kind of authority in any.
    """
    if acting.kind is not responsible.kind:
        return False
    return responsible.member_state is None or responsible.member_state == acting.member_state


def verifies_link(acting: ResponsibleAuthority, link: Link) -> bool:
    """Art 29(1): whether an officer acting for `acting` verifies this link."""
    try:
        return verifies(acting, ResponsibleAuthority.parse(link.responsible_authority))
    except ValueError:
        return False


def verified_codes(acting: ResponsibleAuthority) -> tuple[str, ...]:
    """The authority codes of the links `acting` verifies (`verifies`), for the queue."""
    stateless = ResponsibleAuthority(acting.kind).code
    return (acting.code,) if acting.code == stateless else (acting.code, stateless)


def decide(
    link: Link,
    decision_colour: LinkColour,
    decided_by: str,
    authority: str,
    at: datetime,
    justification: str,
    expected_colour: LinkColour,
    evidence: tuple[BiometricOutcome, bool] | None = None,
) -> Link:
    """Art 29, 31-33(1)(d): record a manual verification of a yellow link.

    Args:
        link: the link as stored now.
        decision_colour: green (Art 31), red (Art 32) or white (Art 33(1)(d)).
        decided_by: the officer's user id.
        authority: the code of the authority the officer acts for.
        at: when the decision is taken, timezone-aware.
        justification: why; required for red.
        expected_colour: the colour the officer saw when deciding; a mismatch means
            another decision came first, and that one stands.
        evidence: what the sBMS finds for the pair now and whether the two hold the same
            travel document; the colour must be one the articles allow for it
            (`require_colour_allowed`).

    Returns:
        The link with the decided colour and the decision recorded; the input is unchanged.
    """
    if not verifies(_authority(authority), _authority(link.responsible_authority)):
        raise NotResponsibleAuthority(
            f"link {link.link_id} is verified by {link.responsible_authority}, not {authority}"
        )
    if link.verification is not None or expected_colour is not link.colour:
        raise LinkAlreadyDecided(f"link {link.link_id} {_current_state(link)}; reload it")
    if link.colour is not LinkColour.YELLOW:
        raise LinkNotPending(
            f"link {link.link_id} is {link.colour}, set automatically; only yellow links are "
            "verified manually"
        )
    if decision_colour not in DECISION_COLOURS:
        raise InvalidDecision(f"a decision sets green, red or white, not {decision_colour}")
    if not decided_by.strip():
        raise InvalidDecision("a decision needs the deciding officer")
    if at.tzinfo is None or at < link.updated_at:
        raise InvalidDecision("a decision needs a timezone-aware time after the link's last update")
    if len(justification) > MAX_JUSTIFICATION_CHARS:
        raise InvalidDecision(
            f"a justification is at most {MAX_JUSTIFICATION_CHARS:,} characters; "
            f"this one has {len(justification):,}",
            [FieldError("justification", f"at most {MAX_JUSTIFICATION_CHARS:,} characters")],
        )
    if decision_colour is LinkColour.RED and not justification.strip():
        raise JustificationRequired(
            "say why the use of identities is unjustified (Art 32) before marking the link red"
        )
    if evidence is not None:
        require_colour_allowed(decision_colour, *evidence)
    verification = Verification(decided_by, authority, at, decision_colour, justification.strip())
    reason = f"{_DECISION_ARTICLE[decision_colour]} by {decided_by} ({authority})" + (
        f": {verification.justification}" if verification.justification else "."
    )
    return replace(
        link,
        colour=decision_colour,
        reasons=(*link.reasons, reason),
        updated_at=at,
        verification=verification,
    )


def _authority(code: str) -> ResponsibleAuthority:
    try:
        return ResponsibleAuthority.parse(code)
    except ValueError:
        raise NotResponsibleAuthority(f"{code!r} names no Art 29 authority") from None


_DECISION_ARTICLE: Mapping[LinkColour, str] = MappingProxyType(
    {
        LinkColour.GREEN: "Green, Art 31: different persons, legitimately, decided",
        LinkColour.RED: "Red, Art 32: unjustified use of identities, decided",
        LinkColour.WHITE: "White, Art 33(1)(d): the same person, legitimately, decided",
    }
)


def _current_state(link: Link) -> str:
    v = link.verification
    if v is None:
        return f"is {link.colour} with no decision recorded"
    return f"was already decided {v.colour} by {v.decided_by} ({v.authority}) at {v.decided_at.isoformat()}"


def identity_confirmation_file(
    link: Link,
    *,
    icf_id: str,
    single_identification_number: str,
    at: datetime,
    existing: IdentityConfirmationFile | None = None,
) -> IdentityConfirmationFile | None:
    """Art 34: the identity confirmation file holding `link`, created or updated.

    Args:
        link: a link just created or decided.
        icf_id: the identifier for a new file; ignored when `existing` is given.
        single_identification_number: the number for a new file (Art 34(c)); ignored
            when `existing` is given, whose number never changes.
        at: when the file is written.
        existing: the file already holding a link of the same person, if any.

    Returns:
        The file, or None for a yellow link, which has no file until it is verified
        (limes' reading: Art 34(a) lists red, white and green links).
    """
    if link.colour not in FILED_COLOURS:
        return None
    if existing is None:
        return IdentityConfirmationFile(
            icf_id, single_identification_number, (link,), link.responsible_authority, at, at
        )
    if existing.records().isdisjoint(link.records()):
        raise UnrelatedLink(
            f"link {link.link_id} shares no record with identity confirmation file {existing.icf_id}"
        )
    kept = tuple(old for old in existing.links if old.link_id != link.link_id)
    return replace(
        existing,
        links=(*kept, link),
        responsible_authority=link.responsible_authority,
        updated_at=max(at, existing.updated_at),
    )


def verification_deadline(
    link: Link,
    deadlines: Mapping[AuthorityKind, timedelta] = DEFAULT_VERIFICATION_DEADLINES,
) -> datetime:
    """Art 29 ("without delay"): when limes expects a yellow link to be verified.

    The hours are limes' service levels (`DEFAULT_VERIFICATION_DEADLINES`), counted from
    the link's creation; pass other `deadlines` to change them.
    """
    if link.colour is not LinkColour.YELLOW:
        raise LinkNotPending(f"link {link.link_id} is {link.colour}; no verification is pending")
    kind = ResponsibleAuthority.parse(link.responsible_authority).kind
    return link.created_at + deadlines[kind]
