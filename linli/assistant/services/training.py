"""Learning from the district's own dispatch history: gather archived cases into examples, train a version,
evaluate it on a held-out slice against the version in use (or the keyword rules), put it in use only if it is not
worse; roll back to an earlier version.

Training runs in the background (``tasks.train_router``); the fit happens outside any transaction, the new version
row and the switch are written in one.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import may_any
from linli.workorders.models import Case, State

from ..engine import learned
from ..models import Decision, ModelStatus, RoutingExample, RoutingModel, Suggestion
from . import routing

#: fewer examples than this, and training is refused (the rules go on answering)
MIN_EXAMPLES = 50
#: at most this many examples are held out (20 % of the history below 25,000)
MAX_HELD_OUT = 5000
LEARN_FROM = (State.COMPLETED, State.EVALUATED, State.ARCHIVED)


def require_manage(actor) -> None:
    if actor is not None and not may_any(actor, RoutingModel, "change"):
        raise PermissionDenied(_("Only the dispatch centre and district administrators manage the routing models."))


def harvest_cases(batch: int = 2000) -> int:
    """Cases that reached 办结 or later and are not examples yet become examples: their text, the top-level category
    they ended in (the dispatcher's final choice when a suggestion was decided) and their lead handler."""
    done = RoutingExample.objects.filter(origin__startswith="case:").values_list("origin", flat=True)
    known = {int(o.split(":", 1)[1]) for o in done}
    finals = dict(
        Suggestion.objects.exclude(decision=Decision.PENDING)
        .exclude(final_category=None)
        .values_list("case_id", "final_category_id")
    )
    made = 0
    qs = (
        Case.objects.filter(state__in=LEARN_FROM)
        .select_related("category")
        .only("pk", "title", "description", "category__parent_id", "category_id", "lead_org_id", "created_at")
        .order_by("pk")
    )
    rows = []
    for case in qs.iterator(chunk_size=batch):
        if case.pk in known:
            continue
        category_id = finals.get(case.pk) or case.category.parent_id or case.category_id
        rows.append(
            RoutingExample(
                origin=f"case:{case.pk}",
                text=f"{case.title}。{case.description}"[:2000],
                category_id=category_id,
                organisation_id=case.lead_org_id,
                occurred_on=timezone.localtime(case.created_at).date(),
            )
        )
        if len(rows) >= batch:
            made += len(RoutingExample.objects.bulk_create(rows, ignore_conflicts=True))
            rows = []
    if rows:
        made += len(RoutingExample.objects.bulk_create(rows, ignore_conflicts=True))
    return made


def _examples():
    rows = RoutingExample.objects.filter(category__is_active=True).values_list(
        "text", "category__code", "category__parent__code", "organisation_id"
    )
    texts, codes, orgs = [], [], []
    for text, code, parent_code, org in rows.iterator(chunk_size=5000):
        texts.append(text)
        codes.append(parent_code or code)
        orgs.append(org)
    return texts, codes, orgs


def evaluate(router, texts: list[str], gold: list[str]) -> dict:
    """top-1/top-3 and the confusion matrix of ``router`` blended with the tree's rules (None: the rules alone)."""
    tops, rules = routing.categories()
    ranked = routing.top3_many(texts, rules, router, set(tops))
    return learned.score(ranked, gold, labels=sorted(tops))


def train_version(*, actor=None, note: str = "") -> RoutingModel:
    """Train, evaluate and store a new version; put it in use when it is not worse than the one in use."""
    require_manage(actor)
    started = time.monotonic()
    harvested = harvest_cases()
    texts, codes, orgs = _examples()
    if len(texts) < MIN_EXAMPLES or len(set(codes)) < 2:
        raise ValidationError(
            _("Too little dispatch history to learn from: %(n)d examples (at least %(min)d in two categories).")
            % {"n": len(texts), "min": MIN_EXAMPLES}
        )
    train_i, test_i = learned.held_out(len(texts))
    if len(test_i) > MAX_HELD_OUT:  # a bigger slice measures no better; keep the rest for training
        train_i, test_i = sorted(train_i + test_i[MAX_HELD_OUT:]), test_i[:MAX_HELD_OUT]
    router = learned.train([texts[i] for i in train_i], [codes[i] for i in train_i], [orgs[i] for i in train_i])
    test_texts, test_gold = [texts[i] for i in test_i], [codes[i] for i in test_i]
    metrics = evaluate(router, test_texts, test_gold)
    current_row, current = routing.active_router()
    baseline = evaluate(current, test_texts, test_gold)
    metrics.update(
        {
            "baseline": {
                "top1": baseline["top1"],
                "top3": baseline["top3"],
                "version": getattr(current_row, "version", None),
            },
            "seconds": round(time.monotonic() - started, 1),
            "harvested": harvested,
        }
    )
    return _store(actor=actor, router=router, metrics=metrics, n_train=len(train_i), n_test=len(test_i), note=note)


@transaction.atomic
def _store(*, actor, router, metrics: dict, n_train: int, n_test: int, note: str) -> RoutingModel:
    last = RoutingModel.objects.select_for_update().order_by("-version").only("version").first()
    version = (last.version if last else 0) + 1
    better = metrics["top1"] >= metrics["baseline"]["top1"]
    row = RoutingModel.objects.create(
        version=version,
        status=ModelStatus.CANDIDATE,
        blob=router.dumps(),
        metrics=metrics,
        examples=n_train,
        held_out=n_test,
        top1=str(metrics["top1"]),
        baseline_top1=str(metrics["baseline"]["top1"]),
        note=note[:300],
    )
    audit.record(actor=actor, action="create", obj=row, after=audit.snapshot(row), note=note)
    if better:
        _activate(actor=actor, row=row, note=_("not worse than the version in use on the held-out slice"))
    else:
        before = audit.snapshot(row)
        row.status = ModelStatus.REJECTED
        row.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="model_reject", obj=row, before=before, after=audit.snapshot(row))
    return row


