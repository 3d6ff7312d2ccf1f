"""Routing a report: the suggested top-level category with its confidence and deciding words, the top alternatives,
the lead organisation, the urgency flags and the likely duplicates.

The version in use (``RoutingModel`` ACTIVE) is blended with the keyword rules of the category tree; with no version
in use the rules answer alone (cold start). Reads only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from linli.core.paths import BUILDING, COMPOUND, PATH_LENGTHS, path_at
from linli.core.permissions import restrict
from linli.orgs.models import Organisation, OrgKind
from linli.workorders.models import Case, Category, State

from ..engine import duplicates as dup
from ..engine import keywords, urgency
from ..engine.learned import Router
from ..engine.text import check_text, clean_stored
from ..models import ModelStatus, RoutingModel

#: weight of the keyword rules next to the model's probabilities
RULE_WEIGHT = 0.5

_cache: dict = {}
_lock = threading.Lock()


@dataclass
class Route:
    category: Category
    confidence: Decimal
    reasons: list[str]
    alternatives: list[dict]
    organisation: Organisation | None
    urgency: list[dict]
    duplicates: list[dict] = field(default_factory=list)
    model_version: RoutingModel | None = None

    def as_json(self) -> dict:
        return {
            "category": self.category.code,
            "category_name": self.category.name,
            "organisation": self.organisation.name if self.organisation else "",
            "organisation_id": self.organisation.pk if self.organisation else None,
            "confidence": str(self.confidence),
            "reasons": self.reasons,
            "alternatives": self.alternatives,
            "urgency": self.urgency,
            "duplicates": self.duplicates,
            "model_version": self.model_version.version if self.model_version else None,
        }


def active_router() -> tuple[RoutingModel | None, Router | None]:
    """The version in use and its loaded model (kept in memory per process until another version is put in use)."""
    row = RoutingModel.objects.filter(status=ModelStatus.ACTIVE).defer("blob").first()
    if row is None:
        return None, None
    key = (row.pk, row.promoted_at)
    cached = _cache.get("router")
    if cached and cached[0] == key:
        return row, cached[1]
    with _lock:
        blob = RoutingModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
        router = Router.loads(blob)
        _cache["router"] = (key, router)
    return row, router


def forget_router() -> None:
    _cache.pop("router", None)


def categories() -> tuple[dict[str, Category], keywords.RuleSet]:
    """The active top-level categories by code, and the keyword rules of the active tree."""
    rows = list(Category.objects.filter(is_active=True).select_related("parent", "default_handler"))
    tops = {c.code: c for c in rows if c.parent_id is None}
    return tops, keywords.rules_from_tree(rows)


def blend(model_ranked: list[tuple[str, float, list[str]]] | None, rule_ranked) -> list[tuple[str, float, list[str]]]:
    """Model probabilities plus RULE_WEIGHT × the rules' shares, renormalised; the deciding words of both."""
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for code, p, words in model_ranked or []:
        scores[code] = p
        reasons[code] = list(words)
    weight = RULE_WEIGHT if model_ranked else 1.0
    for code, share, words in rule_ranked:
        if words or not model_ranked:
            scores[code] = scores.get(code, 0.0) + weight * share
            reasons[code] = reasons.get(code, []) + [w for w in words if w not in reasons.get(code, [])]
    total = sum(scores.values()) or 1.0
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(code, s / total, reasons.get(code, [])[:6]) for code, s in ranked]


def rank_text(text: str, rules: keywords.RuleSet, router: Router | None) -> list[tuple[str, float, list[str]]]:
    model_ranked = router.rank(text, k=len(router.classes)) if router is not None else None
    return blend(model_ranked, rules.classify(text))


def top3_many(texts: list[str], rules: keywords.RuleSet, router: Router | None, allowed) -> list[list[str]]:
    """The three best codes for many texts at once (evaluation): the same blend as ``rank_text``, with the model's
    probabilities computed in one batch and no deciding words."""
    ruled = [rules.classify(t) for t in texts]
    if router is None:
        return [[c for c, _, _ in blend(None, r) if c in allowed][:3] for r in ruled]
    import numpy as np

    classes = router.classes
    index = {c: i for i, c in enumerate(classes)}
    scores = router.proba(texts)
    extra: dict[str, int] = {}
    for i, r in enumerate(ruled):
        for code, share, words in r:
            if not words:
                continue
            if code not in index:
                index[code] = extra.setdefault(code, len(classes) + len(extra))
                scores = np.hstack([scores, np.zeros((len(texts), 1))])
            scores[i, index[code]] += RULE_WEIGHT * share
    names = [*classes, *extra]
    out = []
    for row in scores:
        order = np.argsort(-row, kind="stable")
        out.append([names[j] for j in order if names[j] in allowed][:3])
    return out


