"""The sBMS template store in dictionaries, for tests and the demo."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from limes.biometrics.templates import BiometricTemplate
from limes.core.errors import Conflict
from limes.interop.sbms.models import Gallery, StoredTemplate

__all__ = ["MemoryTemplateStore"]


class MemoryTemplateStore:
    """`TemplateStore` over dictionaries; keeps insertion order per source record."""

    def __init__(self) -> None:
        self._templates: dict[str, tuple[StoredTemplate, BiometricTemplate]] = {}
        self._by_reference: dict[tuple[Gallery, str], list[str]] = {}

    def add(self, entries: Sequence[tuple[StoredTemplate, BiometricTemplate]]) -> None:
        """Store templates with their metadata; all or none.

        Raises:
            Conflict: a template id is already stored or repeated in `entries`.
        """
        ids = [stored.template_id for stored, _ in entries]
        taken = [i for i in ids if i in self._templates]
        if taken or len(set(ids)) != len(ids):
            raise Conflict(f"the sBMS already holds template id(s) {sorted(set(taken)) or ids}")
        for stored, template in entries:
            self._templates[stored.template_id] = (stored, template)
            key = (stored.gallery, stored.source_reference)
            self._by_reference.setdefault(key, []).append(stored.template_id)

    def get(self, template_id: str) -> StoredTemplate | None:
        """The metadata of one template, or None."""
        entry = self._templates.get(template_id)
        return entry[0] if entry is not None else None

    def for_reference(
        self, gallery: Gallery, source_reference: str
    ) -> list[tuple[StoredTemplate, BiometricTemplate]]:
        """The templates of one source record, in the order they were stored."""
        ids = self._by_reference.get((gallery, source_reference), [])
        return [self._templates[i] for i in ids]

    def remove(self, template_ids: Iterable[str]) -> list[StoredTemplate]:
        """Remove templates; returns the metadata of those that existed."""
        removed: list[StoredTemplate] = []
        for template_id in dict.fromkeys(template_ids):
            entry = self._templates.pop(template_id, None)
            if entry is None:
                continue
            stored = entry[0]
            key = (stored.gallery, stored.source_reference)
            remaining = [i for i in self._by_reference[key] if i != template_id]
            if remaining:
                self._by_reference[key] = remaining
            else:
                del self._by_reference[key]
            removed.append(stored)
        return removed

    def count(self, gallery: Gallery | None = None) -> int:
        """How many templates are held, in one gallery or in all."""
        if gallery is None:
            return len(self._templates)
        return sum(1 for stored, _ in self._templates.values() if stored.gallery is gallery)
