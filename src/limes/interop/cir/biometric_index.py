"""The sBMS as the CIR's biometric search (Reg. (EU) 2019/817 Art 12-16, 20(2), 22, 27(1)).

`CirBiometricIndex` keeps a shared biometric matching service filled with the CIR's
templates: it loads them once, then follows the CIR's change log, so every process
that holds one searches the same gallery whichever process wrote the files.
`SbmsSearcher` is the `Searcher` of police identification (Art 20) and of the hit
flag (Art 22) over it: a 1:N search per probe narrows the candidates, and each is
then compared 1:1 on every modality, as the desk's verification decides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from limes.biometrics.matching import Verifier, verify_best
from limes.biometrics.templates import BiometricTemplate, Modality
from limes.core.errors import InvalidRequest
from limes.interop.cir.models import IdentityFile, SourceSystem
from limes.interop.cir.ports import IdentityRepository
from limes.interop.cir.search import BiometricHit, DocumentRef, RepositorySearcher
from limes.interop.sbms.models import Gallery
from limes.interop.sbms.service import MAX_CANDIDATES, SharedBiometricMatchingService

__all__ = ["GALLERY_OF", "CirBiometricIndex", "SbmsSearcher"]

GALLERY_OF: dict[SourceSystem, Gallery] = {
    SourceSystem.EES: Gallery.EES,
    SourceSystem.VIS: Gallery.VIS,
    SourceSystem.EURODAC: Gallery.EURODAC,
    SourceSystem.ECRIS_TCN: Gallery.ECRIS_TCN,
    # ETIAS holds no biometrics (Reg. (EU) 2018/1240), so it has no gallery.
}
# Changes read per step when following the log.
_FOLLOW_BATCH = 1000


class CirBiometricIndex:
    """An sBMS kept current with the CIR's templates of some modalities (faces by default).

    Searching faces only keeps one template per person in the 1:N index; the other
    modalities are compared 1:1 once a candidate is found. The matchers are not
    thread-safe, so following the log and searching take turns.
    """

    def __init__(
        self,
        sbms: SharedBiometricMatchingService,
        modalities: Sequence[Modality] = (Modality.FACE,),
    ) -> None:
        self.sbms = sbms
        self.modalities = tuple(modalities)
        self._lock = threading.Lock()
        self._seq = 0
        self._loaded = False
        self._enrolled: set[str] = set()
        # Set while a thread of a starting server loads every template (`load_in_background`).
        self._loading = threading.Event()

    @property
    def position(self) -> int:
        """The last CIR change the index reflects."""
        return self._seq

    @property
    def loading(self) -> bool:
        """Whether a background thread is loading the index: a search now would wait."""
        return self._loading.is_set()

    def load_in_background(self, load: Callable[[], object]) -> threading.Thread:
        """Run `load` (which syncs this index) on a thread; `loading` holds until it ends."""
        self._loading.set()

        def run() -> None:
            try:
                load()
            finally:
                self._loading.clear()

        thread = threading.Thread(target=run, name="sbms-index-load", daemon=True)
        thread.start()
        return thread

    def __len__(self) -> int:
        """How many files the index can find."""
        return len(self._enrolled)

    def sync(self, repository: IdentityRepository) -> dict[str, IdentityFile | None]:
        """Bring the index up to the CIR's latest committed change.

        Returns the files it read while following the log (None for an erased one),
        for a caller in the same transaction not to read them again; the first call
        loads every template and returns none.
        """
        read: dict[str, IdentityFile | None] = {}
        with self._lock:
            if not self._loaded:
                self._load(repository)
            while changes := repository.changes_after(self._seq, _FOLLOW_BATCH):
                for cir_id in dict.fromkeys(change.cir_id for change in changes):
                    self._drop(cir_id)
                    identity_file = repository.get(cir_id)
                    if identity_file is not None:
                        templates = repository.templates(cir_id, self.modalities)
                        self._enrol(cir_id, identity_file.system, templates)
                    read[cir_id] = identity_file
                self._seq = changes[-1].seq
                if len(changes) < _FOLLOW_BATCH:
                    break  # the end of the log as this transaction sees it: no query more
        return read

    def _load(self, repository: IdentityRepository) -> None:
        # The index is empty: every file's templates go in once, read in one statement
        # per modality with their system (no file read each).
        seq = repository.last_change()
        held: dict[str, tuple[SourceSystem, list[BiometricTemplate]]] = {}
        for modality in self.modalities:
            for found in repository.all_templates(modality):
                held.setdefault(found.cir_id, (found.system, []))[1].append(found.template)
        for cir_id, (system, templates) in held.items():
            self._enrol(cir_id, system, templates)
        self._seq = seq
        self._loaded = True

    def _enrol(
        self, cir_id: str, system: SourceSystem, templates: Sequence[BiometricTemplate]
    ) -> None:
        gallery = GALLERY_OF.get(system)
        if gallery is None or not templates:
            return
        try:
            self.sbms.enrol(gallery, cir_id, templates)
        except InvalidRequest:
            # Below the sBMS enrolment quality (Art 13(3)): not searchable 1:N; the file
            # is still compared 1:1 when a document or another search finds it.
            return
        self._enrolled.add(cir_id)

    def _drop(self, cir_id: str) -> None:
        self._enrolled.discard(cir_id)
        for gallery in GALLERY_OF.values():
            self.sbms.delete(gallery, cir_id)

    def candidates(
        self,
        probes: Sequence[BiometricTemplate],
        k: int = MAX_CANDIDATES,
        galleries: Sequence[Gallery] | None = None,
    ) -> list[str]:
        """The cir_ids the sBMS finds for any probe of an indexed modality, best first.

        `galleries` limits the search to some systems' files (all when None).
        """
        found: dict[str, None] = {}
        with self._lock:
            for probe in probes:
                if probe.modality in self.modalities:
                    hits = self.sbms.identify(probe, galleries, k=k).candidates
                    found.update(dict.fromkeys(hit.source_reference for hit in hits))
        return list(found)


class SbmsSearcher:
    """`Searcher` over the sBMS: 1:N to find candidates, then 1:1 on every modality (Art 20(2))."""

    def __init__(
        self,
        index: CirBiometricIndex,
        repository: IdentityRepository,
        verifier: Verifier | None = None,
    ) -> None:
        self._index = index
        self._repository = repository
        self._verifier = verifier
        self._by_document = RepositorySearcher(repository, verifier)

    def search(
        self, probes: Sequence[BiometricTemplate], document: DocumentRef | None
    ) -> list[BiometricHit]:
        """The files whose templates match the probes; a document narrows to its files."""
        if document is not None:
            return self._by_document.search(probes, document)
        self._index.sync(self._repository)
        modalities = sorted({probe.modality for probe in probes})
        hits: list[BiometricHit] = []
        for cir_id in sorted(self._index.candidates(probes)):
            references = self._repository.templates(cir_id, modalities)
            check = verify_best(probes, references, self._verifier)
            if check.matched:
                hits.append(BiometricHit(cir_id, check))
        return hits
