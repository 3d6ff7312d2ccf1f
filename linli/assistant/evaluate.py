"""The evaluation run behind ``manage.py assistant_evaluate``: top-1/top-3 category accuracy and organisation
accuracy on the team's labelled set, for the learned router, the keyword rules and the majority class in the same
run, and duplicate precision/recall on the labelled pairs."""

from __future__ import annotations

import time
from collections import Counter

from linli.orgs.models import Organisation

from . import evaluation
from .engine import duplicates as dup
from .engine import learned, synthetic
from .models import RoutingExample, RoutingModel
from .services import routing


def fresh_router(n: int, seed: int = 17) -> tuple[learned.Router, list[str]]:
    """A router trained in memory on ``n`` cases of the synthetic history (never the evaluation sentences)."""
    history = synthetic.history(n, seed=seed)
    texts, codes, orgs = zip(*history, strict=True)
    return learned.train(list(texts), list(codes), list(orgs)), list(codes)


def _org_namer(router, tops):
    short = dict(Organisation.objects.values_list("pk", "short_name"))

    def org_of(code: str) -> str:
        learned_org = (router.org_by_category if router is not None else {}).get(code)
        if isinstance(learned_org, int):
            return short.get(learned_org, "")
        if isinstance(learned_org, str):
            return learned_org
        cat = tops.get(code)
        if cat is not None and cat.default_handler_id:
            return cat.default_handler.short_name
        return synthetic.ORGS.get(code, "")

    return org_of


def _score_ranked(name: str, ranked: list[list[str]], rows: list[dict], org_of) -> dict:
    gold = [r["category"] for r in rows]
    s = learned.score(ranked, gold)
    orgs_ok = sum(1 for r, row in zip(ranked, rows, strict=True) if r and org_of(r[0]) == row["organisation"])
    return {"name": name, "top1": s["top1"], "top3": s["top3"], "org": round(orgs_ok / (len(rows) or 1), 4)}


def run(*, version: int | None = None, history: int = 30000) -> dict:
    rows = evaluation.reports()
    texts = [r["text"] for r in rows]
    tops, rules = routing.categories()
    started = time.monotonic()
    if version is not None:
        row = RoutingModel.objects.get(version=version)
        router, label = learned.Router.loads(row.blob), f"model v{row.version} (database)"
        train_codes = list(RoutingExample.objects.values_list("category__code", flat=True))
    else:
        router, train_codes = fresh_router(history)
        label = f"model trained now on {history} synthetic cases"
    trained = round(time.monotonic() - started, 1)
    majority = Counter(train_codes).most_common(1)[0][0] if train_codes else "property"

    started = time.monotonic()
    model_ranked = [[c for c, _, _ in routing.rank_text(t, rules, router) if c in tops][:3] for t in texts]
    per_report_ms = round(1000 * (time.monotonic() - started) / (len(texts) or 1), 2)
    rule_ranked = [[c for c, _, _ in routing.rank_text(t, rules, None) if c in tops][:3] for t in texts]
    by_freq = [c for c, _ in Counter(train_codes).most_common()] or [majority]
    majority_ranked = [by_freq[:3] for _ in texts]

    org_of = _org_namer(router, tops)
    results = [
        _score_ranked(label + " + keyword rules", model_ranked, rows, org_of),
        _score_ranked("keyword rules alone (cold start)", rule_ranked, rows, _org_namer(None, tops)),
        _score_ranked(f"majority class ({majority})", majority_ranked, rows, org_of),
    ]
    first = {t: r[0] for t, r in zip(texts, model_ranked, strict=True)}

    def top(text: str) -> str:
        if text not in first:
            first[text] = next(c for c, _, _ in routing.rank_text(text, rules, router) if c in tops)
        return first[text]

    tp = fp = fn = 0
    pairs = evaluation.duplicate_pairs()
    for p in pairs:
        score = dup.score(
            p["a"],
            p["b"],
            same_building=p["same_building"],
            same_compound=p["same_compound"],
            days_apart=p["days_apart"],
            same_category=top(p["a"]) == top(p["b"]),
        )
        said = score >= dup.THRESHOLD
        tp += said and p["duplicate"]
        fp += said and not p["duplicate"]
        fn += (not said) and p["duplicate"]
    return {
        "reports": len(rows),
        "results": results,
        "train_seconds": trained,
        "ms_per_report": per_report_ms,
        "duplicates": {
            "pairs": len(pairs),
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
            "threshold": dup.THRESHOLD,
        },
    }
