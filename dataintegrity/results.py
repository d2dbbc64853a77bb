"""Structured verification results, shared by the proof check and the verifier."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import VCError


@dataclass(frozen=True)
class Problem:
    """One reason a check failed.

    :param type: a Data Integrity error code URL (or one of ours).
    :param title: a short heading, e.g. "Invalid signature".
    :param detail: plain words that quote the property concerned.
    """

    type: str
    title: str
    detail: str

    @classmethod
    def from_error(cls, error: VCError) -> "Problem":
        return cls(type=error.problem_type, title=error.title, detail=error.detail)

    def to_json(self) -> dict:
        return {"type": self.type, "title": self.title, "detail": self.detail}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one named check (``structure``, ``proof``, ``validity`` …).

    A check that passed may still carry ``warnings``: it could not be fully
    made (e.g. a status list that could not be fetched), which the verdict
    reports as "verified with warnings", never as a silent pass.
    """

    name: str
    ok: bool
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @classmethod
    def passed(cls, name: str) -> "CheckResult":
        return cls(name=name, ok=True)

    @classmethod
    def failed(cls, name: str, error: VCError) -> "CheckResult":
        return cls(name=name, ok=False, problems=(Problem.from_error(error),))

    @classmethod
    def warned(cls, name: str, *warnings: Problem) -> "CheckResult":
        return cls(name=name, ok=True, warnings=tuple(warnings))

    def to_json(self) -> dict:
        result = {
            "check": self.name,
            "ok": self.ok,
            "problems": [p.to_json() for p in self.problems],
        }
        if self.warnings:
            result["warnings"] = [w.to_json() for w in self.warnings]
        return result
