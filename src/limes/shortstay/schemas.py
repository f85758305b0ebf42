"""Request and response shapes of the calculator, shared by the HTTP API and the CLI."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from limes.core.errors import FieldError, InvalidRequest
from limes.core.limits import MAX_STAMPS_CHARS, MAX_STAYS, excerpt
from limes.jsonio import JsonObject, field_errors_from_pydantic
from limes.shortstay.models import (
    Calculation,
    EntriesAllowed,
    Mode,
    NextEntry,
    ShortStayVisa,
    Stay,
    StayAnswer,
    Window,
)
from limes.shortstay.rules import calculate
from limes.shortstay.stamps import parse_stamps

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            if _ISO_DATE.fullmatch(value):
                raise ValueError(f"{value} is not a calendar date") from None
    if isinstance(value, date):
        return value
    raise ValueError(f"give a date as YYYY-MM-DD, e.g. 2014-08-15 (got {excerpt(value)})")


def _stay_pair(value: object) -> object:
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError('give a stay as ["entry", "exit"] or {"entry": ..., "exit": ...}')
        return {"entry": value[0], "exit": value[1]}
    return value


def _country(value: object) -> object:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{1,3}", value.strip()):
        raise ValueError(
            f"give the state of stay as an alpha-3 code such as FRA (got {excerpt(value)})"
        )
    return value.strip().upper()


def _entries(value: object) -> object:
    aliases = {1: "1", 2: "2", "MULT": "multiple", "M": "multiple"}
    if isinstance(value, str) and value.upper() in aliases:
        return aliases[value.upper()]
    if isinstance(value, int) and not isinstance(value, bool):
        if value in aliases:
            return aliases[value]
        raise ValueError('entries are 1, 2 or "multiple"')
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class StayIn(BaseModel):
    """A stay: entry and exit day both count; `exempt` for a residence permit or D visa."""

    model_config = ConfigDict(extra="forbid")

    entry: IsoDate
    exit: IsoDate
    country: Annotated[str | None, BeforeValidator(_country)] = None
    exempt: bool = False


class VisaIn(BaseModel):
    """A short-stay visa as printed on the sticker."""

    model_config = ConfigDict(extra="forbid")

    valid_from: IsoDate
    valid_until: IsoDate
    duration_days: int = Field(description="Duration of stay printed on the visa, in days")
    entries: Annotated[EntriesAllowed, BeforeValidator(_entries)] = EntriesAllowed.MULTIPLE
    entries_used: int = 0


class CalculationCreate(BaseModel):
    """A calculation request, as `limes calc` and the API take it."""

    model_config = ConfigDict(extra="forbid")

    stays: list[Annotated[StayIn, BeforeValidator(_stay_pair)]] = Field(
        default_factory=list, max_length=MAX_STAYS
    )
    stamps: str | None = Field(
        default=None,
        max_length=MAX_STAMPS_CHARS,
        description="Passport stamps instead of stays: +ddmmyy entries, -ddmmyy exits",
        examples=["+150814 -300914"],
    )
    on: IsoDate = Field(description="Planned entry date (planning) or control date (check)")
    mode: Mode = Mode.PLANNING
    visa: VisaIn | None = None

    def to_domain(self) -> tuple[list[Stay], date, Mode, ShortStayVisa | None]:
        """The calculator's arguments."""
        stays = [Stay(s.entry, s.exit, s.country, s.exempt) for s in self.stays]
        if self.stamps is not None:
            if stays:
                raise InvalidRequest(
                    "Give either stays or stamps, not both.",
                    [FieldError("stamps", "leave out `stays` when giving stamps")],
                )
            stays = parse_stamps(self.stamps)
        visa = None
        if self.visa is not None:
            v = self.visa
            visa = ShortStayVisa(
                v.valid_from, v.valid_until, v.duration_days, v.entries, v.entries_used
            )
        return stays, self.on, self.mode, visa


class PeriodPublic(BaseModel):
    """A run of days, both ends included."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date


class OverstayPublic(BaseModel):
    """An overstay as the official calculator reports it, with the in-window figure."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", description="First day over the limit")
    to: date = Field(description="Exit of the stay")
    days: int = Field(description="Days from the first day over the limit to the exit")
    stay: dict[str, date]
    window: PeriodPublic
    days_in_window: int
    days_over_limit_in_window: int


