"""Use cases of the shared biometric matching service (Reg. (EU) 2019/817 Art 12-16).

Enrolment checks every template before storing it (Art 13(3)); 1:1 verification
compares against one source record; 1:N identification searches only the galleries
asked for (Art 14), each held by its own matcher so the galleries stay logically
separate (Art 13); deletion follows the source record (Art 15). Scores and
thresholds come from `limes.biometrics.matching`, so a 1:1 and a 1:N decision on the
same pair of templates agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence

from limes.biometrics.matching import CosineVerifier, Verification
from limes.biometrics.quality import QualityPurpose, check_quality
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.biometrics.vectors import TEMPLATE_DIMENSIONS, decode, parse_modality
from limes.core.errors import FieldError, InvalidRequest, NotFound
from limes.interop.sbms.models import (
    Candidate,
    Gallery,
    Identification,
    StoredTemplate,
    parse_gallery,
)
from limes.interop.sbms.ports import Matcher, MatcherFactory, TemplateStore, Vector

__all__ = ["MAX_CANDIDATES", "SharedBiometricMatchingService"]

# Upper bound on k for one 1:N search (limes policy): a candidate list is read by a
# person, and an unbounded k would turn a search into a dump of the gallery.
MAX_CANDIDATES = 100


def _new_template_id() -> str:
    return f"sbms-{uuid.uuid4().hex}"


def _vector(template: BiometricTemplate, field: str) -> tuple[Modality, Vector]:
    """The template's modality and decoded vector; errors name the template's field."""
    try:
        modality = parse_modality(template.modality)
        return modality, decode(template.vector, modality)
    except InvalidRequest as exc:
        raise InvalidRequest(
            exc.detail, [FieldError(f"{field}/{e.field}", e.reason) for e in exc.errors]
        ) from None


class SharedBiometricMatchingService:
    """The sBMS: one matcher per (gallery, modality), templates kept in a `TemplateStore`."""

    def __init__(
        self,
        matchers: MatcherFactory,
        store: TemplateStore,
        *,
        thresholds: Mapping[Modality, float] | None = None,
        new_id: Callable[[], str] = _new_template_id,
    ) -> None:
        self._factory = matchers
        self._store = store
        self._verifier = CosineVerifier(thresholds)
        self._new_id = new_id
        self._matchers: dict[tuple[Gallery, Modality], Matcher] = {}

    @property
    def thresholds(self) -> Mapping[Modality, float]:
        """The cosine threshold of each modality, shared by 1:1 and 1:N."""
        return self._verifier.thresholds

    def count(self, gallery: Gallery | None = None) -> int:
        """How many templates the sBMS holds, in one gallery or in all."""
        return self._store.count(None if gallery is None else parse_gallery(gallery))

    def enrol(
        self, gallery: Gallery, source_reference: str, templates: Sequence[BiometricTemplate]
    ) -> list[StoredTemplate]:
        """2019/817 Art 13: store a source record's templates after an automated quality check.

        All or none: one template of the wrong size or below the enrolment quality
        minimum (Art 13(3)) refuses the whole request and nothing is stored.
        """
        checked_gallery = parse_gallery(gallery)
        reference = self._check_reference(source_reference)
        if not templates:
            raise InvalidRequest(
                "Nothing to enrol", [FieldError("templates", "give at least one template")]
            )
        prepared: list[tuple[StoredTemplate, BiometricTemplate, Vector]] = []
        for index, template in enumerate(templates):
            field = f"templates/{index}"
            modality, vector = _vector(template, field)
            verdict = check_quality(template, QualityPurpose.ENROLMENT)
            if not verdict.acceptable:
                raise InvalidRequest(
                    "Template refused by the sBMS quality check (Reg. (EU) 2019/817 Art 13(3))",
                    [FieldError(f"{field}/quality", verdict.reason)],
                )
            stored = StoredTemplate(
                template_id=self._new_id(),
                gallery=checked_gallery,
                source_reference=reference,
                modality=modality,
                quality=template.quality,
                synthetic=template.synthetic,
            )
            prepared.append((stored, template, vector))
        self._store.add([(s, t) for s, t, _ in prepared])
        inserted: list[tuple[Matcher, list[str]]] = []
        try:
            for modality in dict.fromkeys(s.modality for s, _, _ in prepared):
                entries = [(s.template_id, v) for s, _, v in prepared if s.modality is modality]
                matcher = self._matcher(checked_gallery, modality)
                matcher.insert(entries)
                inserted.append((matcher, [template_id for template_id, _ in entries]))
        except Exception:
            # Keep store and matchers in step: a template is in both or in neither.
            for matcher, ids in inserted:
                matcher.delete(ids)
            self._store.remove(s.template_id for s, _, _ in prepared)
            raise
        return [s for s, _, _ in prepared]

    def verify(
        self, gallery: Gallery, source_reference: str, probe: BiometricTemplate
    ) -> Verification:
        """2019/817 Art 14: compare a probe 1:1 with one record's templates of its modality.

        Returns the best comparison. Raises NotFound when the record holds no
        template of the probe's modality in that gallery.
        """
        checked_gallery = parse_gallery(gallery)
        reference = self._check_reference(source_reference)
        modality, _ = _vector(probe, "probe")
        references = [
            template
            for stored, template in self._store.for_reference(checked_gallery, reference)
            if stored.modality is modality
        ]
        if not references:
            raise NotFound(
                f"the {checked_gallery} gallery holds no {modality} template for "
                f"source record {reference!r}"
            )
        results = [self._verifier.verify(probe, r) for r in references]
        return max(results, key=lambda v: v.score)

    def identify(
        self,
        probe: BiometricTemplate,
        galleries: Sequence[Gallery] | None = None,
        k: int = 10,
    ) -> Identification:
        """2019/817 Art 14: search a probe 1:N in the galleries asked for (all when None).

        Candidates score at or above the modality's threshold, best first, at most
        `k` over all galleries searched.
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_CANDIDATES:
            raise InvalidRequest(
                "Invalid candidate count",
                [FieldError("k", f"{k!r} is not an integer from 1 to {MAX_CANDIDATES}")],
            )
        scope = self._scope(galleries)
        modality, vector = _vector(probe, "probe")
        threshold = self._verifier.thresholds[modality]
        found: list[Candidate] = []
        lines: list[str] = []
        for gallery in scope:
            matcher = self._matchers.get((gallery, modality))
            held = len(matcher) if matcher is not None else 0
            hits = matcher.identify(vector, k) if matcher is not None and held else []
            above = [(template_id, score) for template_id, score in hits if score >= threshold]
            found.extend(self._candidate(template_id, score) for template_id, score in above)
            lines.append(
                f"{gallery}: {held} {modality} template(s) searched, {len(above)} at or above "
                f"threshold {threshold:.3f}"
            )
        found.sort(key=lambda c: (-c.score, c.template_id))
        candidates = tuple(found[:k])
        note = " (synthetic probe)" if probe.synthetic else ""
        summary = (
            f"{len(candidates)} candidate(s) for a {modality} probe of quality "
            f"{probe.quality}{note} in {', '.join(scope)}"
        )
        return Identification(candidates=candidates, explanation=(summary, *lines))

    def delete(self, gallery: Gallery, source_reference: str) -> int:
        """2019/817 Art 15: remove every template of a source record from store and matchers."""
        checked_gallery = parse_gallery(gallery)
        reference = self._check_reference(source_reference)
        ids = [s.template_id for s, _ in self._store.for_reference(checked_gallery, reference)]
        return self.delete_templates(ids)

    def delete_templates(self, template_ids: Iterable[str]) -> int:
        """2019/817 Art 15: remove templates by id from store and matchers; unknown ids are ignored."""
        removed = self._store.remove(template_ids)
        by_matcher: dict[tuple[Gallery, Modality], list[str]] = {}
        for stored in removed:
            by_matcher.setdefault((stored.gallery, stored.modality), []).append(stored.template_id)
        for key, ids in by_matcher.items():
            matcher = self._matchers.get(key)
            if matcher is not None:
                matcher.delete(ids)
        return len(removed)

    def _matcher(self, gallery: Gallery, modality: Modality) -> Matcher:
        key = (gallery, modality)
        if key not in self._matchers:
            self._matchers[key] = self._factory(gallery, modality, TEMPLATE_DIMENSIONS[modality])
        return self._matchers[key]

    def _candidate(self, template_id: str, score: float) -> Candidate:
        stored = self._store.get(template_id)
        if stored is None:
            # The store and the matchers are changed together; a miss is a broken invariant.
            raise RuntimeError(f"matcher returned template {template_id!r} unknown to the store")
        return Candidate(
            template_id=template_id,
            source_reference=stored.source_reference,
            gallery=stored.gallery,
            modality=stored.modality,
            score=score,
        )

    @staticmethod
    def _scope(galleries: Sequence[Gallery] | None) -> tuple[Gallery, ...]:
        if galleries is None:
            return tuple(Gallery)
        if isinstance(galleries, str) or not galleries:
            raise InvalidRequest(
                "Invalid gallery scope",
                [FieldError("galleries", "give a non-empty list of galleries, or none for all")],
            )
        return tuple(
            dict.fromkeys(parse_gallery(g, f"galleries/{i}") for i, g in enumerate(galleries))
        )

    @staticmethod
    def _check_reference(source_reference: str) -> str:
        if not isinstance(source_reference, str) or not source_reference.strip():
            raise InvalidRequest(
                "Missing source reference (Reg. (EU) 2019/817 Art 13(2))",
                [FieldError("source_reference", "give the id of the record in the source system")],
            )
        return source_reference
