"""Overstays, retention and crossing points: the EES's scheduled and administrative work."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limes.core.clock import Clock
from limes.core.errors import FieldError, InvalidRequest
from limes.ees.domain.corrections import ErasureNotice, log_erasure_date
from limes.ees.domain.errors import CrossingPointNotFound, RecordNotFound, UnknownTimeZone
from limes.ees.domain.models import (
    BorderType,
    CrossingPoint,
    EntryExitRecord,
    IndividualFile,
    SuspensionScope,
)
from limes.ees.domain.rules import (
    RetentionAction,
    RetentionStep,
    overstay_from,
    retention_plan,
    retention_scan,
)
from limes.ees.domain.transition import transition_settings_allowed
from limes.ees.outcomes import Actor, new_id
from limes.ees.ports import EesStore, EesUnitOfWork
from limes.interop.cir.models import IdentityFile

# Files handled per write transaction by the retention job: the writer lock is held
# for one chunk at a time, and the desks' commits go in between.
RETENTION_CHUNK = 200
# Logs erased per write transaction (EES Art 46(4)), for the same reason.
LOG_ERASURE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Overstayer:
    """An entry of the overstayer list (EES Art 12(3)): the record, the file, the identity."""

    record: EntryExitRecord
    individual_file: IndividualFile
    identity: IdentityFile | None


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What a retention run did."""

    ran_on: date
    steps: tuple[RetentionStep, ...]

    def count(self, action: RetentionAction) -> int:
        """How many steps of one kind were taken."""
        return sum(1 for step in self.steps if step.action is action)