def _activate(*, actor, row: RoutingModel, note: str = "") -> RoutingModel:
    for old in RoutingModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE).exclude(pk=row.pk):
        before = audit.snapshot(old)
        old.status = ModelStatus.RETIRED
        old.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="model_retire", obj=old, before=before, after=audit.snapshot(old))
    before = audit.snapshot(row)
    row.status = ModelStatus.ACTIVE
    row.promoted_at = timezone.now()
    row.save(update_fields=["status", "promoted_at", "updated_at"])
    audit.record(actor=actor, action="model_promote", obj=row, before=before, after=audit.snapshot(row), note=note)
    transaction.on_commit(routing.forget_router)
    return row


@transaction.atomic
def rollback(*, actor, to: RoutingModel) -> RoutingModel:
    """Put an earlier (retired) version back in use."""
    require_manage(actor)
    row = RoutingModel.objects.select_for_update().get(pk=to.pk)
    if row.status != ModelStatus.RETIRED:
        raise ValidationError({"version": _("Only a retired version can be put back in use.")})
    return _activate(actor=actor, row=row, note=_("rolled back"))


@transaction.atomic
def rules_only(*, actor) -> None:
    """Take every version out of use: the keyword rules answer alone."""
    require_manage(actor)
    for old in RoutingModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE):
        before = audit.snapshot(old)
        old.status = ModelStatus.RETIRED
        old.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="model_retire", obj=old, before=before, after=audit.snapshot(old))
    transaction.on_commit(routing.forget_router)


def add_examples(rows: list[tuple[str, int, int | None, dt.date, str]]) -> int:
    """Bulk history (text, category id, organisation id, date, origin) — the demo's synthetic dispatch history."""
    objs = [
        RoutingExample(text=t, category_id=c, organisation_id=o, occurred_on=d, origin=origin)
        for t, c, o, d, origin in rows
    ]
    return len(RoutingExample.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True))
