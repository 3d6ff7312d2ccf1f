"""Every write on pairings, visits, care events and errands."""

from __future__ import annotations

import datetime as dt
import inspect

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, dates, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.registry.models import HouseholdMember

from .models import CareEvent, Errand, NeedState, Pairing, PartnerKind, Visit, VisitNeed, VisitRule

MAX_NEEDS = 10


def _not_future(day, field):
    if day is None:
        raise ValidationError({field: _("Enter a date.")})
    if day > dates.today():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def pairing_create(
    *,
    actor,
    resident,
    partner_kind: str,
    partner_resident=None,
    partner_org=None,
    since: dt.date | None = None,
    note: str = "",
    household=None,
) -> Pairing:
    require_at(actor, Action.ADD, Pairing, resident.scope_path)
    if partner_kind == PartnerKind.IN_SERVICE and partner_resident is None:
        raise ValidationError({"partner_resident": _("Choose the member.")})
    if partner_kind == PartnerKind.ORGANISATION and partner_org is None:
        raise ValidationError({"partner_org": _("Choose the organisation.")})
    if partner_resident is not None and partner_resident.pk == resident.pk:
        raise ValidationError({"partner_resident": _("A resident cannot be paired with themselves.")})
    pairing = Pairing(
        resident=resident,
        household=household,
        partner_kind=partner_kind,
        partner_resident=partner_resident if partner_kind == PartnerKind.IN_SERVICE else None,
        partner_org=partner_org if partner_kind == PartnerKind.ORGANISATION else None,
        since=since or dates.today(),
        note=note,
        created_by=actor,
        scope_path=resident.scope_path,
    )
    save_audited(actor=actor, obj=pairing, action="create")
    events.publish("visits.pairing.created", {"pairing_id": pairing.pk, "path": pairing.scope_path})
    return pairing


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, until: dt.date | None = None) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    require(actor, Action.CHANGE, pairing)
    until = until or dates.today()
    if pairing.until is not None:
        raise ValidationError({"until": _("This pairing has already ended.")})
    if until < pairing.since:
        raise ValidationError({"until": _("The end cannot be before the start.")})
    before = audit.snapshot(pairing)
    pairing.until = until
    return save_audited(actor=actor, obj=pairing, action="end", before=before)


def _may_log_for(actor, resident, pairing) -> None:
    if (
        pairing is not None
        and pairing.partner_resident_id
        and pairing.partner_resident.account_id == actor.pk
        and pairing.until is None
    ):
        return  # the paired member logs their own visit
    require_at(actor, Action.ADD, Visit, resident.scope_path)


@transaction.atomic
def visit_log(
    *,
    actor,
    resident,
    visited_on: dt.date,
    purpose: str,
    findings: str = "",
    kind: str = "routine",
    pairing: Pairing | None = None,
    needs: list[str] = (),
) -> Visit:
    """Record a visit and the needs raised on it (each can later become a 微心愿 or a work order)."""
    if pairing is not None and pairing.resident_id != resident.pk:
        raise ValidationError({"pairing": _("This pairing is for another resident.")})
    _may_log_for(actor, resident, pairing)
    _not_future(visited_on, "visited_on")
    needs = [n.strip() for n in needs if n and n.strip()]
    if len(needs) > MAX_NEEDS:
        raise ValidationError({"needs": _("At most %(n)s needs per visit.") % {"n": MAX_NEEDS}})
    if any(len(n) > 300 for n in needs):
        raise ValidationError({"needs": _("Describe each need in at most 300 characters.")})
    visit = Visit(
        resident=resident,
        pairing=pairing,
        kind=kind,
        visited_on=visited_on,
        visitor=actor,
        purpose=purpose,
        findings=findings,
        scope_path=resident.scope_path,
    )
    save_audited(actor=actor, obj=visit, action="create")
    for text in needs:
        need = VisitNeed(visit=visit, description=text, scope_path=visit.scope_path)
        need.full_clean()
        need.save()
    events.publish("visits.visit.logged", {"visit_id": visit.pk, "resident_id": resident.pk, "needs": len(needs)})
    return visit


MAX_BATCH = 50


@transaction.atomic
def visit_log_batch(*, actor, residents, visited_on: dt.date, purpose: str, kind: str = "routine") -> list[Visit]:
    """Mark several entries of the due list done at once (a worker back from a round): one visit per household
    (to the first chosen member; a visit serves everyone living there), each through ``visit_log`` and so
    checked and audited one by one. All or nothing."""
    residents = list(residents)
    if not residents:
        raise ValidationError({"residents": _("Choose at least one entry.")})
    if len(residents) > MAX_BATCH:
        raise ValidationError({"residents": _("At most %(n)s at once.") % {"n": MAX_BATCH}})
    household_of = dict(
        HouseholdMember.objects.filter(resident__in=residents, until__isnull=True).values_list(
            "resident_id", "household_id"
        )
    )
    visits, done = [], set()
    for resident in residents:
        key = ("household", household_of[resident.pk]) if resident.pk in household_of else ("resident", resident.pk)
        if key in done:
            continue
        done.add(key)
        visits.append(visit_log(actor=actor, resident=resident, visited_on=visited_on, purpose=purpose, kind=kind))
    return visits


