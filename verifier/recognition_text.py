"""Words for recognition results: level labels, numbers, credit units and the one-line summary."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from schemas.framework_model import Framework

from .recognition_result import AGREES, DIFFERS, NOT_COMPARED, WITHIN_AMBIGUOUS, CreditConversion, Step

if TYPE_CHECKING:
    from .recognition_result import Recognition

ARROW = " → "
_AGREEMENT = {
    AGREES: "agrees",
    WITHIN_AMBIGUOUS: "one of the levels the referencing gives",
    DIFFERS: "differs from the referencing",
    NOT_COMPARED: "not compared: no derived level",
}


def framework_label(framework: Framework) -> str:
    """The short name ("MQF"), else the full name."""
    return framework.short_name or framework.name


def level_label(framework: Framework, code: str, title: str) -> str:
    """"MQF 4, Diploma"; "HKQF 3" when the title only repeats the number; "CN-3, Senior skilled worker"."""
    name = code if framework.short_name is None else f"{framework.short_name} {code}"
    generic = re.fullmatch(rf"(.*\s)?level {re.escape(code)}", title, flags=re.IGNORECASE)
    return name if generic else f"{name}, {title}"


def number(value: float) -> str:
    """1.5 -> "1.5", 2.0 -> "2", 1.3333 -> "1.33"."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def unit_name(unit: str | None) -> str:
    """The unit without its qualifiers: "Thai credit (หน่วยกิต) - contact-time based" -> "Thai credit"."""
    return re.split(r" \(| - ", unit)[0] if unit else "credit"


def credits_phrase(low: float, high: float, unit: str | None) -> str:
    """"1 MQF credit", "6 QF credits", "2–3 ECTS credits"."""
    return f"{_amount(low, high)} {unit_name(unit)}{'' if low == high == 1 else 's'}"


def _amount(low: float, high: float) -> str:
    return number(low) if low == high else f"{number(low)}–{number(high)}"


def summary_line(recognition: Recognition) -> str:
    """The chain as one line of text (see :meth:`Recognition.summary`)."""
    parts = [_step_text(step) for step in recognition.steps]
    if recognition.problems:
        parts.append("not recognised: " + "; ".join(p.detail for p in recognition.problems))
        return ARROW.join(parts)
    if recognition.override and recognition.steps:
        parts[-1] = _override_text(recognition.override.level.label, recognition.steps[-1])
    if recognition.credits:
        parts.append(_credit_text(recognition.credits))
    line = ARROW.join(parts)
    for claim in recognition.issuer_claims:
        line += f"; issuer states {claim.level.label} ({_AGREEMENT[claim.agreement]})"
    return line


def _step_text(step: Step) -> str:
    if step.kind == "tier":
        return step.levels[0].code
    labels = " or ".join(level.label for level in step.levels)
    if step.kind == "aqrf":
        return f"{labels} ({step.status})"
    status = ", ".join([f"{step.status} referencing", *_process(step)])
    return f"ambiguous: {labels} ({status})" if step.ambiguous else f"{labels} ({status})"


def _process(step: Step) -> list[str]:
    return [step.process_status.replace("_", " ")] if step.process_status else []


def _override_text(label: str, step: Step) -> str:
    derived = " or ".join(level.label for level in step.levels)
    status = ", ".join([step.status, *_process(step), *(["ambiguous"] if step.ambiguous else [])])
    return f"{label} (institutional override; the referencing gives {derived}: {status})"


def _credit_text(conversion: CreditConversion) -> str:
    if not conversion.converted:
        return f"no credit conversion ({conversion.reason})"
    text = credits_phrase(*conversion.credits, conversion.unit)
    notes = []
    if conversion.exact != conversion.rounded:
        notes.append(f"{_amount(*conversion.exact)} rounded down to {conversion.rounding}")
    if conversion.capped_at is not None:
        notes.append(f"{_amount(*conversion.rounded)} capped at {number(conversion.capped_at)} by institutional rule")
    if conversion.status == "institutional":
        notes.append(f"{number(conversion.hours_per_credit[0])} h per credit by institutional rule")
    elif conversion.status != "derived":
        notes.append(f"hours from the {conversion.status} SA credit rule")
    return f"{text} ({'; '.join(notes)})" if notes else text
