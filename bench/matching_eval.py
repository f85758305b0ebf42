"""Precision and recall of limes' identity matcher on a SYNTHETIC evaluation set.

People from `limes.sim.population` are recorded one to four times across the EES,
VIS, ETIAS and Eurodac with realistic variation (`limes.sim.identities`), plus
impostors on someone else's passport and namesakes born the same year. Candidate
pairs come from the matcher's own blocking keys; a pair is a link when
`match_identities` says "same" or "similar".
"""

from __future__ import annotations

import sys
import time
from functools import cache

from limes.matching.engine import match_identities
from limes.matching.identity import IdentityRecord
from limes.matching.results import Outcome
from limes.sim.evaluation import Report, candidate_pairs, evaluate
from limes.sim.identities import EvaluationRecord, evaluation_set

SEED = 2026
_LINKED = frozenset({Outcome.SAME, Outcome.SIMILAR})


def measure(people: int = 2000, seed: int = SEED) -> Report:
    """Build the set, block it and score `match_identities` on every candidate pair."""
    records = evaluation_set(people, seed).records

    @cache
    def identity(record: EvaluationRecord) -> IdentityRecord:
        return record.identity()

    def predict(a: EvaluationRecord, b: EvaluationRecord) -> bool:
        return match_identities(identity(a), identity(b)).verdict in _LINKED

    return evaluate(records, candidate_pairs(records), predict)


def report(result: Report, people: int = 2000, seed: int = SEED) -> str:
    """The Markdown section for BENCHMARKS.md."""
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
            "",
            result.to_markdown(),
        ]
    )


def main() -> None:
    """Print the report for 2,000 people."""
    started = time.perf_counter()
    result = measure()
    sys.stdout.write(report(result))
    sys.stdout.write(f"\n({time.perf_counter() - started:.0f} s)\n")


if __name__ == "__main__":
    main()