def _locked_need(actor, need: VisitNeed) -> VisitNeed:
    need = VisitNeed.objects.select_for_update().select_related("visit__resident").get(pk=need.pk)
    if need.state != NeedState.OPEN:
        raise ValidationError({"state": _("This need has already been followed up.")})
    if need.visit.visitor_id != actor.pk:
        require(actor, Action.CHANGE, need)
    return need


@transaction.atomic
def need_to_wish(*, actor, need: VisitNeed, title: str = "", estimated_value=None, kind: str = "goods"):
    """One click: the need becomes a submitted 微心愿 for the visited resident (community staff review it)."""
    from linli.wishes import services as wishes

    need = _locked_need(actor, need)
    attrs = {"title": (title or need.description)[:60], "need": need.description, "kind": kind}
    if estimated_value is not None:
        attrs["estimated_value"] = estimated_value
    wish = wishes.wish_submit(actor=actor, resident=need.visit.resident, **attrs)
    before = audit.snapshot(need)
    need.state, need.wish = NeedState.WISH, wish
    save_audited(actor=actor, obj=need, action="to_wish", before=before)
    return wish


def workorders_available() -> bool:
    """Work orders are installed (an optional neighbour: without them the button to file a case is not shown)."""
    from django.apps import apps

    return apps.is_installed("linli.workorders")


@transaction.atomic
def need_to_case(*, actor, need: VisitNeed, category: str, case_type: str | None = None):
    """One click: the need becomes a work order (source: home visit) with the visit as its origin."""
    if not workorders_available():
        raise ValidationError(
            _("Work orders are not available yet; record the need as a micro-wish or follow it up by hand.")
        )
    from linli.workorders import services as wo

    need = _locked_need(actor, need)
    resident = need.visit.resident
    place = resident.home or Place.objects.filter(path=resident.scope_path).first()
    if place is None:
        raise ValidationError({"category": _("The resident has no place on record.")})
    params = inspect.signature(wo.case_create).parameters
    kwargs = {
        "actor": actor,
        "title": need.description[:60],
        "description": need.description,
        "place": place,
        "source": "visit",
        "reporter_resident": resident,
        "origin": need,
    }
    kwargs["category_code" if "category_code" in params else "category"] = category
    if case_type:
        kwargs["case_type"] = case_type
    kwargs = {k: v for k, v in kwargs.items() if k in params}
    case = wo.case_create(**kwargs)
    before = audit.snapshot(need)
    need.state, need.case_id = NeedState.CASE, case.pk
    save_audited(actor=actor, obj=need, action="to_case", before=before)
    return case


@transaction.atomic
def need_close(*, actor, need: VisitNeed) -> VisitNeed:
    need = _locked_need(actor, need)
    before = audit.snapshot(need)
    need.state = NeedState.CLOSED
    return save_audited(actor=actor, obj=need, action="close", before=before)


@transaction.atomic
def care_event_record(*, actor, resident, kind: str, occurred_on: dt.date, note: str = "") -> CareEvent:
    require_at(actor, Action.ADD, CareEvent, resident.scope_path)
    _not_future(occurred_on, "occurred_on")
    event = CareEvent(
        resident=resident,
        kind=kind,
        occurred_on=occurred_on,
        note=note,
        reported_by=actor,
        scope_path=resident.scope_path,
    )
    save_audited(actor=actor, obj=event, action="create")
    events.publish("visits.care_event.recorded", {"event_id": event.pk, "kind": kind})
    return event


@transaction.atomic
def errand_record(
    *, actor, resident, matter: str, handled_on: dt.date, outcome: str = "done", note: str = ""
) -> Errand:
    require_at(actor, Action.ADD, Errand, resident.scope_path)
    _not_future(handled_on, "handled_on")
    errand = Errand(
        resident=resident,
        matter=matter,
        handled_by=actor,
        handled_on=handled_on,
        outcome=outcome,
        note=note,
        scope_path=resident.scope_path,
    )
    return save_audited(actor=actor, obj=errand, action="create")


RULE_FIELDS = ("name", "days", "starts_on", "is_active")


@transaction.atomic
def rule_update(*, actor, rule: VisitRule, **changes) -> VisitRule:
    rule = VisitRule.objects.select_for_update().get(pk=rule.pk)
    require(actor, Action.CHANGE, rule)
    before = audit.snapshot(rule)
    assign(rule, changes, RULE_FIELDS)
    return save_audited(actor=actor, obj=rule, action="update", before=before)
