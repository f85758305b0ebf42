"""The web service for travellers and carriers (EES Art 13; Impl. Reg. (EU) 2022/1409).

The service reads the traveller's records and hands them to the rules of
`limes.ees.domain.web_service`, which decide OK or NOT OK; every query is logged with
the data used for it (EES Art 46).
"""

from __future__ import annotations

from datetime import date

from limes.core.clock import Clock
from limes.ees.domain.models import Completeness, EntryExitRecord
from limes.ees.domain.web_service import (
    CarrierAnswer,
    TravellerAnswer,
    carrier_answer,
    check_intended_dates,
    traveller_answer,
)
from limes.ees.outcomes import Actor
from limes.ees.ports import EesStore, EesUnitOfWork
from limes.interop.cir.models import SourceSystem

__all__ = ["CarrierAnswer", "EesWebService", "TravellerAnswer"]


class EesWebService:
    """Answers for travellers and carriers, with the minimum of data."""

    def __init__(self, store: EesStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def remaining_stay(
        self,
        actor: Actor,
        document_number: str,
        issuing_state: str,
        intended_entry: date | None = None,
        intended_exit: date | None = None,
    ) -> TravellerAnswer:
        """EES Art 13(1): OK or NOT OK for the intended dates, and the remaining stay."""
        today = self._clock.today()
        check_intended_dates(today, intended_entry, intended_exit)
        entries, biometric, found = self._records(
            actor,
            "web_service_stay",
            document_number,
            issuing_state,
            _dates(intended_entry=intended_entry, intended_exit=intended_exit),
        )
        return traveller_answer(entries, today, intended_entry, intended_exit, biometric, found)

    def carrier_check(
        self,
        actor: Actor,
        document_number: str,
        issuing_state: str,
        sticker_number: str,
        intended_entry: date | None = None,
        intended_exit: date | None = None,
    ) -> CarrierAnswer:
        """EES Art 13(3): whether the passenger's visa still allows the entry, OK or NOT OK."""
        today = self._clock.today()
        check_intended_dates(today, intended_entry, intended_exit)
        entries, _, _ = self._records(
            actor,
            "web_service_carrier",
            document_number,
            issuing_state,
            {"visa_sticker_number": sticker_number}
            | _dates(intended_entry=intended_entry, intended_exit=intended_exit),
        )
        return carrier_answer(entries, sticker_number, today, intended_entry, intended_exit)

    def _records(
        self,
        actor: Actor,
        operation: str,
        number: str,
        state: str,
        query: dict[str, str],
    ) -> tuple[list[EntryExitRecord], bool, bool]:
        # The records of the document's file, whether its file holds biometrics, and
        # whether there is a file at all; the query is logged in the same unit of work.
        with self._store.unit_of_work(write=True) as uow:
            identity = uow.identities.find_by_document(SourceSystem.EES, number, state)
            individual_file = uow.ees.file_of_identity(identity.cir_id) if identity else None
            self._log(
                uow,
                actor,
                operation,
                {"document_number": number, "issuing_state": state} | query,
                individual_file.file_id if individual_file else None,
            )
            if individual_file is None:
                return [], False, False
            biometric = individual_file.completeness is Completeness.COMPLETE
            return list(uow.ees.entries(individual_file.file_id)), biometric, True

    def _log(
        self,
        uow: EesUnitOfWork,
        actor: Actor,
        operation: str,
        query: dict[str, str],
        file_id: str | None,
    ) -> None:
        uow.ees.log_access(
            actor.access(
                self._clock.now(),
                operation,
                query=query,
                references=(file_id,) if file_id else (),
            )
        )


def _dates(**dates: date | None) -> dict[str, str]:
    return {name: day.isoformat() for name, day in dates.items() if day is not None}
