"""The legal dates of the EES's transition (Reg. (EU) 2025/1534) as data, and the check
of a crossing point's settings against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from limes.core.errors import FieldError
from limes.ees.domain.errors import OutsideTransition
from limes.ees.domain.models import SuspensionScope
from limes.ees.domain.rules import BIOMETRICS_OPTIONAL_UNTIL, PROGRESSIVE_START_LAST_DAY

# Reg. (EU) 2025/1534 Art 6: after the progressive start, a partial suspension for a
# further 90 days (10 April to 8 July 2026). The extension of up to 60 days that the
# domain reference reports (tagged [V2], conditions unverified) is not modelled.
PARTIAL_SUSPENSION_AFTER_START_DAYS = 90
PARTIAL_SUSPENSION_LAST_DAY = PROGRESSIVE_START_LAST_DAY + timedelta(
    days=PARTIAL_SUSPENSION_AFTER_START_DAYS
)


class TransitionSetting(StrEnum):
    """A crossing-point setting the transition allows only for a while."""

    EES_NOT_STARTED = "ees_not_started"  # ees_active = false
    BIOMETRICS_OPTIONAL = "biometrics_optional"  # biometrics_required = false
    FULL_SUSPENSION = "full_suspension"
    PARTIAL_SUSPENSION = "partial_suspension"


@dataclass(frozen=True, slots=True)
class TransitionLimit:
    """The last day a transition setting may be in force, and the article that sets it."""

    setting: TransitionSetting
    last_day: date
    article: str
    allows: str


# The legal limits of Reg. (EU) 2025/1534 (OJ L, 23.7.2025; start date set by Impl.
# Decision (EU) 2025/1544), in force from the first day of the progressive start.
TRANSITION_LIMITS: dict[TransitionSetting, TransitionLimit] = {
    TransitionSetting.EES_NOT_STARTED: TransitionLimit(
        TransitionSetting.EES_NOT_STARTED,
        PROGRESSIVE_START_LAST_DAY,
        "Reg. (EU) 2025/1534 Art 4(2)-(5)",
        "a crossing point may start using the EES later only during the progressive start",
    ),
    TransitionSetting.BIOMETRICS_OPTIONAL: TransitionLimit(
        TransitionSetting.BIOMETRICS_OPTIONAL,
        BIOMETRICS_OPTIONAL_UNTIL,
        "Reg. (EU) 2025/1534 Art 4(2)",
        "files may be created without biometric data only in the first 60 days",
    ),
    TransitionSetting.FULL_SUSPENSION: TransitionLimit(
        TransitionSetting.FULL_SUSPENSION,
        PROGRESSIVE_START_LAST_DAY,
        "Reg. (EU) 2025/1534 Art 6",
        "a full suspension is possible only during the progressive start",
    ),
    TransitionSetting.PARTIAL_SUSPENSION: TransitionLimit(
        TransitionSetting.PARTIAL_SUSPENSION,
        PARTIAL_SUSPENSION_LAST_DAY,
        "Reg. (EU) 2025/1534 Art 6",
        "a partial suspension is possible during the progressive start and for 90 days after",
    ),
}


def transition_objection(setting: TransitionSetting, on: date) -> TransitionLimit | None:
    """Reg. (EU) 2025/1534 Art 4, 6: the limit a crossing-point setting made on `on`
    breaks, or None when the transition still allows it."""
    limit = TRANSITION_LIMITS[setting]
    return limit if on > limit.last_day else None


def transition_settings_allowed(
    today: date,
    ees_active: bool | None,
    biometrics_required: bool | None,
    suspension: SuspensionScope | None,
) -> None:
    """Reg. (EU) 2025/1534 Art 4, 6: refuse a setting the transition no longer allows today.

    Only settings that relax the EES are checked; lifting one is always allowed. A
    partial suspension captures no biometrics, so `biometrics_required=false` within
    one is judged as the partial suspension.
    """
    asked: list[tuple[str, TransitionSetting]] = []
    if ees_active is False:
        asked.append(("ees_active", TransitionSetting.EES_NOT_STARTED))
    if suspension is SuspensionScope.FULL:
        asked.append(("suspension", TransitionSetting.FULL_SUSPENSION))
    elif suspension is SuspensionScope.PARTIAL:
        asked.append(("suspension", TransitionSetting.PARTIAL_SUSPENSION))
    elif biometrics_required is False:
        asked.append(("biometrics_required", TransitionSetting.BIOMETRICS_OPTIONAL))
    broken = [(field, limit) for field, s in asked if (limit := transition_objection(s, today))]
    if broken:
        raise OutsideTransition(
            " ".join(
                f"Not allowed on {today}: {limit.allows} ({limit.article}), which ended on "
                f"{limit.last_day}."
                for _, limit in broken
            ),
            [
                FieldError(field, f"allowed until {limit.last_day} ({limit.article})")
                for field, limit in broken
            ],
        )
