"""Computing, publicising and finalising score cards; objections during 公示; configuration changes."""

from __future__ import annotations

import json
import time
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, dates, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.core.workdays import add_workdays

from .models import CardSettings, CardType, Indicator, Objection, RunState, ScoreCard, ScoreRun, stars_for
from .providers import RECORDS_KEPT, Unavailable, providers, subjects

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def settings_for(card_type: str) -> CardSettings:
    found = CardSettings.objects.filter(card_type=card_type).first()
    return found or CardSettings(card_type=card_type)


def indicators_for(card_type: str) -> list[Indicator]:
    return list(Indicator.objects.filter(card_type=card_type, is_active=True).order_by("order", "code"))


def points_for(value: Decimal | None, indicator: Indicator) -> Decimal:
    """Points earned: ``max_points × min(value / target, 1)``, rounded to cents (value None → 0)."""
    if value is None or value <= 0:
        return Decimal("0.00")
    share = min(Decimal(value) / indicator.target, Decimal(1))
    return (indicator.max_points * share).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_cards(card_type: str, place_path: str, year: int) -> tuple[list, dict, list[dict]]:
    """Build the cards (plain rows, not model instances) for every subject under ``place_path``: one subject
    query, one provider call per indicator (each a handful of queries for all subjects), then arithmetic in memory."""
    cfg = settings_for(card_type)
    inds = indicators_for(card_type)
    thresholds = cfg.thresholds()
    unavailable: list[dict] = []
    source = subjects.get(card_type)
    try:
        if source is None:
            raise Unavailable(card_type)
        subs = source(place_path, year)
    except Unavailable as exc:
        unavailable.append({"code": "*", "label": str(_("Subjects")), "reason": str(exc)})
        subs = []
    values: dict[str, dict] = {}
    for ind in inds:
        spec = providers.get(ind.provider)
        try:
            if spec is None:
                raise Unavailable(ind.provider)
            values[ind.code] = spec.fn(subs, year) if subs else {}
        except Unavailable as exc:
            unavailable.append({"code": ind.code, "label": ind.label, "reason": str(exc)})
    missing = {u["code"] for u in unavailable}
    scored = [i for i in inds if i.code not in missing and i.weight > 0]
    max_total = sum((i.max_points * i.weight for i in scored), Decimal("0")).quantize(CENT)
    rules = {
        "indicators": [
            {
                "code": i.code,
                "label": i.label,
                "provider": i.provider,
                "target": str(i.target),
                "max_points": str(i.max_points),
                "weight": str(i.weight),
            }
            for i in inds
        ],
        "thresholds": [str(t) for t in thresholds],
        "notice_days": cfg.notice_days,
        # Nothing scores the cards (no active indicator with a weight above 0 and a data source): every card
        # has 0 of 0 points. They get no stars (0 = not rated) rather than a silent 1 star, and the pages warn.
        "unscored": not max_total,
    }
    cards = []
    no_record = str(_("no record"))
    for s in subs:
        lines, total = [], Decimal("0")
        for ind in inds:
            if ind.code in missing:
                lines.append(
                    {
                        "code": ind.code,
                        "label": ind.label,
                        "available": False,
                        "value": None,
                        "display": "",
                        "points": "0",
                        "max_points": str(ind.max_points),
                        "weight": str(ind.weight),
                        "weighted": "0.00",
                        "weighted_max": "0.00",
                        "target": str(ind.target),
                        "records": [],
                        "count": 0,
                    }
                )
                continue
            v = values.get(ind.code, {}).get(s.key)
            value = v.value if v is not None else None
            pts = points_for(value, ind)
            weighted = (pts * ind.weight).quantize(CENT) if ind.weight > 0 else Decimal("0.00")
            total += weighted
            recs = v.records if v is not None else []
            lines.append(
                {
                    "code": ind.code,
                    "label": ind.label,
                    "available": True,
                    "value": None if value is None else str(value),
                    "display": v.display if v is not None else no_record,
                    "points": str(pts),
                    "max_points": str(ind.max_points),
                    "weight": str(ind.weight),
                    "weighted": str(weighted),
                    "weighted_max": str((ind.max_points * ind.weight).quantize(CENT)),
                    "target": str(ind.target),
                    "records": recs[:RECORDS_KEPT],
                    "count": len(recs),
                }
            )
        total = total.quantize(CENT)
        percent = (total * 100 / max_total).quantize(TENTH, rounding=ROUND_HALF_UP) if max_total else Decimal("0")
        cards.append(
            SimpleNamespace(
                subject_key=s.key,
                subject_label=s.label[:150],
                subject_detail=s.detail[:200],
                scope_path=s.path,
                account_id=s.account_id,
                total=total,
                max_total=max_total,
                percent=percent,
                stars=stars_for(percent, thresholds) if max_total else 0,
                lines=lines,
            )
        )
    return cards, rules, unavailable


