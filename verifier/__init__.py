"""The verifier: checks credentials and presentations; holds no private keys."""

from .pipeline import VerificationResult as VerificationResult
from .pipeline import Verifier as Verifier
