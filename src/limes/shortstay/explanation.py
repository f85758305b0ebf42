"""Sentences that explain a calculation, worded after the official calculator."""

from __future__ import annotations

from limes.shortstay.models import Calculation, Limit, Mode, StayAnswer

_LIMITS = {
    Limit.VISA_VALIDITY: "the end of the visa's validity",
    Limit.VISA_DURATION: "the duration of stay printed on the visa",
    Limit.VISA_ENTRIES: "the entries the visa allows, all already used",
}


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def explain(calculation: Calculation) -> str:
    """Explain the outcome in a few sentences (SBC Art 6(1); EES Art 11)."""
    c = calculation
    sentences = [
        f"{_days(c.days_used).capitalize()} of stay fall in the 180-day period "
        f"from {c.window.start} to {c.window.end}."
    ]
    for counted in c.stays:
        if counted.note:
            sentences.append(
                f"The stay from {counted.stay.entry} to {counted.stay.exit}: {counted.note}."
            )
    if c.overstays:
        for overstay in c.overstays:
            sentences.append(
                f"Overstay in the period from {overstay.period.start} to {overstay.period.end} "
                f"({_days(overstay.days)}); days of stay in the 180-day period from "
                f"{overstay.window.start} to {overstay.window.end}: "
                f"{_days(overstay.days_in_window)}, {overstay.days_over_limit_in_window} "
                "over the limit in that period."
            )
        sentences.append(
            "As in the official calculator, an overstay in the history blocks the planning "
            "and check answers; enter only the stays in the current 180-day period to see "
            "the answer for today."
        )
        return " ".join(sentences)
    assert c.answer is not None  # noqa: S101 - set whenever there is no overstay
    sentences.extend(_answer_sentences(c, c.answer))
    return " ".join(sentences)


def _answer_sentences(c: Calculation, answer: StayAnswer) -> list[str]:
    sentences: list[str] = []
    if c.mode is Mode.CHECK:
        sentences.append("No overstay in the registration period.")
    if answer.stay_until is None:
        sentences.append("A stay may not be authorised.")
        if answer.limited_by in _LIMITS:
            sentences.append(f"The limit is {_LIMITS[answer.limited_by]}.")
        if answer.next_entry is not None:
            sentences.append(
                f"From {answer.next_entry.date} a stay may be authorised for "
                f"{_days(answer.next_entry.days)}."
            )
        return sentences
    if c.mode is Mode.PLANNING:
        sentences.append(
            f"The stay may be authorised for up to {_days(answer.planning_days)}, "
            f"until {answer.stay_until}."
        )
    else:
        sentences.append(f"Possible stay until {answer.stay_until}.")
    rolled = sum(w.days for w in c.rolling_out)
    if rolled and answer.limited_by is Limit.RULE_90_180:
        sentences.append(
            f"That is longer than 90 minus the days used because {_days(rolled)} of earlier "
            "stays leave the 180-day period while this stay goes on."
        )
    if answer.limited_by in _LIMITS:
        sentences.append(f"The stay is limited by {_LIMITS[answer.limited_by]}.")
    return sentences
