"""Course equivalences: which of the receiving institution's courses the credential's outcomes cover."""

from __future__ import annotations

from schemas.recognition_profiles import RecognitionProfile

from .recognition_result import EquivalenceMatch

PARTLY_COVERED = "partly covered"


def match_equivalences(outcomes: tuple[str, ...], profile: RecognitionProfile | None) -> tuple[EquivalenceMatch, ...]:
    """Every course of ``profile`` that at least one of ``outcomes`` counts towards, in profile order.

    A course whose required outcomes are all present gets the profile's
    decision (``exempted``, ``credit-transferred``); one with only some is
    ``partly covered`` and names the outcomes still missing.
    """
    if profile is None:
        return ()
    present = set(outcomes)
    matches = []
    for equivalence in profile.course_equivalences:
        used = tuple(code for code in equivalence.requires if code in present)
        if not used:
            continue
        missing = tuple(code for code in equivalence.requires if code not in present)
        matches.append(EquivalenceMatch(
            course=equivalence.course,
            title=equivalence.title,
            credits=equivalence.credits,
            status=PARTLY_COVERED if missing else equivalence.decision,
            used_outcomes=used,
            missing_outcomes=missing,
            note=equivalence.note,
        ))
    return tuple(matches)
