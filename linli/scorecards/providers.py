"""The registries score cards are computed from: who is scored (subject sources) and how each indicator's value
is read (providers).

A provider is ``fn(subjects: list[Subject], year: int) -> dict[subject key, Value]`` and MUST be bulk: a handful
of queries for all subjects together, never one per subject (a district has thousands of members). Each domain
writes its own providers and subject sources in its ``scorecard.py``, reading its own tables (and the selectors of
domains below it), and registers them from its ``registrations.py`` when score cards are installed::

    def _scorecards() -> None:
        from django.apps import apps

        if apps.is_installed("linli.scorecards"):
            from .scorecard import register

            register()

where ``register()`` calls ``providers.register("wishes.fulfilled", fn, label=..., card_types=("member",))`` and
``subjects.register(card_type, fn)``. Score cards themselves read no domain's tables. A provider that cannot answer
raises ``Unavailable`` with a message, and the card shows the indicator as "no data" without scoring it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


class Unavailable(Exception):
    """The domain or selector a provider needs is not available (yet)."""


@dataclass(frozen=True)
class Subject:
    key: str  # "app.model:pk"
    pk: int
    label: str
    path: str
    detail: str = ""
    account_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Value:
    """An indicator's value for one subject, what it shows and the records behind it."""

    value: Decimal | None
    display: str = ""
    records: list[dict] = field(default_factory=list)  # {"ref": "app.model:pk", "label": str, "url": str}


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    fn: Callable
    label: str | Promise
    card_types: tuple[str, ...]
    unit: str | Promise = ""


class SubjectList(list):
    """The subjects of a run, plus (optionally) querysets selecting the same subjects' ids and resident ids.

    Providers filter with ``subject_ids(subs)`` / ``resident_ids(subs)``: a subquery when the source gave one
    (the database joins; thousands of ids are not quoted into every provider's SQL), else the list of ids."""

    ids_query = None
    residents_query = None


def subject_ids(subs):
    query = getattr(subs, "ids_query", None)
    return query if query is not None else [s.pk for s in subs]


def resident_ids(subs):
    query = getattr(subs, "residents_query", None)
    return query if query is not None else [s.extra.get("resident") for s in subs]


class Providers:
    def __init__(self):
        self._specs: dict[str, ProviderSpec] = {}

    def register(self, name: str, fn: Callable, *, label, card_types, unit="") -> None:
        self._specs[name] = ProviderSpec(name, fn, label, tuple(card_types), unit)

    def get(self, name: str) -> ProviderSpec | None:
        return self._specs.get(name)

    def names(self) -> list[str]:
        return sorted(self._specs)

    def choices(self, card_type: str | None = None) -> list[tuple[str, str]]:
        return [
            (s.name, f"{s.label} ({s.name})")
            for s in sorted(self._specs.values(), key=lambda s: s.name)
            if card_type is None or card_type in s.card_types
        ]


class SubjectSources:
    """card type -> ``fn(place_path, year) -> list[Subject]`` (bulk; raises Unavailable when the domain is missing)."""

    def __init__(self):
        self._fns: dict[str, Callable] = {}

    def register(self, card_type: str, fn: Callable) -> None:
        self._fns[card_type] = fn

    def get(self, card_type: str) -> Callable | None:
        return self._fns.get(card_type)


providers = Providers()
subjects = SubjectSources()

RECORDS_KEPT = 60  # per indicator and card; the count is always complete


MISSING = "missing"  # a record's state: something required that did not happen (a missed period, an absence)


def record(ref: str, label: str, url: str = "", state: str = "") -> dict:
    """One record behind a value. ``state`` (optional, e.g. ``MISSING``) marks records that lowered it."""
    out = {"ref": ref, "label": str(label)[:120], "url": url}
    if state:
        out["state"] = state
    return out


HUNDRED = Decimal("100")


def pct(num: int, den: int) -> Decimal | None:
    """``num`` out of ``den`` as a percentage with one decimal; None when there is nothing to count."""
    if not den:
        return None
    return (Decimal(num) * HUNDRED / Decimal(den)).quantize(Decimal("0.1"))


_PLACEHOLDER = 987654321
_patterns: dict[str, str] = {}


def url_for(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for URLs taking one id, from a pattern reversed once (providers build tens of
    thousands of links per run; reverse() each time would dominate the computation). "" when the URL is unknown."""
    pattern = _patterns.get(name)
    if pattern is None:
        try:
            pattern = reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
        except NoReverseMatch:
            pattern = ""
        _patterns[name] = pattern
    return pattern.format(pk) if pattern else ""
