"""The shared biometric matching service, sBMS (Reg. (EU) 2019/817 Art 12-16).

It holds biometric templates generated from the biometric data of EES, VIS, Eurodac,
ECRIS-TCN (the latter two under the twin Reg. (EU) 2019/818) and SIS, one gallery per
source system, each template referring to its source record (Art 13). It compares
1:1 against one record and searches 1:N within the galleries a caller names (Art 14).
Templates follow their source record out (Art 15).

The matcher back-end sits behind the `Matcher` port, shaped like MOSIP's
vendor-neutral ABIS contract (insert, identify, delete), so that exact NumPy search,
a FAISS index, a vendor ABIS or a distributed vector store are interchangeable.
"""

from limes.interop.sbms.models import (
    Candidate,
    Gallery,
    Identification,
    StoredTemplate,
    parse_gallery,
)
from limes.interop.sbms.ports import Matcher, MatcherFactory, TemplateStore
from limes.interop.sbms.service import MAX_CANDIDATES, SharedBiometricMatchingService

__all__ = [
    "MAX_CANDIDATES",
    "Candidate",
    "Gallery",
    "Identification",
    "Matcher",
    "MatcherFactory",
    "SharedBiometricMatchingService",
    "StoredTemplate",
    "TemplateStore",
    "parse_gallery",
]
