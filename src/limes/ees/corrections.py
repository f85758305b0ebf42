"""Corrections of the EES record by the competent authorities, each logged (EES Art 46).

Rebuttal of a presumed overstay (Art 20), decisions extending, revoking or annulling
the authorised stay (Art 19), rectification of the record or of the identity data in
the CIR and advance erasure (Art 35), and the outbox of notices to the Member States
(Art 34). The API decides which roles may ask; this module decides, with the law,
which Member State may change which data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from limes.core.clock import Clock
from limes.core.errors import AccessDenied, FieldError, InvalidRequest
from limes.core.identity import Name, PartialDate
from limes.ees.domain.corrections import (
    AdvanceErasureGround,
    ErasureNotice,
    InvalidStayDecision,
    NothingToRectify,
    NoticeNotFound,
    NotResponsibleMemberState,
    StayDecision,
    StayDecisionKind,
    end_stay,
    extend_stay,
    log_erasure_date,
    may_change_data_of,
    rebut,
)
from limes.ees.domain.errors import FileNotFound, RecordNotFound
from limes.ees.domain.models import (
    EntryExitRecord,
    EvidenceKind,
    IndividualFile,
    RefusalReason,
    RefusalRecord,
)
from limes.ees.outcomes import Actor, new_id
from limes.ees.ports import EesStore, EesUnitOfWork
from limes.interop.cir.models import IdentityData, IdentityFile


def acting_state(actor: Actor) -> str | None:
    """The Member State an authority code names first ("FRA" of "FRA-PAF"), or None."""
    state = actor.authority.split("-", 1)[0]
    return state if len(state) == 3 and state.isalpha() and state.isupper() else None


@dataclass(frozen=True, slots=True)
class FileView:
    """An individual file with its records and the decisions on its stays."""

    individual_file: IndividualFile
    identity: IdentityFile | None
    entries: tuple[EntryExitRecord, ...]
    refusals: tuple[RefusalRecord, ...]
    decisions: tuple[StayDecision, ...]
    responsible_state: str | None


@dataclass(frozen=True, slots=True)
class StayDecisionRequest:
    """What a competent authority decided on an authorised stay (EES Art 19(1))."""

    kind: StayDecisionKind
    decided_on: date
    place: str
    grounds: str
    new_until: date | None = None  # the extended end, or the day a revoked stay ends
    visa_sticker_number: str | None = None  # the new sticker of an extended visa
    revocation_reasons: tuple[RefusalReason, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordRectification:
    """Corrected data of an entry/exit record (EES Art 35(1)); None leaves a field."""

    entry_at: datetime | None = None
    entry_crossing_point: str | None = None
    exit_at: datetime | None = None
    exit_crossing_point: str | None = None


@dataclass(frozen=True, slots=True)
class IdentityRectification:
    """Corrected identity data of the file's CIR record (EES Art 35(1)); None leaves it."""

    surname: str | None = None
    given_names: str | None = None
    date_of_birth: PartialDate | None = None
    sex: str | None = None
    nationalities: tuple[str, ...] | None = None