class NextEntryPublic(BaseModel):
    """The earliest date a stay may start, and for how many days."""

    date: date
    days: int


class AnswerPublic(BaseModel):
    """The planning and check figures."""

    planning_days: int | None
    stay_until: date | None
    next_entry: NextEntryPublic | None
    limited_by: str | None


class CountedStayPublic(BaseModel):
    """A stay as counted."""

    entry: date
    exit: date
    country: str | None
    exempt: bool
    counted_days: int
    note: str | None


class CalculationPublic(BaseModel):
    """The outcome of a calculation."""

    model_config = ConfigDict(populate_by_name=True)

    mode: Literal["planning", "check"]
    on: date
    window: PeriodPublic
    days_used: int
    overstay: bool
    overstays: list[OverstayPublic]
    planning_days: int | None
    stay_until: date | None
    next_entry: NextEntryPublic | None
    limited_by: str | None
    ignoring_overstay: AnswerPublic | None
    stays: list[CountedStayPublic]
    rolling_out: list[dict[str, Any]]
    explanation: str


def _period(window: Window) -> dict[str, str]:
    return {"from": window.start.isoformat(), "to": window.end.isoformat()}


def _next(next_entry: NextEntry | None) -> dict[str, Any] | None:
    if next_entry is None:
        return None
    return {"date": next_entry.date.isoformat(), "days": next_entry.days}


def _answer(answer: StayAnswer, mode: Mode) -> dict[str, Any]:
    return {
        "planning_days": answer.planning_days if mode is Mode.PLANNING else None,
        "stay_until": answer.stay_until.isoformat() if answer.stay_until else None,
        "next_entry": _next(answer.next_entry),
        "limited_by": answer.limited_by.value if answer.limited_by else None,
    }


_NO_ANSWER = {"planning_days": None, "stay_until": None, "next_entry": None, "limited_by": None}


def calculation_to_json(calculation: Calculation) -> JsonObject:
    """The JSON form of a calculation (the `limes calc` and API contract)."""
    c = calculation
    body: JsonObject = {
        "mode": c.mode.value,
        "on": c.on.isoformat(),
        "window": _period(c.window),
        "days_used": c.days_used,
        "overstay": c.overstay,
        "overstays": [
            {
                "from": o.period.start.isoformat(),
                "to": o.period.end.isoformat(),
                "days": o.days,
                "stay": {"entry": o.stay.start.isoformat(), "exit": o.stay.end.isoformat()},
                "window": _period(o.window),
                "days_in_window": o.days_in_window,
                "days_over_limit_in_window": o.days_over_limit_in_window,
            }
            for o in c.overstays
        ],
    }
    body.update(_NO_ANSWER if c.answer is None else _answer(c.answer, c.mode))
    body["ignoring_overstay"] = (
        None if c.answer_ignoring_overstay is None else _answer(c.answer_ignoring_overstay, c.mode)
    )
    body["stays"] = [
        {
            "entry": s.stay.entry.isoformat(),
            "exit": s.stay.exit.isoformat(),
            "country": s.stay.country,
            "exempt": s.stay.exempt,
            "counted_days": s.counted_days,
            "note": s.note,
        }
        for s in c.stays
    ]
    body["rolling_out"] = [{**_period(w), "days": w.days} for w in c.rolling_out]
    body["explanation"] = c.explanation
    return body


def parse_request(payload: JsonObject) -> CalculationCreate:
    """Validate a request, turning shape errors into `InvalidRequest` with field errors."""
    try:
        return CalculationCreate.model_validate(payload)
    except ValidationError as exc:
        raise InvalidRequest(
            "The request does not have the expected shape; fix the fields listed.",
            field_errors_from_pydantic(exc),
        ) from None


def calculate_json(payload: JsonObject) -> JsonObject:
    """Answer one `limes calc` request."""
    stays, on, mode, visa = parse_request(payload).to_domain()
    return calculation_to_json(calculate(stays, on, mode, visa))