CARD_COLUMNS = (
    "created_at",
    "updated_at",
    "run_id",
    "subject_key",
    "subject_label",
    "subject_detail",
    "scope_path",
    "account_id",
    "total",
    "max_total",
    "percent",
    "stars",
    "lines",
)


def insert_cards(cards: list) -> None:
    """Insert the cards in one stream: COPY on PostgreSQL (bulk_create's parameter quoting of thousands of JSON
    explanations costs more than the whole computation), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        ScoreCard.objects.bulk_create(
            [ScoreCard(**{k: getattr(c, k) for k in CARD_COLUMNS[2:]}) for c in cards], batch_size=500
        )
        return
    now = timezone.now()
    table = ScoreCard._meta.db_table
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({', '.join(CARD_COLUMNS)}) FROM STDIN") as cp:
        for c in cards:
            cp.write_row(
                (
                    now,
                    now,
                    c.run_id,
                    c.subject_key,
                    c.subject_label,
                    c.subject_detail,
                    c.scope_path,
                    c.account_id,
                    c.total,
                    c.max_total,
                    c.percent,
                    c.stars,
                    json.dumps(c.lines, ensure_ascii=False, separators=(",", ":")),
                )
            )


def _check_place(place: Place) -> None:
    if place is None or place.level > 3:
        raise ValidationError({"place": _("Choose a district, street or community.")})


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"year": _("Enter a year.")}) from exc
    if not 2000 <= year <= dates.today().year:
        raise ValidationError({"year": _("Score cards are computed for this year or an earlier one.")})
    return year


@transaction.atomic
def run_compute(*, actor, place: Place, year: int, card_type: str) -> ScoreRun:
    """Compute (or recompute, before it is final) the cards of ``card_type`` for ``year`` under ``place``."""
    _check_place(place)
    year = _check_year(year)
    if card_type not in CardType.values:
        raise ValidationError({"card_type": _("Select a valid choice.")})
    require_at(actor, Action.ADD, ScoreRun, place.path)
    run = ScoreRun.objects.select_for_update().filter(place=place, year=year, card_type=card_type).first()
    before = None
    if run is not None:
        require(actor, Action.CHANGE, run)
        if run.state == RunState.FINAL:
            raise ValidationError({"state": _("These score cards are final and cannot be recomputed.")})
        before = audit.snapshot(run)
        run.recompute()
    else:
        run = ScoreRun(place=place, scope_path=place.path, year=year, card_type=card_type)
    started = time.perf_counter()
    cards, rules, unavailable = compute_cards(card_type, place.path, year)
    run.rules, run.unavailable, run.subject_count = rules, unavailable, len(cards)
    run.computed_at, run.computed_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    run.full_clean(exclude=["state"])
    run.save()
    if before is not None:
        # Objections stay (their card link is cleared; the subject's name is kept); the old cards go in one
        # DELETE — the ORM's delete() would load every card (and its JSON) to clear those links itself.
        Objection.objects.filter(run=run, card__isnull=False).update(card=None)
        ScoreCard.objects.filter(run=run)._raw_delete(ScoreCard.objects.db)
    for c in cards:
        c.run_id = run.pk
    insert_cards(cards)
    run.seconds = Decimal(str(round(time.perf_counter() - started, 2)))
    ScoreRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
    audit.record(
        actor=actor,
        action="update" if before else "create",
        obj=run,
        before=before,
        after=audit.snapshot(run),
        note=f"{len(cards)} cards computed",
    )
    events.publish("scorecards.run.computed", {"id": run.pk, "path": run.scope_path})
    return run


def _lock(run: ScoreRun) -> ScoreRun:
    return ScoreRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def run_publicise(*, actor, run: ScoreRun, start=None) -> ScoreRun:
    """Start the public notice (公示): it lasts ``notice_days`` working days after ``start`` (today)."""
    run = _lock(run)
    require(actor, Action.CHANGE, run)
    if run.state != RunState.COMPUTED:
        raise ValidationError({"state": _("Only computed score cards can be put under public notice.")})
    if run.unscored:
        raise ValidationError(
            {
                "state": _(
                    "No indicator scores these cards: set the indicators up and recompute before the public notice."
                )
            }
        )
    before = audit.snapshot(run)
    run.publicise()
    run.publicised_on = start or dates.today()
    days = int((run.rules or {}).get("notice_days") or settings_for(run.card_type).notice_days)
    run.notice_ends = add_workdays(run.publicised_on, days)
    run.save()
    audit.record(
        actor=actor,
        action="update",
        obj=run,
        before=before,
        after=audit.snapshot(run),
        note=f"public notice {run.publicised_on} – {run.notice_ends}",
    )
    events.publish("scorecards.run.publicised", {"id": run.pk, "path": run.scope_path})
    return run


def notice_open(run: ScoreRun, today=None) -> bool:
    today = today or dates.today()
    return run.state == RunState.PUBLICISED and run.notice_ends is not None and today <= run.notice_ends


@transaction.atomic
def run_finalise(*, actor, run: ScoreRun, today=None) -> ScoreRun:
    run = _lock(run)
    require(actor, Action.CHANGE, run)
    today = today or dates.today()
    if run.state != RunState.PUBLICISED:
        raise ValidationError({"state": _("Score cards become final only after their public notice.")})
    if notice_open(run, today):
        raise ValidationError({"state": _("The public notice runs until %(date)s.") % {"date": run.notice_ends}})
    if run.objections.filter(resolved_at__isnull=True).exists():
        raise ValidationError({"state": _("Answer every objection first.")})
    before = audit.snapshot(run)
    run.finalise()
    run.finalised_at, run.finalised_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    run.save()
    audit.record(actor=actor, action="update", obj=run, before=before, after=audit.snapshot(run), note="final")
    events.publish("scorecards.run.finalised", {"id": run.pk, "path": run.scope_path})
    return run


@transaction.atomic
def objection_raise(*, actor, run: ScoreRun, text: str, card: ScoreCard | None = None, today=None) -> Objection:
    """Anyone who may see the card (staff in scope, the member themselves) objects while the notice runs."""
    from linli.core.permissions import can

    if card is not None and card.run_id != run.pk:
        raise ValidationError({"card": _("This card is not part of the run.")})
    if not can(actor, Action.VIEW, card or run):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You do not have permission to do this."))
    if not notice_open(run, today):
        raise ValidationError({"text": _("Objections are taken only while the public notice runs.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("This field is required.")})
    obj = Objection(
        run=run,
        card=card,
        scope_path=card.scope_path if card else run.scope_path,
        text=text,
        raised_by=actor,
        subject_label=card.subject_label if card else "",
    )
    save_audited(actor=actor, obj=obj, action="create")
    events.publish("scorecards.objection.raised", {"id": obj.pk, "run": run.pk})
    return obj


@transaction.atomic
def objection_answer(*, actor, objection: Objection, response: str) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    require(actor, Action.CHANGE, objection.run)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("This field is required.")})
    before = audit.snapshot(objection)
    objection.response, objection.resolved_at, objection.resolved_by = response, timezone.now(), actor
    return save_audited(actor=actor, obj=objection, action="update", before=before)


# --- configuration ----------------------------------------------------------------------------------------------

INDICATOR_FIELDS = {"label", "provider", "target", "max_points", "weight", "order", "is_active", "note"}


@transaction.atomic
def indicator_save(
    *, actor, indicator: Indicator | None = None, card_type: str = "", code: str = "", **changes
) -> Indicator:
    if indicator is None:
        require_at(actor, Action.ADD, Indicator, "")
        indicator = Indicator(card_type=card_type, code=code)
        before = None
    else:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        require(actor, Action.CHANGE, indicator)
        before = audit.snapshot(indicator)
    assign(indicator, changes, INDICATOR_FIELDS)
    return save_audited(actor=actor, obj=indicator, action="update" if before else "create", before=before)


@transaction.atomic
def settings_save(*, actor, card_type: str, **changes) -> CardSettings:
    cfg = CardSettings.objects.select_for_update().filter(card_type=card_type).first()
    if cfg is None:
        require_at(actor, Action.ADD, CardSettings, "")
        cfg, before = CardSettings(card_type=card_type), None
    else:
        require(actor, Action.CHANGE, cfg)
        before = audit.snapshot(cfg)
    assign(cfg, changes, {"star2", "star3", "star4", "star5", "notice_days"})
    return save_audited(actor=actor, obj=cfg, action="update" if before else "create", before=before)
