"""The manual-verification queue of the MID (2019/817 Art 29-33), as server-rendered pages.

The queue lists yellow links oldest first with their deadlines; a link's page shows the
two identities side by side with the trail of what matched and why, and a form that
records the decision through `MidService.decide`. The pages hold no rule of their own
and work without JavaScript: the form is a plain POST, answered with a redirect.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from limes.access.models import User
from limes.core.errors import AccessDenied, DomainError, NotFound
from limes.interop.mid.domain.errors import InvalidDecision, LinkAlreadyDecided
from limes.interop.mid.domain.models import LinkColour, ResponsibleAuthority
from limes.interop.mid.domain.rules import verifies_link
from limes.interop.mid.officers import READERS, acting_authority
from limes.interop.mid.service import LinkCase
from limes.web.deps import services_of
from limes.web.errors import status_for
from limes.web.pages import page_templates
from limes.web.session import signed_in_user, to_login, user_context

templates = page_templates(Path(__file__).parent / "templates")

QUEUE_PATH = "/mid/queue"

router = APIRouter(include_in_schema=False)

# What each decision means, as the form explains it (Art 31-33).
DECISIONS = (
    (LinkColour.WHITE, "White: the same person, legitimately (Art 33(1)(d))"),
    (LinkColour.GREEN, "Green: different persons who share identity data legitimately (Art 31)"),
    (LinkColour.RED, "Red: unjustified use of identities (Art 32); say why"),
)
# Identity fields shown side by side, with their labels.
FIELDS = (
    ("surname", "Surname"),
    ("given_names", "Given names"),
    ("dob", "Date of birth"),
    ("sex", "Sex"),
    ("nationality", "Nationality"),
    ("doc_number", "Document number"),
    ("doc_country", "Issuing state"),
)


def authority_label(code: str) -> str:
    """A readable name for an authority code stored on a link."""
    try:
        return ResponsibleAuthority.parse(code).label
    except ValueError:
        return code


templates.env.filters["authority"] = authority_label


def _reader(request: Request) -> tuple[User | None, Response | None]:
    user = signed_in_user(request)
    if user is None:
        return None, to_login(request.url.path)
    if user.role not in READERS:
        page = templates.TemplateResponse(
            request,
            "mid_denied.html",
            {"user": user_context(user)},
            status_code=403,
        )
        return user, page
    return user, None


@router.get(QUEUE_PATH, response_class=HTMLResponse, response_model=None)
def queue_page(request: Request) -> Response:
    """Yellow links awaiting manual verification, oldest first, with their deadlines."""
    user, refused = _reader(request)
    if refused is not None or user is None:
        return refused or to_login(QUEUE_PATH)
    authority = acting_authority(user)
    mid = services_of(request).mid
    return templates.TemplateResponse(
        request,
        "mid_queue.html",
        {
            "user": user_context(user),
            "pending": mid.pending(authority, 200),
            "total": mid.count_pending(authority),
            "authority": authority,
            "detection": mid.detection_lag(),
        },
    )


@router.get("/mid/links/{link_id}", response_class=HTMLResponse, response_model=None)
def link_page(request: Request, link_id: str) -> Response:
    """One link: both identities side by side, the reasons, the deadline, the decision form."""
    user, refused = _reader(request)
    if refused is not None or user is None:
        return refused or to_login(request.url.path)
    decided = request.query_params.get("decided")
    notice = f"Decision recorded: the link is now {decided}." if decided else None
    return _case_response(request, user, link_id, notice=notice)


@router.post("/mid/links/{link_id}/decision", response_class=HTMLResponse, response_model=None)
async def decision_form(request: Request, link_id: str) -> Response:
    """Record the officer's decision, then show the link; a refusal shows why and the state."""
    form = {
        k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()
    }
    # The decision is a database write: on a thread, never on the event loop.
    return await run_in_threadpool(_decide, request, link_id, form)


def _decide(request: Request, link_id: str, form: dict[str, str]) -> Response:
    user, refused = _reader(request)
    if refused is not None or user is None:
        return refused or to_login(request.url.path)
    authority = acting_authority(user)
    try:
        colour = _colour(form.get("colour"), "the decision")
        expected = _colour(form.get("expected_colour"), "the colour you saw")
        if authority is None:
            raise _not_yours()
        services_of(request).mid.decide(
            link_id,
            colour,
            decided_by=user.user_id,
            authority=authority.code,
            justification=form.get("justification", ""),
            expected_colour=expected,
        )
    except DomainError as error:
        return _case_response(
            request,
            user,
            link_id,
            problem=error.detail,
            already_decided=isinstance(error, LinkAlreadyDecided),
            justification=form.get("justification", ""),
            status_code=status_for(error),
        )
    return RedirectResponse(
        f"/mid/links/{quote(link_id)}?decided={quote(colour.value)}", status_code=303
    )


def _colour(value: str | None, what: str) -> LinkColour:
    try:
        return LinkColour(value or "")
    except ValueError:
        raise InvalidDecision(f"Choose {what}: white, green or red.") from None


def _not_yours() -> DomainError:
    return AccessDenied(
        "Only the authority responsible under Art 29 decides a link; your role reads the queue."
    )


def _case_response(
    request: Request,
    user: User,
    link_id: str,
    *,
    notice: str | None = None,
    problem: str | None = None,
    already_decided: bool = False,
    justification: str = "",
    status_code: int = 200,
) -> Response:
    try:
        case = services_of(request).mid.case(link_id)
    except NotFound as error:
        return templates.TemplateResponse(
            request,
            "mid_missing.html",
            {"user": user_context(user), "detail": error.detail},
            status_code=404,
        )
    authority = acting_authority(user)
    return templates.TemplateResponse(
        request,
        "mid_link.html",
        {
            "user": user_context(user),
            "case": case,
            "rows": _rows(case),
            "may_decide": (
                authority is not None
                and case.link.colour is LinkColour.YELLOW
                and verifies_link(authority, case.link)
            ),
            "decisions": DECISIONS,
            "notice": notice,
            "problem": problem,
            "already_decided": already_decided,
            "justification": justification,
            "overdue": case.deadline is not None
            and case.deadline < services_of(request).clock.now(),
        },
        status_code=status_code,
    )


def _rows(case: LinkCase) -> list[tuple[str, str, str, bool]]:
    """(label, value on A, value on B, whether they differ) for the side-by-side table."""
    rows = []
    for name, label in FIELDS:
        a = _value(case.a.identity if case.a else None, name)
        b = _value(case.b.identity if case.b else None, name)
        rows.append((label, a, b, a != b))
    return rows


def _value(identity: object, name: str) -> str:
    if identity is None:
        return ""
    value = getattr(identity, name)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