def organisation_for(category: Category, place, router: Router | None) -> Organisation | None:
    """The compound's property company for a property-first category; else the organisation the history most
    often gave the lead; else the category's default handler."""
    if category.handled_by_property and place is not None and len(place.path) >= PATH_LENGTHS[COMPOUND]:
        company = Organisation.objects.filter(
            kind=OrgKind.PROPERTY, is_active=True, managed_compounds__path=path_at(place.path, COMPOUND)
        ).first()
        if company:
            return company
    learned = (router.org_by_category if router is not None else {}).get(category.code)
    if isinstance(learned, int):
        org = Organisation.objects.filter(pk=learned, is_active=True).first()
        if org:
            return org
    return category.default_handler


def find_duplicates(text: str, place, user, code: str, *, exclude=None, rules=None, router=None) -> list[dict]:
    """Open or recent cases the user may see, in the same compound (or under the given place), of the last
    WINDOW_DAYS days, scoring at least the threshold; best first, at most five."""
    if place is None:
        return []
    deep = len(place.path) >= PATH_LENGTHS[COMPOUND]
    prefix = path_at(place.path, COMPOUND) if deep else place.path
    since = timezone.now() - dt.timedelta(days=dup.WINDOW_DAYS)
    qs = Case.objects.filter(scope_path__startswith=prefix, created_at__gte=since).exclude(
        state__in=(State.CANCELLED, State.MERGED)
    )
    if user is not None:
        qs = restrict(qs, user)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    # plain values: model instances of Case would each fetch their state again (django-fsm's concurrency check)
    rows = list(
        qs.order_by("-created_at").values_list(
            "pk", "number", "title", "description", "scope_path", "created_at", "category__code",
            "category__parent__code",
        )[:60]
    )  # fmt: skip
    now = timezone.now()
    building = path_at(place.path, BUILDING) if len(place.path) >= PATH_LENGTHS[BUILDING] else None
    mine = dup.features(text)
    found = []
    for pk, number, title, description, path, created, cat_code, parent_code in rows:
        score = dup.score_features(
            mine,
            dup.features(f"{title}。{description}"),
            same_building=building is not None and path.startswith(building),
            same_compound=deep or path == place.path,
            days_apart=(now - created).total_seconds() / 86400,
            same_category=(parent_code or cat_code) == code,
        )
        if score >= dup.THRESHOLD:
            found.append(
                {
                    "id": pk,
                    "number": number,
                    "title": title,
                    "score": round(score, 2),
                    "reported": timezone.localtime(created).strftime("%Y-%m-%d"),
                }
            )
    found.sort(key=lambda d: -d["score"])
    return found[:5]


def route(text, *, place=None, user=None, exclude=None, stored: bool = False) -> Route:
    """The suggestion for ``text`` (checked: ValidationError on empty, huge, binary or script-laden text; text
    ``stored`` elsewhere already is cleaned instead)."""
    text = (clean_stored(text) or "—") if stored else check_text(text)
    tops, rules = categories()
    row, router = active_router()
    ranked = [r for r in rank_text(text, rules, router) if r[0] in tops]
    if not ranked:
        fallback = tops.get("other") or next(iter(tops.values()))
        ranked = [(fallback.code, 1.0, [])]
    code, conf, reasons = ranked[0]
    category = tops[code]
    alternatives = [
        {"category": c, "category_name": tops[c].name, "confidence": str(Decimal(str(round(p, 4)))), "reasons": w}
        for c, p, w in ranked[1:4]
    ]
    return Route(
        category=category,
        confidence=Decimal(str(round(conf, 4))),
        reasons=reasons,
        alternatives=alternatives,
        organisation=organisation_for(category, place, router),
        urgency=urgency.flags(text),
        duplicates=find_duplicates(text, place, user, code, exclude=exclude),
        model_version=row,
    )


__all__ = ["Route", "active_router", "blend", "categories", "forget_router", "rank_text", "route"]
