"""Precision and recall of limes' identity matcher on a SYNTHETIC evaluation set.

People from `limes.sim.population` are recorded one to four times across the EES,
VIS, ETIAS and Eurodac with realistic variation (`limes.sim.identities`), plus
impostors on someone else's passport and namesakes born the same year. Candidate
pairs come from the matcher's own blocking keys; a pair is a link when
`match_identities` says "same" or "similar". The time per `match_identities` call
is the mean over the candidate pairs, each record's name prepared on first use
(as a detector that compares each record many times does).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from functools import cache

from limes.matching.engine import match_identities
from limes.matching.identity import IdentityRecord
from limes.matching.results import Outcome
from limes.sim.evaluation import Report, candidate_pairs, evaluate
from limes.sim.identities import EvaluationRecord, evaluation_set

SEED = 2026
_LINKED = frozenset({Outcome.SAME, Outcome.SIMILAR})


@dataclass(frozen=True, slots=True)
class Timed:
    """A report with the mean time of one `match_identities` call on its candidates."""

    report: Report
    microseconds_per_match: float


def measure(people: int = 2000, seed: int = SEED) -> Report:
    """Build the set, block it and score `match_identities` on every candidate pair."""
    return measure_timed(people, seed).report


def measure_timed(people: int = 2000, seed: int = SEED) -> Timed:
    """`measure`, with the mean time of `match_identities` over the candidate pairs."""
    records = evaluation_set(people, seed).records
    spent = [0.0, 0]

    @cache
    def identity(record: EvaluationRecord) -> IdentityRecord:
        return record.identity()

    def predict(a: EvaluationRecord, b: EvaluationRecord) -> bool:
        first, second = identity(a), identity(b)
        started = time.perf_counter()
        verdict = match_identities(first, second).verdict
        spent[0] += time.perf_counter() - started
        spent[1] += 1
        return verdict in _LINKED

    result = evaluate(records, candidate_pairs(records), predict)
    return Timed(result, spent[0] / spent[1] * 1e6 if spent[1] else 0.0)


def report(
    result: Report, people: int = 2000, seed: int = SEED, microseconds: float | None = None
) -> str:
    """The Markdown section for BENCHMARKS.md."""
    timing = (
        [f"`match_identities`: {microseconds:.0f} µs per candidate pair (mean).", ""]
        if microseconds is not None
        else []
    )
    return "\n".join(
        [
            "## Identity matching: precision and recall of links",
            "",
            f"SYNTHETIC evaluation set (`limes.sim.identities`, {people:,} people, seed {seed}):",
            "each person recorded 1-4 times across EES, VIS, ETIAS and Eurodac, every record",
            "after the first with one variation; plus impostors on another person's passport",
            "(shared_passport) and namesakes born the same year (hard_negative). Candidates",
            "are the pairs that share a blocking key; a link is a verdict of same or similar.",
            "A true pair's kind is the variation of its non-exact record (mixed: both vary).",
            "dob_missing and dob_year_off change the year of birth, so recall counts what",
            "blocking loses when the year keys no longer meet (lost by blocking).",
            "",
            *timing,
            result.to_markdown(),
        ]
    )


def main() -> None:
    """Print the report for 2,000 people."""
    started = time.perf_counter()
    result = measure_timed()
    sys.stdout.write(report(result.report, microseconds=result.microseconds_per_match))
    sys.stdout.write(f"\n({time.perf_counter() - started:.0f} s)\n")


if __name__ == "__main__":
    main()
