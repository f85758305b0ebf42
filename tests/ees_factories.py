"""Builders for EES tests: travellers with valid MRZs and synthetic biometrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from limes.biometrics.synthetic import SyntheticBiometrics
from limes.biometrics.templates import RIGHT_HAND, BiometricTemplate, Modality
from limes.core.documents import MrzFields, MrzFormat, Sex, build_mrz
from limes.ees.domain.border import Capture, CrossingRequest
from limes.ees.domain.models import BorderType, CrossingPoint, VisaDetails
from limes.shortstay import EntriesAllowed

BIOMETRICS = SyntheticBiometrics(seed=7)
AIRPORT = CrossingPoint("FRA-CDG", "Paris Charles de Gaulle", "FRA", BorderType.AIR)
LAND = CrossingPoint("HRV-BAJ", "Bajakovo", "HRV", BorderType.LAND)


@dataclass(frozen=True)
class Traveller:
    """A synthetic traveller: the passport's fields and a person key for biometrics."""

    surname: str = "OKAFOR"
    given_names: str = "ADA"
    number: str = "X1234567"
    nationality: str = "USA"
    birth_date: date = date(1985, 3, 14)
    sex: Sex = Sex.FEMALE
    expiry: date = date(2031, 1, 1)

    @property
    def key(self) -> str:
        return f"{self.nationality}:{self.number}"

    def mrz(self) -> str:
        fields = MrzFields(
            document_code="P",
            issuing_state=self.nationality,
            surname=self.surname,
            given_names=self.given_names,
            document_number=self.number,
            nationality=self.nationality,
            birth_date=self.birth_date,
            sex=self.sex,
            expiry_date=self.expiry,
        )
        return build_mrz(fields, MrzFormat.TD3)

    def templates(
        self, modalities: tuple[Modality, ...] = (Modality.FACE, *RIGHT_HAND)
    ) -> tuple[BiometricTemplate, ...]:
        return BIOMETRICS.capture_set(self.key, modalities)

    def at(
        self,
        crossing_point: str = AIRPORT.code,
        *,
        face_only: bool = False,
        visa: VisaDetails | None = None,
        capture: Capture | None = None,
    ) -> CrossingRequest:
        if capture is None:
            modalities = (
                (Modality.FACE,) if face_only or visa is not None else (Modality.FACE, *RIGHT_HAND)
            )
            capture = Capture(self.templates(modalities))
        return CrossingRequest(
            mrz=self.mrz(), crossing_point=crossing_point, capture=capture, visa=visa
        )


def visa(
    number: str = "VFRA0001",
    *,
    valid_from: date,
    valid_until: date,
    days: int = 90,
    entries: EntriesAllowed = EntriesAllowed.MULTIPLE,
) -> VisaDetails:
    return VisaDetails(number, valid_from, valid_until, days, entries)