class EesCorrections:
    """Rebuttal, stay decisions, rectification, advance erasure and the notice outbox."""

    def __init__(self, store: EesStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # --- reading ----------------------------------------------------------------------

    def file_view(self, actor: Actor, file_id: str) -> FileView:
        """An individual file, its records and the decisions on its stays; logged (Art 46)."""
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            view = self._view(uow, file_id)
            uow.ees.log_access(actor.access(now, "read_file", references=(file_id,)))
        return view

    def _view(self, uow: EesUnitOfWork, file_id: str) -> FileView:
        individual_file = uow.ees.get_file(file_id)
        if individual_file is None:
            raise FileNotFound(f"No individual file has the id {file_id!r}.")
        entries = tuple(uow.ees.entries(file_id))
        identity = uow.identities.get(individual_file.cir_id)
        return FileView(
            individual_file=individual_file,
            identity=identity,
            entries=entries,
            refusals=tuple(uow.ees.refusals(file_id)),
            decisions=tuple(uow.ees.stay_decisions(file_id)),
            responsible_state=_file_state(uow, identity, entries),
        )

    # --- Art 20: rebuttal -------------------------------------------------------------

    def rebut(
        self,
        actor: Actor,
        record_id: str,
        kind: EvidenceKind,
        description: str,
        exit_on: date,
    ) -> EntryExitRecord:
        """EES Art 20: record the evidence and set the exit it proves.

        The overstay flag, the overstayer list, retention (counted from the exit,
        Art 34(1)), the file's last exit and the next entry's calculation all follow.
        """
        description = description.strip()
        if not description:
            raise InvalidRequest(
                "Describe the evidence that rebuts the overstay.",
                [FieldError("evidence", "must not be blank")],
            )
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            record = _entry(uow, record_id)
            rebutted = rebut(record, kind, description, exit_on, self._clock.today(), now)
            uow.ees.update_entry(rebutted)
            _refresh_last_exit(uow, record.file_id, now)
            uow.ees.log_access(
                actor.access(
                    now,
                    "rebut_overstay",
                    query={
                        "record_id": record_id,
                        "evidence": kind.value,
                        "exit_on": exit_on.isoformat(),
                    },
                    references=(record.file_id, record_id),
                )
            )
        return rebutted

    # --- Art 19: extension, revocation, annulment --------------------------------------

    def decide_stay(
        self, actor: Actor, record_id: str, request: StayDecisionRequest
    ) -> tuple[EntryExitRecord, StayDecision]:
        """EES Art 19: enter a decision on the authorised stay in the latest record.

        An extension moves the end of the stay (and clears an overstay it covers); a
        revocation or annulment ends it on the day given (by default the decision's).
        """
        grounds, place = request.grounds.strip(), request.place.strip()
        problems = [
            FieldError(name, "must not be blank")
            for name, value in (("grounds", grounds), ("place", place))
            if not value
        ]
        today = self._clock.today()
        if request.decided_on > today:
            problems.append(FieldError("decided_on", f"give a date on or before {today}"))
        if request.kind is StayDecisionKind.EXTENDED and request.new_until is None:
            problems.append(FieldError("new_until", "give the new end of the authorised stay"))
        if problems:
            raise InvalidStayDecision("The decision is incomplete.", problems)
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            record = _entry(uow, record_id)
            latest = uow.ees.entries(record.file_id)[-1]
            if latest.record_id != record_id:
                raise InvalidStayDecision(
                    "A decision on the stay is entered in the latest entry/exit record "
                    f"of the file ({latest.record_id}).",
                    [FieldError("record_id", f"use {latest.record_id}")],
                )
            if request.kind is StayDecisionKind.EXTENDED:
                assert request.new_until is not None  # noqa: S101 - checked above
                changed = extend_stay(record, request.new_until, today)
                if changed.visa is not None:
                    changed = replace(
                        changed,
                        visa=replace(
                            changed.visa,
                            sticker_number=request.visa_sticker_number
                            or changed.visa.sticker_number,
                            valid_until=max(changed.visa.valid_until, request.new_until),
                        ),
                    )
            else:
                ends_on = request.new_until or request.decided_on
                changed = end_stay(record, request.kind, request.decided_on, ends_on)
            decision = StayDecision(
                decision_id=new_id("D"),
                record_id=record_id,
                file_id=record.file_id,
                kind=request.kind,
                decided_on=request.decided_on,
                authority=actor.authority,
                place=place,
                grounds=grounds,
                previous_until=record.authorised_stay_until,
                new_until=changed.authorised_stay_until,
                visa_sticker_number=request.visa_sticker_number,
                recorded_at=now,
                recorded_by=actor.user_id,
                revocation_reasons=request.revocation_reasons,
            )
            uow.ees.update_entry(changed)
            uow.ees.add_stay_decision(decision)
            uow.ees.log_access(
                actor.access(
                    now,
                    f"stay_{request.kind.value}",
                    query={
                        "record_id": record_id,
                        "authorised_stay_until": (
                            f"{record.authorised_stay_until} -> {changed.authorised_stay_until}"
                        ),
                    },
                    references=(record.file_id, record_id, decision.decision_id),
                )
            )
        return changed, decision

    # --- Art 35: rectification and advance erasure ------------------------------------

    def rectify_record(
        self, actor: Actor, record_id: str, change: RecordRectification
    ) -> EntryExitRecord:
        """EES Art 35(1): the Member State responsible corrects an entry/exit record."""
        now = self._clock.now()
        today = self._clock.today()
        with self._store.unit_of_work(write=True) as uow:
            record = _entry(uow, record_id)
            fields: dict[str, object] = {
                name: value
                for name, value in (
                    ("entry_at", change.entry_at),
                    ("entry_crossing_point", change.entry_crossing_point),
                    ("exit_at", change.exit_at),
                    ("exit_crossing_point", change.exit_crossing_point),
                )
                if value is not None and value != getattr(record, name)
            }
            if not fields:
                raise NothingToRectify(
                    "The rectification changes nothing in the record.",
                    [FieldError("", "give at least one field with a new value")],
                )
            entry_state = _state_of(uow, record.entry_crossing_point)
            exit_state = (
                _state_of(uow, record.exit_crossing_point)
                if record.exit_crossing_point
                else entry_state
            )
            for name in fields:
                responsible = exit_state if name.startswith("exit") else entry_state
                _require_responsible(actor, responsible, name)
            for name, code in (
                ("entry_crossing_point", change.entry_crossing_point),
                ("exit_crossing_point", change.exit_crossing_point),
            ):
                if code is not None and uow.ees.crossing_point(code) is None:
                    raise InvalidRequest(
                        f"No crossing point has the code {code!r}.",
                        [FieldError(name, "unknown crossing point")],
                    )
            rectified = replace(
                record,
                entry_at=change.entry_at or record.entry_at,
                entry_crossing_point=change.entry_crossing_point or record.entry_crossing_point,
                exit_at=change.exit_at or record.exit_at,
                exit_crossing_point=change.exit_crossing_point or record.exit_crossing_point,
            )
            # The local days the calculator counts follow the corrected instants (Art 11).
            rectified = replace(
                rectified,
                entry_date=_local_day(uow, rectified.entry_crossing_point, rectified.entry_at),
                exit_date=(
                    _local_day(uow, rectified.exit_crossing_point, rectified.exit_at)
                    if rectified.exit_at is not None
                    else None
                ),
            )
            if rectified.entry_at > now:
                raise InvalidRequest(
                    "The entry cannot be in the future.",
                    [FieldError("entry_at", f"give an instant before {now.isoformat()}")],
                )
            if rectified.exit_at is not None and rectified.exit_at < rectified.entry_at:
                raise InvalidRequest(
                    "The exit cannot be before the entry.",
                    [FieldError("exit_at", "give an instant after the entry")],
                )
            if rectified.exit_at is not None and rectified.exit_at > now:
                raise InvalidRequest(
                    "The exit cannot be in the future.",
                    [FieldError("exit_at", f"give an instant before {now.isoformat()}")],
                )
            rectified = replace(
                rectified,
                overstay_from=_overstay_after(rectified, today),
                # A rectified exit is no longer the one the rebuttal proved.
                exit_by_rebuttal=record.exit_by_rebuttal and "exit_at" not in fields,
            )
            uow.ees.update_entry(rectified)
            _refresh_last_exit(uow, record.file_id, now)
            uow.ees.log_access(
                actor.access(
                    now,
                    "rectify_record",
                    query={
                        name: f"{_text(getattr(record, name))} -> {_text(value)}"
                        for name, value in fields.items()
                    },
                    references=(record.file_id, record_id),
                )
            )
        return rectified

    def rectify_identity(
        self, actor: Actor, file_id: str, change: IdentityRectification
    ) -> IdentityFile:
        """EES Art 35(1): the Member State responsible corrects identity data, in the CIR."""
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            view = self._view(uow, file_id)
            identity_file = view.identity
            if identity_file is None:
                raise FileNotFound(f"The file {file_id!r} has no identity data in the CIR.")
            _require_responsible(actor, view.responsible_state, "file_id")
            before = identity_file.identity
            after = IdentityData(
                surname=Name.of(change.surname) if change.surname else before.surname,
                given_names=Name.of(change.given_names)
                if change.given_names
                else before.given_names,
                date_of_birth=change.date_of_birth or before.date_of_birth,
                sex=change.sex or before.sex,
                nationalities=change.nationalities or before.nationalities,
            )
            changed = {
                name: f"{_text(getattr(before, name))} -> {_text(getattr(after, name))}"
                for name in ("surname", "given_names", "date_of_birth", "sex", "nationalities")
                if getattr(before, name) != getattr(after, name)
            }
            if not changed:
                raise NothingToRectify(
                    "The rectification changes nothing in the identity data.",
                    [FieldError("", "give at least one field with a new value")],
                )
            uow.identities.update(identity_file.cir_id, after, identity_file.documents, now)
            uow.ees.update_file(replace(view.individual_file, updated_at=now))
            uow.ees.log_access(
                actor.access(
                    now,
                    "rectify_identity",
                    query=changed,
                    references=(file_id, identity_file.cir_id),
                )
            )
        return replace(identity_file, identity=after, updated_at=now)

    def erase_in_advance(
        self, actor: Actor, file_id: str, ground: AdvanceErasureGround, grounds: str
    ) -> None:
        """EES Art 35(4)-(6): erase the file and its records from the EES and the CIR now.

        The Member State that granted the nationality, the residence permit or card or
        the long-stay visa (or found the person under Art 2(3)) erases without delay;
        its logs then go one year later (Art 46(4)).
        """
        state = acting_state(actor)
        if state is None:
            raise AccessDenied(
                "Advance erasure is made by the authority of a Member State; the user's "
                f"authority {actor.authority!r} names none."
            )
        if not grounds.strip():
            raise InvalidRequest(
                "Give the decision the erasure rests on (the act granting the nationality "
                "or the permit).",
                [FieldError("grounds", "must not be blank")],
            )
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            view = self._view(uow, file_id)
            uow.ees.erase_file(file_id)
            uow.identities.erase(view.individual_file.cir_id, now)
            uow.ees.log_access(
                actor.access(
                    now,
                    "erase_in_advance",
                    query={
                        "ground": ground.value,
                        "member_state": state,
                        "grounds": grounds.strip()[:200],
                        "records": str(len(view.entries) + len(view.refusals)),
                    },
                    references=(file_id, view.individual_file.cir_id),
                )
            )
            uow.ees.schedule_log_erasure(file_id, log_erasure_date(now.date()))

    # --- Art 34: the notice outbox ----------------------------------------------------

    def notices(self, actor: Actor, pending_only: bool = False) -> list[ErasureNotice]:
        """The notices addressed to the actor's Member State (EES Art 34)."""
        state = _state_required(actor)
        with self._store.unit_of_work(write=False) as uow:
            return uow.ees.notices(state, pending_only)

    def acknowledge(self, actor: Actor, notice_id: str) -> ErasureNotice:
        """The actor's Member State has read a notice; acknowledged once, logged."""
        state = _state_required(actor)
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            notice = uow.ees.get_notice(notice_id)
            if notice is None or notice.member_state != state:
                raise NoticeNotFound(f"No notice {notice_id!r} is addressed to {state}.")
            if notice.acknowledged_at is not None:
                return notice
            uow.ees.acknowledge_notice(notice_id, now, actor.user_id)
            uow.ees.log_access(
                actor.access(
                    now,
                    "acknowledge_notice",
                    references=(notice.file_id, notice.record_id, notice_id),
                )
            )
        return replace(notice, acknowledged_at=now, acknowledged_by=actor.user_id)


def _entry(uow: EesUnitOfWork, record_id: str) -> EntryExitRecord:
    record = uow.ees.get_entry(record_id)
    if record is None:
        raise RecordNotFound(f"No entry/exit record has the id {record_id!r}.")
    return record


def _refresh_last_exit(uow: EesUnitOfWork, file_id: str, now: datetime) -> None:
    """The file's last exit or refusal after a correction (EES Art 34(2) counts from it)."""
    individual_file = uow.ees.get_file(file_id)
    if individual_file is None:
        return
    days = [day for r in uow.ees.entries(file_id) if (day := r.exit_day) is not None]
    days += [r.refused_day for r in uow.ees.refusals(file_id)]
    last = max(days, default=None)
    if last != individual_file.last_exit_or_refusal:
        uow.ees.update_file(replace(individual_file, last_exit_or_refusal=last, updated_at=now))


def _overstay_after(record: EntryExitRecord, today: date) -> date | None:
    """EES Art 12: the overstay of a record, open or closed, after a correction."""
    end = record.exit_day or today
    if end <= record.authorised_stay_until:
        return None
    return record.authorised_stay_until + timedelta(days=1)


def _local_day(uow: EesUnitOfWork, crossing_point: str | None, at: datetime) -> date:
    """The day an instant falls on at a crossing point (EES Art 11); UTC without one."""
    found = uow.ees.crossing_point(crossing_point) if crossing_point else None
    return found.local_date(at) if found is not None else at.date()


def _state_of(uow: EesUnitOfWork, crossing_point: str | None) -> str | None:
    if crossing_point is None:
        return None
    found = uow.ees.crossing_point(crossing_point)
    return found.country if found is not None else None


def _file_state(
    uow: EesUnitOfWork, identity: IdentityFile | None, entries: tuple[EntryExitRecord, ...]
) -> str | None:
    """The Member State responsible for the identity data (EES Art 35(1)): the one that
    created or last updated the CIR file, else the one of the first entry."""
    if identity is not None and identity.member_state:
        return identity.member_state
    return _state_of(uow, entries[0].entry_crossing_point) if entries else None


def _require_responsible(actor: Actor, responsible: str | None, field: str) -> None:
    if responsible is None or may_change_data_of(acting_state(actor), responsible):
        return
    raise NotResponsibleMemberState(
        f"Only the Member State responsible ({responsible}) may change these data; "
        "another Member State holding evidence asks it to (EES Art 35(2)).",
        [FieldError(field, f"changed by {responsible} only")],
    )


def _state_required(actor: Actor) -> str:
    state = acting_state(actor)
    if state is None:
        raise AccessDenied(
            f"Notices are addressed to Member States; the authority {actor.authority!r} names none."
        )
    return state


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    if isinstance(value, Name):
        return value.original
    if isinstance(value, PartialDate | date | datetime):
        return value.isoformat()
    return str(value)
