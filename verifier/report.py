"""Plain-text rendering of a verification result for the terminal."""

from __future__ import annotations

from .pipeline import VerificationResult


def format_result(result: VerificationResult, source: str, indent: str = "") -> str:
    """A short report: the verdict first, then each check with its reasons."""
    verdict = {"verified": "VERIFIED", "verified-with-warnings": "VERIFIED WITH WARNINGS"}.get(result.outcome, "NOT VERIFIED")
    lines = [f"{indent}{verdict}: {source} ({result.kind})"]
    for check in result.checks:
        lines.append(f"{indent}  {'ok  ' if check.ok else 'FAIL'} {check.name}")
        lines.extend(f"{indent}       {problem.title}: {problem.detail}" for problem in check.problems)
        lines.extend(f"{indent}       warning: {warning.title}: {warning.detail}" for warning in check.warnings)
    if result.verification_method:
        lines.append(f"{indent}  signed by {result.verification_method}")
    lines.extend(f"{indent}  used: {source.describe()}" for source in result.sources)
    if result.trust is not None and result.trust.recognised:  # otherwise its warning says it
        lines.append(f"{indent}  issuer: {result.trust.message}")
    if result.recognition is not None:
        lines.append(f"{indent}  recognition: {result.recognition.summary()}")
        lines.extend(f"{indent}    note: {caveat}" for caveat in result.recognition.caveats)
    for index, credential in enumerate(result.credentials, 1):
        lines.append(format_result(credential, f"credential {index}", indent + "  "))
    return "\n".join(lines)
