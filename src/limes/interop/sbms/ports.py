"""What the shared biometric matching service needs: matchers and a template store.

`Matcher` follows the vendor-neutral ABIS contract of MOSIP (insert, identify,
delete): a back-end never decides, it only ranks. One matcher holds one gallery and
one modality, because the galleries are logically separate (Reg. (EU) 2019/817
Art 13) and only templates of one modality are comparable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from limes.biometrics.templates import BiometricTemplate, Modality
from limes.interop.sbms.models import Gallery, StoredTemplate

__all__ = ["Matcher", "MatcherFactory", "TemplateStore", "Vector"]

# A template vector: float32, one dimension, unit L2 norm (cosine is the dot product).
Vector = npt.NDArray[np.float32]


class Matcher(Protocol):
    """A 1:N search back-end over the unit vectors of one gallery and one modality."""

    def insert(self, entries: Sequence[tuple[str, Vector]]) -> None:
        """Add (template id, unit vector) pairs; an id already held is refused, nothing is deduplicated."""
        ...

    def identify(self, probe: Vector, k: int) -> list[tuple[str, float]]:
        """Up to `k` (template id, cosine score) pairs, best first."""
        ...

    def delete(self, template_ids: Iterable[str]) -> int:
        """Remove these templates; ids not held are ignored; returns how many were removed."""
        ...

    def __len__(self) -> int:
        """How many templates the matcher holds."""
        ...


class MatcherFactory(Protocol):
    """Makes the empty matcher of one gallery and modality; chooses the back-end (and may vary it per gallery)."""

    def __call__(self, gallery: Gallery, modality: Modality, dimension: int, /) -> Matcher:
        """A new, empty matcher for vectors of `dimension` values."""
        ...


class TemplateStore(Protocol):
    """The templates of every gallery with their source references (2019/817 Art 13(2))."""

    def add(self, entries: Sequence[tuple[StoredTemplate, BiometricTemplate]]) -> None:
        """Store templates with their metadata; all or none."""
        ...

    def get(self, template_id: str) -> StoredTemplate | None:
        """The metadata of one template, or None."""
        ...

    def for_reference(
        self, gallery: Gallery, source_reference: str
    ) -> list[tuple[StoredTemplate, BiometricTemplate]]:
        """The templates of one source record, in the order they were stored."""
        ...

    def remove(self, template_ids: Iterable[str]) -> list[StoredTemplate]:
        """Remove templates; returns the metadata of those that existed."""
        ...

    def count(self, gallery: Gallery | None = None) -> int:
        """How many templates are held, in one gallery or in all."""
        ...
