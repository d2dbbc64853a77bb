"""Typed views of qualifications-framework data (see :mod:`schemas.framework_data`).

Most maps are illustrative and the Shenzhen Agreement tiers are a placeholder;
the ``status`` of each map and of the tier table is carried through so that
every view can show it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

AQRF = "aqrf"
SHENZHEN_AGREEMENT = "shenzhen-agreement"


class FrameworkDataError(ValueError):
    """A framework file is unreadable, breaks the schema, or is inconsistent.

    :param file: the file name, e.g. ``"mqf.yaml"``.
    :param json_path: where in the file, e.g. ``"$.credit.notional_hours_per_credit"``.
    :param message: what is wrong.
    """

    def __init__(self, file: str, json_path: str, message: str) -> None:
        super().__init__(f"{file}: {json_path}: {message}")
        self.file = file
        self.json_path = json_path
        self.message = message


@dataclass(frozen=True)
class Level:
    """One level of a framework; ``code`` is always a string ("4", "SA-T3", "CN-3")."""

    code: str
    title: str
    typical_qualifications: tuple[str, ...]
    summary: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class CreditRule:
    """How a framework counts credit.

    ``notional_hours_per_credit`` is ``None`` when unknown, undefined, contact-based,
    or given only as a range (then see ``notional_hours_range``, e.g. ECTS 25-30).
    ``contact_rules`` is non-empty when credits count scheduled contact time.
    """

    unit: str | None
    notional_hours_per_credit: float | None
    notional_hours_range: tuple[float, float] | None = None
    contact_rules: Mapping[str, str] = field(default_factory=dict, hash=False)
    contact_periods_per_credit: tuple[float, float] | None = None
    illustrative_notional_hours_per_credit: float | None = None
    notes: str | None = None
    status: str | None = None

    @property
    def contact_based(self) -> bool:
        """Whether credits count contact time, so no formula converts them."""
        return bool(self.contact_rules) or self.contact_periods_per_credit is not None

    @property
    def hours_bounds(self) -> tuple[float, float] | None:
        """``(low, high)`` notional hours per credit, equal for a single value."""
        if self.notional_hours_per_credit is not None:
            return (self.notional_hours_per_credit, self.notional_hours_per_credit)
        return self.notional_hours_range


@dataclass(frozen=True)
class Referencing:
    """A level map from one framework onto ``target``; a tuple of length > 1 is ambiguous."""

    target: str
    level_map: Mapping[str, tuple[str, ...]] = field(hash=False)
    status: str
    source: str | None
    notes: str | None = None
    process_status: str | None = None

    def sources_for(self, target_level: str) -> tuple[str, ...]:
        """The levels whose map contains ``target_level``, in file order."""
        return tuple(code for code, targets in self.level_map.items() if target_level in targets)


@dataclass(frozen=True)
class Source:
    url: str
    what: str


@dataclass(frozen=True)
class Tier:
    """One Shenzhen Agreement tier of the (illustrative) tier model."""

    code: str
    title: str
    aqrf_anchor: str
    eqf_indicative: str | None
    profile: str
    china_reference: tuple[str, ...]
    typical_credential: str | None
    case_examples: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True)
class TierTable:
    """The Shenzhen Agreement tiers with their status, to be shown wherever they are.

    ``status`` is the tier model's own ("illustrative"); ``data_status`` is the
    file's ("placeholder" until the Alliance publishes its table).
    """

    status: str
    data_status: str
    placeholder_notice: str
    tiers: tuple[Tier, ...]
    credit: CreditRule

    @property
    def is_placeholder(self) -> bool:
        return self.data_status == "placeholder"

    def tier(self, code: str) -> Tier:
        """The tier ``code``.

        :raises KeyError: naming the known tier codes.
        """
        for tier in self.tiers:
            if tier.code == code:
                return tier
        raise KeyError(f"no tier {code!r}; tiers: {', '.join(t.code for t in self.tiers)}")


@dataclass(frozen=True)
class Framework:
    """One qualifications framework (or ladder, or the Shenzhen Agreement tiers)."""

    id: str
    name: str
    short_name: str | None
    jurisdiction: str
    levels: tuple[Level, ...]
    credit: CreditRule
    aqrf_referencing: Referencing | None
    other_referencing: Mapping[str, Referencing] = field(hash=False)
    sources: tuple[Source, ...]
    data_status: str | None = None
    verification_needed: tuple[str, ...] = ()
    notes: str | None = None
    tier_table: TierTable | None = None

    @property
    def level_codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    def level(self, code: str) -> Level:
        """The level ``code`` (a string: ``"4"``, not ``4``).

        :raises TypeError: if ``code`` is not a string.
        :raises KeyError: naming the framework's level codes.
        """
        if not isinstance(code, str):
            raise TypeError(f"level codes are strings, got {code!r}")
        for level in self.levels:
            if level.code == code:
                return level
        raise KeyError(f"{self.id} has no level {code!r}; levels: {', '.join(self.level_codes)}")


@dataclass(frozen=True)
class Frameworks:
    """Every loaded framework, by id."""

    by_id: Mapping[str, Framework] = field(hash=False)

    def __iter__(self) -> Iterator[Framework]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def __contains__(self, framework_id: object) -> bool:
        return framework_id in self.by_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.by_id)

    def get(self, framework_id: str) -> Framework:
        """The framework ``framework_id``.

        :raises KeyError: naming the known ids.
        """
        try:
            return self.by_id[framework_id]
        except KeyError:
            known = ", ".join(sorted(self.by_id))
            raise KeyError(f"unknown framework {framework_id!r}; known: {known}") from None

    def shenzhen_tiers(self) -> TierTable:
        """The Shenzhen Agreement tier table, with its status.

        :raises KeyError: if the Shenzhen Agreement file or its tier model is missing.
        """
        table = self.get(SHENZHEN_AGREEMENT).tier_table
        if table is None:
            raise KeyError(f"{SHENZHEN_AGREEMENT} has no tier model")
        return table
