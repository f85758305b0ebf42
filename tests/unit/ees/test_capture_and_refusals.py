"""Fingerprints (EES Art 17(1)(c), 17(4)), refusal letters (SBC Annex V Part B) and
refusals where the EES is fully suspended (Reg. (EU) 2025/1534 Art 6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from limes.biometrics.templates import LEFT_HAND, RIGHT_HAND, Modality, finger_positions_problem
from limes.core.clock import FixedClock
from limes.ees.domain.border import Capture
from limes.ees.domain.errors import EesInactive, FingerPositions
from limes.ees.domain.models import (
    REFUSAL_REASON_TEXT,
    FingerprintStatus,
    RefusalReason,
    SuspensionScope,
)
from limes.ees.ports import EesStore
from limes.ees.service import EesService
from tests.ees_factories import LAND, Traveller
from tests.unit.ees.conftest import GUARD, peek

ADA = Traveller()


def test_ees_art_17_4_prints_temporarily_impossible_are_kept_at_the_next_entry(
    service: EesService, store: EesStore, clock: FixedClock
) -> None:
    """A bandaged hand at the first entry, none taken at exit: the next entry's prints
    complete the file (Art 17(4): at exit or at the next entry)."""
    impossible = Capture(ADA.templates((Modality.FACE,)), FingerprintStatus.TEMPORARILY_IMPOSSIBLE)
    first = service.record_entry(GUARD, ADA.at(capture=impossible))
    clock.advance(timedelta(days=3))
    service.record_exit(GUARD, ADA.at(capture=impossible))
    individual_file = peek(store).ees.get_file(first.file_id)
    assert individual_file.fingerprint_status is FingerprintStatus.TEMPORARILY_IMPOSSIBLE

    clock.advance(timedelta(days=30))
    service.record_entry(GUARD, ADA.at())  # face and four fingers of the right hand
    individual_file = peek(store).ees.get_file(first.file_id)
    assert individual_file.fingerprint_status is FingerprintStatus.CAPTURED
    stored = {t.modality for t in peek(store).identities.templates(individual_file.cir_id)}
    assert set(RIGHT_HAND) <= stored


def test_ees_art_17_1_c_fingers_of_both_hands_are_refused_with_a_clear_error(
    service: EesService, store: EesStore
) -> None:
    mixed = (Modality.FACE, *RIGHT_HAND[:3], Modality.LEFT_LITTLE)
    with pytest.raises(FingerPositions) as raised:
        service.record_entry(GUARD, ADA.at(capture=Capture(ADA.templates(mixed))))
    assert raised.value.errors[0].field == "capture.fingerprints"
    assert "one hand" in raised.value.detail
    assert peek(store).ees.file_ids() == []


def test_ees_art_17_1_c_the_left_hand_where_the_right_cannot_give_prints(
    service: EesService, store: EesStore
) -> None:
    left = Capture(ADA.templates((Modality.FACE, *LEFT_HAND)))
    receipt = service.record_entry(GUARD, ADA.at(capture=left))
    individual_file = peek(store).ees.get_file(receipt.file_id)
    assert individual_file.fingerprint_status is FingerprintStatus.CAPTURED


def test_ees_art_17_1_c_finger_positions() -> None:
    assert finger_positions_problem(RIGHT_HAND) is None
    assert finger_positions_problem(LEFT_HAND) is None
    assert finger_positions_problem((Modality.FACE,)) is None
    twice = finger_positions_problem((Modality.RIGHT_INDEX, Modality.RIGHT_INDEX))
    assert twice is not None
    assert "right_index" in twice
    assert finger_positions_problem((*RIGHT_HAND, *LEFT_HAND)) is not None


def test_sbc_annex_v_part_b_refusal_letters_in_the_wording_of_the_standard_form() -> None:
    assert [r.value for r in RefusalReason] == list("ABCDEFGHIJ")
    assert REFUSAL_REASON_TEXT[RefusalReason.F] == (
        "has already stayed for 90 days during the current 180-day period on the territory "
        "of the Member States of the European Union"
    )
    assert REFUSAL_REASON_TEXT[RefusalReason.G] == (
        "does not have sufficient means of subsistence in relation to the period and form "
        "of stay, or the means to return to the country of origin or transit"
    )
    assert REFUSAL_REASON_TEXT[RefusalReason.H].endswith("in the SIS or in the national register")
    assert REFUSAL_REASON_TEXT[RefusalReason.I].endswith(
        "of one or more of the Member States of the European Union"
    )
    assert REFUSAL_REASON_TEXT[RefusalReason.J] == "has no valid travel authorisation"


def test_reg_2025_1534_art_6_no_refusal_is_recorded_where_the_ees_is_fully_suspended(
    service: EesService, store: EesStore
) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.ees.put_crossing_point(
            replace(LAND, suspension=SuspensionScope.FULL, suspension_reason="flooding")
        )
    with pytest.raises(EesInactive, match=r"refusal is not recorded.*national record"):
        service.record_refusal(GUARD, ADA.at(LAND.code), [RefusalReason.F])
    assert peek(store).ees.file_ids() == []
