"""The shared, sans-IO Data Integrity core: no Flask, no network, no clock.

Canonicalization (RDFC-1.0, JCS), Multikey and did:key, the cryptosuites
eddsa-rdfc-2022, eddsa-jcs-2022 and ecdsa-rdfc-2019, and
:func:`add_proof` / :func:`verify_proof`.
"""

from .cryptosuites import ECDSA_RDFC_2019 as ECDSA_RDFC_2019
from .cryptosuites import EDDSA_JCS_2022 as EDDSA_JCS_2022
from .cryptosuites import EDDSA_RDFC_2022 as EDDSA_RDFC_2022
from .cryptosuites import SUITES as SUITES
from .cryptosuites import KeySigner as KeySigner
from .errors import VCError as VCError
from .loader import StaticLoader as StaticLoader
from .loader import bundled_loader as bundled_loader
from .proof import ProofCheck as ProofCheck
from .proof import add_proof as add_proof
from .proof import verify_proof as verify_proof
from .results import CheckResult as CheckResult
from .results import Problem as Problem
