"""Precision and recall of identity links on a SYNTHETIC evaluation set, per kind of variation.

Candidate pairs come from blocking (`limes.matching.text.blocking_keys`), as the
multiple-identity detector finds them; a true pair blocking never brings together
is lost before the matcher sees it, and is reported apart from the pairs the
matcher rejects.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from limes.matching.text import blocking_keys, normalise
from limes.sim.identities import EvaluationRecord, EvaluationSet, Variation

__all__ = ["KindResult", "Report", "candidate_pairs", "evaluate", "pair_kind"]

Pair = tuple[str, str]
Predict = Callable[[EvaluationRecord, EvaluationRecord], bool]

MIXED = "mixed"  # a true pair of two records that each differ in their own way
OTHER = "other"  # a false link between people who share neither passport nor name
_NEGATIVE_KINDS = (Variation.HARD_NEGATIVE.value, Variation.SHARED_PASSPORT.value, OTHER)


def candidate_pairs(records: Iterable[EvaluationRecord]) -> frozenset[Pair]:
    """Every pair of record ids (in sorted order) that share at least one blocking key."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for record in records:
        identity = record.identity()
        for key in blocking_keys(
            identity.surname, identity.given_names, identity.dob, identity.doc_number
        ):
            blocks[key].append(record.record_id)
    return frozenset(
        _ordered(a, b)
        for ids in blocks.values()
        for a, b in itertools.combinations(sorted(set(ids)), 2)
    )


def pair_kind(a: EvaluationRecord, b: EvaluationRecord) -> str:
    """The kind of a pair: its variation if a true pair, what makes it hard if not.

    Two people's records are a shared_passport pair when they hold the same
    document, a hard_negative pair when they have the same names and years of birth
    that do not differ (one may be unknown).
    """
    if a.person_id == b.person_id:
        kinds = {a.variation, b.variation} - {Variation.EXACT}
        if not kinds:
            return Variation.EXACT.value
        return kinds.pop().value if len(kinds) == 1 else MIXED
    if a.doc_number and (a.doc_number, a.doc_country) == (b.doc_number, b.doc_country):
        return Variation.SHARED_PASSPORT.value
    if _names(a) == _names(b) and (not a.dob or not b.dob or a.dob[:4] == b.dob[:4]):
        return Variation.HARD_NEGATIVE.value
    return OTHER


def _names(record: EvaluationRecord) -> tuple[str, str]:
    return normalise(record.surname), normalise(record.given_names)


@dataclass(frozen=True, slots=True)
class KindResult:
    """The pairs of one kind: how many, how many blocking lost, how many were linked."""

    kind: str
    pairs: int
    lost_by_blocking: int
    linked: int

    @property
    def share_linked(self) -> float:
        """Linked pairs over all pairs of the kind: recall for true pairs."""
        return self.linked / self.pairs if self.pairs else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """Links predicted on an evaluation set against its ground truth.

    `true_kinds` count true pairs (all of them, compared or not); `false_kinds`
    count the different-person pairs that blocking made candidates, and the false
    links among them.
    """

    records: int
    candidates: int
    true_kinds: tuple[KindResult, ...]
    false_kinds: tuple[KindResult, ...]

    @property
    def true_pairs(self) -> int:
        """Pairs of records of the same person."""
        return sum(k.pairs for k in self.true_kinds)

    @property
    def true_links(self) -> int:
        """Links between records of the same person."""
        return sum(k.linked for k in self.true_kinds)

    @property
    def false_links(self) -> int:
        """Links between records of different people."""
        return sum(k.linked for k in self.false_kinds)

    @property
    def lost_by_blocking(self) -> int:
        """True pairs that share no blocking key, so never reach the matcher."""
        return sum(k.lost_by_blocking for k in self.true_kinds)

    @property
    def precision(self) -> float:
        """True links over all links."""
        links = self.true_links + self.false_links
        return self.true_links / links if links else 0.0

    @property
    def recall(self) -> float:
        """True links over all true pairs, including those blocking lost."""
        return self.true_links / self.true_pairs if self.true_pairs else 0.0

    @property
    def blocking_recall(self) -> float:
        """True pairs that blocking makes candidates, over all true pairs."""
        if not self.true_pairs:
            return 0.0
        return (self.true_pairs - self.lost_by_blocking) / self.true_pairs

    def kind_precision(self, kind: str) -> float:
        """Precision if only this kind's true pairs and false links were scored."""
        true = sum(k.linked for k in self.true_kinds if k.kind == kind)
        false = sum(k.linked for k in self.false_kinds if k.kind == kind)
        return true / (true + false) if true + false else 0.0

    def to_markdown(self) -> str:
        """The report as Markdown tables: overall, same-person pairs, different people."""
        lines = [
            "| records | candidate pairs | true pairs | lost by blocking | links | false links "
            "| precision | recall | blocking recall |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {self.records:,} | {self.candidates:,} | {self.true_pairs:,} "
            f"| {self.lost_by_blocking:,} | {self.true_links + self.false_links:,} "
            f"| {self.false_links:,} | {self.precision:.3f} | {self.recall:.3f} "
            f"| {self.blocking_recall:.3f} |",
            "",
            "| same person, kind | true pairs | lost by blocking | linked | recall |",
            "|---|---:|---:|---:|---:|",
            *(
                f"| {k.kind} | {k.pairs:,} | {k.lost_by_blocking:,} | {k.linked:,} "
                f"| {k.share_linked:.3f} |"
                for k in self.true_kinds
            ),
            "",
            "| different people, kind | candidate pairs | false links | share linked |",
            "|---|---:|---:|---:|",
            *(
                f"| {k.kind} | {k.pairs:,} | {k.linked:,} | {k.share_linked:.3f} |"
                for k in self.false_kinds
            ),
        ]
        return "\n".join(lines) + "\n"


def evaluate(
    records: Sequence[EvaluationRecord], candidate_pairs: Iterable[Pair], predict: Predict
) -> Report:
    """Score `predict` on the candidate pairs of `records` against their ground truth."""
    by_id = {r.record_id: r for r in records}
    candidates = {_ordered(a, b) for a, b in candidate_pairs}
    true_pairs = EvaluationSet(tuple(records)).true_pairs()
    pairs: Counter[tuple[bool, str]] = Counter()
    lost: Counter[str] = Counter()
    linked: Counter[tuple[bool, str]] = Counter()
    for pair in candidates | true_pairs:
        a, b = by_id[pair[0]], by_id[pair[1]]
        same = pair in true_pairs
        kind = pair_kind(a, b)
        pairs[same, kind] += 1
        if pair not in candidates:
            lost[kind] += 1
        elif predict(a, b):
            linked[same, kind] += 1
    # Every kind appears in the report, so that tables of different runs line up.
    true_kinds = [v.value for v in Variation if v.value not in _NEGATIVE_KINDS] + [MIXED]
    return Report(
        records=len(records),
        candidates=len(candidates),
        true_kinds=tuple(
            KindResult(k, pairs[True, k], lost[k], linked[True, k]) for k in true_kinds
        ),
        false_kinds=tuple(
            KindResult(k, pairs[False, k], 0, linked[False, k]) for k in _NEGATIVE_KINDS
        ),
    )


def _ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)
