"""The Data Integrity cryptosuites we implement, by name."""

from types import MappingProxyType

from .base import Cryptosuite as Cryptosuite
from .base import KeySigner as KeySigner
from .base import Signer as Signer
from .ed25519_2020 import ED25519_SIGNATURE_2020 as ED25519_SIGNATURE_2020
from .jcs import EDDSA_JCS_2022 as EDDSA_JCS_2022
from .rdfc import ECDSA_RDFC_2019 as ECDSA_RDFC_2019
from .rdfc import EDDSA_RDFC_2022 as EDDSA_RDFC_2022

#: Every suite we sign and verify with, by its ``cryptosuite`` name.
SUITES = MappingProxyType(
    {suite.name: suite for suite in (EDDSA_RDFC_2022, EDDSA_JCS_2022, ECDSA_RDFC_2019)}
)

#: Legacy proof types we verify (never issue), by proof ``type``.  Not in
#: :data:`SUITES`: a caller opts in with ``suites={**SUITES, **LEGACY_SUITES}``.
LEGACY_SUITES = MappingProxyType({ED25519_SIGNATURE_2020.proof_type: ED25519_SIGNATURE_2020})
