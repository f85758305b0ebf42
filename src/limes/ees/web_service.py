"""The web service for travellers and carriers (EES Art 13; Impl. Reg. (EU) 2022/1409)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from limes.core.clock import Clock
from limes.ees.domain.assessment import assess_entry
from limes.ees.outcomes import Actor
from limes.ees.ports import EesStore, EesUnitOfWork
from limes.interop.cir.models import SourceSystem


@dataclass(frozen=True, slots=True)
class RemainingStay:
    """EES Art 13(1): what a traveller may learn of their own authorised stay."""

    in_territory: bool
    authorised_until: date | None
    days_left: int
    overstay_days: int
    next_entry: date | None


@dataclass(frozen=True, slots=True)
class CarrierAnswer:
    """EES Art 13(3): OK or NOT OK, and why."""

    ok: bool
    reason: str


class EesWebService:
    """Answers for travellers and carriers, with the minimum of data."""

    def __init__(self, store: EesStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def remaining_stay(
        self, actor: Actor, document_number: str, issuing_state: str
    ) -> RemainingStay | None:
        """The remaining authorised stay of the traveller holding this document, or None."""
        today = self._clock.today()
        with self._store.unit_of_work(write=True) as uow:
            identity = uow.identities.find_by_document(
                SourceSystem.EES, document_number, issuing_state
            )
            individual_file = uow.ees.file_of_identity(identity.cir_id) if identity else None
            self._log(
                uow,
                actor,
                "web_service_stay",
                document_number,
                issuing_state,
                individual_file.file_id if individual_file else None,
            )
            if individual_file is None:
                return None
            entries = uow.ees.entries(individual_file.file_id)
        open_entry = next((r for r in entries if r.is_open), None)
        if open_entry is not None:
            left = (open_entry.authorised_stay_until - today).days + 1
            return RemainingStay(
                True, open_entry.authorised_stay_until, max(0, left), max(0, -left), None
            )
        assessment = assess_entry(entries, today, None)
        return RemainingStay(
            False,
            assessment.authorised_until,
            assessment.max_stay_days,
            0,
            assessment.next_entry.date if assessment.next_entry else None,
        )

    def carrier_check(
        self, actor: Actor, document_number: str, issuing_state: str, sticker_number: str
    ) -> CarrierAnswer:
        """Whether a single- or double-entry visa still allows an entry (EES Art 13(3))."""
        with self._store.unit_of_work(write=True) as uow:
            identity = uow.identities.find_by_document(
                SourceSystem.EES, document_number, issuing_state
            )
            individual_file = uow.ees.file_of_identity(identity.cir_id) if identity else None
            self._log(
                uow,
                actor,
                "web_service_carrier",
                document_number,
                issuing_state,
                individual_file.file_id if individual_file else None,
            )
            entries = uow.ees.entries(individual_file.file_id) if individual_file else []
        used = [
            r for r in entries if r.visa is not None and r.visa.sticker_number == sticker_number
        ]
        if not used:
            return CarrierAnswer(True, "OK: the EES holds no entry on this visa.")
        allowed = used[-1].visa.entries.limit if used[-1].visa else None
        if allowed is None:
            return CarrierAnswer(True, "OK: a multiple-entry visa.")
        if len(used) >= allowed:
            return CarrierAnswer(
                False,
                f"NOT OK: the {allowed} entr{'y' if allowed == 1 else 'ies'} of this visa are used.",
            )
        return CarrierAnswer(True, f"OK: {len(used)} of {allowed} entries used.")

    def _log(
        self,
        uow: EesUnitOfWork,
        actor: Actor,
        operation: str,
        number: str,
        state: str,
        file_id: str | None,
    ) -> None:
        uow.ees.log_access(
            actor.access(
                self._clock.now(),
                operation,
                query={"document_number": number, "issuing_state": state},
                references=(file_id,) if file_id else (),
            )
        )