class EesOperations:
    """Overstay detection, the overstayer list, retention, log erasure and crossing points."""

    def __init__(self, store: EesStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def flag_overstays(self) -> list[str]:
        """EES Art 12(1): flag every open entry whose authorised stay has ended.

        The stay ends on a day of the entry's crossing point (Art 11): a record is
        flagged once that day has ended there, not when it ends in UTC.
        """
        now = self._clock.now()
        flagged: list[str] = []
        zones: dict[str, CrossingPoint | None] = {}
        with self._store.unit_of_work(write=True) as uow:
            # A day later than UTC's: the crossing points east of it are already there.
            for record in uow.ees.open_entries_ended_before(now.date() + timedelta(days=1)):
                code = record.entry_crossing_point
                if code not in zones:
                    zones[code] = uow.ees.crossing_point(code)
                crossing_point = zones[code]
                today = crossing_point.local_date(now) if crossing_point else now.date()
                since = overstay_from(record, today)
                if since is not None:
                    uow.ees.update_entry(replace(record, overstay_from=since))
                    flagged.append(record.record_id)
        return flagged

    def overstayers(self, actor: Actor) -> list[Overstayer]:
        """EES Art 12(3): the list of overstayers, with their identity data."""
        return self._listed(actor, "list_overstayers", lambda uow: uow.ees.overstays())

    def entries_for_review(self, actor: Actor) -> list[Overstayer]:
        """EES Art 21: the crossings recorded from the fall-back that need review, with
        their file and identity, for the back office; the reading is logged (Art 46)."""
        return self._listed(actor, "list_for_review", lambda uow: uow.ees.entries_for_review())

    def _listed(
        self,
        actor: Actor,
        operation: str,
        records: Callable[[EesUnitOfWork], Iterable[EntryExitRecord]],
    ) -> list[Overstayer]:
        # Each record with its file and identity; the reading is logged (EES Art 46).
        now = self._clock.now()
        listed: list[Overstayer] = []
        with self._store.unit_of_work(write=True) as uow:
            for record in records(uow):
                individual_file = uow.ees.get_file(record.file_id)
                if individual_file is None:
                    continue
                identity = uow.identities.get(individual_file.cir_id)
                listed.append(Overstayer(record, individual_file, identity))
            uow.ees.log_access(
                actor.access(now, operation, references=tuple(o.record.record_id for o in listed))
            )
        return listed

    def close_review(self, actor: Actor, record_id: str, outcome: str) -> EntryExitRecord:
        """EES Art 21, 46: a person has looked at a fall-back crossing flagged for review;
        the flag goes, and the reason and the outcome stay in the log."""
        outcome = outcome.strip()
        if not outcome:
            raise InvalidRequest(
                "Say what the review found (for example: rebutted, stay extended, overstay "
                "confirmed).",
                [FieldError("outcome", "must not be blank")],
            )
        now = self._clock.now()
        with self._store.unit_of_work(write=True) as uow:
            record = uow.ees.get_entry(record_id)
            if record is None:
                raise RecordNotFound(f"No entry/exit record has the id {record_id!r}.")
            if record.review_reason is None:
                raise InvalidRequest(
                    f"Record {record_id} is not flagged for review: there is nothing to close.",
                    [FieldError("record_id", "not flagged for review")],
                )
            reviewed = replace(record, review_reason=None)
            uow.ees.update_entry(reviewed)
            uow.ees.log_access(
                actor.access(
                    now,
                    "close_review",
                    query={"review_reason": record.review_reason, "outcome": outcome},
                    references=(record.file_id, record_id),
                )
            )
        return reviewed

    def run_retention(self, chunk: int = RETENTION_CHUNK) -> RetentionReport:
        """EES Art 34-35: erase what has reached its retention date, from the EES and the CIR.

        Only files that may have something due are read, through indexes
        (`rules.retention_scan`), and they are handled `chunk` files per write
        transaction, so the writer lock is never held for long.
        """
        today = self._clock.today()
        with self._store.unit_of_work(write=False) as uow:
            due = uow.ees.files_due_for_retention(retention_scan(today))
        taken: list[RetentionStep] = []
        for start in range(0, len(due), chunk):
            with self._store.unit_of_work(write=True) as uow:
                for file_id in due[start : start + chunk]:
                    taken.extend(self._retain(uow, file_id, today))
        return RetentionReport(today, tuple(taken))

    def _retain(self, uow: EesUnitOfWork, file_id: str, today: date) -> list[RetentionStep]:
        individual_file = uow.ees.get_file(file_id)
        if individual_file is None:
            return []
        entries = {r.record_id: r for r in uow.ees.entries(file_id)}
        steps = retention_plan(
            individual_file, list(entries.values()), uow.ees.refusals(file_id), today
        )
        for step in steps:
            if step.action is RetentionAction.NOTIFY_OVERSTAYER_ERASURE:
                notified = replace(entries[step.reference], erasure_notice_on=today)
                uow.ees.update_entry(notified)
                uow.ees.add_notice(self._notice(uow, notified, step.due))
            elif step.action is RetentionAction.ERASE_RECORD:
                uow.ees.erase_entry(step.reference)
                uow.ees.erase_refusal(step.reference)
            elif step.action is RetentionAction.ERASE_FILE:
                uow.ees.erase_file(file_id)
                uow.identities.erase(individual_file.cir_id, self._clock.now())
                # The logs of the file go one year after its data (Art 46(4)).
                uow.ees.schedule_log_erasure(file_id, log_erasure_date(today))
        return steps

    def _notice(self, uow: EesUnitOfWork, record: EntryExitRecord, due: date) -> ErasureNotice:
        """EES Art 34: the notice to the Member State responsible for the record, the one
        whose crossing point recorded the entry."""
        crossing_point = uow.ees.crossing_point(record.entry_crossing_point)
        state = (
            crossing_point.country
            if crossing_point is not None
            else record.entry_crossing_point.split("-", 1)[0][:3]
        )
        return ErasureNotice(
            notice_id=new_id("N"),
            member_state=state,
            file_id=record.file_id,
            record_id=record.record_id,
            erasure_on=due,
            created_at=self._clock.now(),
        )

    def erase_logs(self, chunk: int = LOG_ERASURE_CHUNK) -> int:
        """EES Art 46(4): erase the logs one year after the data they concern; how many.

        `chunk` logs per write transaction, so the writer lock is never held long.
        """
        today = self._clock.today()
        erased = 0
        while True:
            with self._store.unit_of_work(write=True) as uow:
                due = uow.ees.logs_due_for_erasure(today, chunk)
                uow.ees.erase_logs(due)
            erased += len(due)
            if len(due) < chunk:
                return erased

    def crossing_points(self) -> list[CrossingPoint]:
        """Every crossing point with its EES state."""
        with self._store.unit_of_work(write=False) as uow:
            return uow.ees.crossing_points()

    def put_crossing_point(
        self,
        actor: Actor,
        code: str,
        *,
        name: str | None = None,
        country: str | None = None,
        border_type: BorderType | None = None,
        ees_active: bool | None = None,
        biometrics_required: bool | None = None,
        suspension: SuspensionScope | None = None,
        suspension_reason: str | None = None,
        time_zone: str | None = None,
    ) -> CrossingPoint:
        """Create a crossing point or change its state (Reg. (EU) 2025/1534 Art 4-6), audited.

        A setting the transition no longer allows on today's date is refused, saying
        which article and date (`transition_settings_allowed`).
        """
        now = self._clock.now()
        if time_zone is not None:
            require_time_zone(time_zone)
        transition_settings_allowed(
            self._clock.today(), ees_active, biometrics_required, suspension
        )
        with self._store.unit_of_work(write=True) as uow:
            current = uow.ees.crossing_point(code)
            if current is None:
                if name is None or country is None or border_type is None:
                    raise CrossingPointNotFound(
                        f"No crossing point has the code {code!r}; give name, country and "
                        "border type to create it.",
                        [FieldError("code", "unknown crossing point")],
                    )
                current = CrossingPoint(code, name, country, border_type)
            scope = suspension if suspension is not None else current.suspension
            if scope is not SuspensionScope.NONE and not (
                suspension_reason or current.suspension_reason
            ):
                raise InvalidRequest(
                    "A suspension needs its reason (exceptional circumstances, Reg. (EU) 2025/1534).",
                    [FieldError("suspension_reason", "give the reason for the suspension")],
                )
            updated = CrossingPoint(
                code=code,
                name=name or current.name,
                country=country or current.country,
                border_type=border_type or current.border_type,
                ees_active=current.ees_active if ees_active is None else ees_active,
                biometrics_required=(
                    current.biometrics_required
                    if biometrics_required is None
                    else biometrics_required
                ),
                suspension=scope,
                suspension_reason=None
                if scope is SuspensionScope.NONE
                else (suspension_reason or current.suspension_reason),
                changed_at=now,
                changed_by=actor.user_id,
                time_zone=time_zone or current.time_zone,
            )
            uow.ees.put_crossing_point(updated)
            uow.ees.log_access(
                actor.access(
                    now,
                    "set_crossing_point",
                    crossing_point=code,
                    query={
                        "ees_active": str(updated.ees_active),
                        "biometrics_required": str(updated.biometrics_required),
                        "suspension": updated.suspension.value,
                        "time_zone": updated.time_zone,
                    },
                    references=(code,),
                )
            )
        return updated


def require_time_zone(time_zone: str) -> None:
    """A crossing point's zone must be an IANA name: it decides the day of a crossing."""
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            f"{time_zone!r} is not an IANA time zone name: give the zone of the crossing "
            "point, such as 'Europe/Helsinki'.",
            [FieldError("time_zone", "not an IANA time zone name")],
        ) from None
