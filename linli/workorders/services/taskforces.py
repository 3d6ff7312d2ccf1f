"""Writes for 专班 (task forces) and 联合行动 (joint actions): permission-checked, validated, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.permissions import can_at, require_at

from .. import policy
from ..models import Case, JointAction, TaskForce, TaskForceKind
from .base import record_event


def _orgs_active(orgs: Iterable, field: str) -> list:
    orgs = [o for o in orgs if o is not None]
    for org in orgs:
        if not org.is_active:
            raise ValidationError({field: _("This organisation is no longer active.")})
    return orgs


def _text(value: str, field: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return value


@transaction.atomic
def taskforce_create(
    *, actor, kind: str, name: str, place: Place, lead, members: Iterable = (), road: str = "", people: str = ""
) -> TaskForce:
    """A standing task force over a compound (1+5+N), a road (1+3) or another area; the dispatch centre or the
    district administrator sets it up."""
    if place is None:
        raise ValidationError({"place": _("Say which compound or area the task force covers.")})
    require_at(actor, "add", TaskForce, place.path)
    if kind not in TaskForceKind.values:
        raise ValidationError({"kind": _("Unknown kind of task force.")})
    if lead is None:
        raise ValidationError({"lead": _("Choose the lead unit.")})
    _orgs_active([lead], "lead")
    members = [o for o in _orgs_active(members, "members") if o.pk != lead.pk]
    if kind == TaskForceKind.ROAD and not (road or "").strip():
        raise ValidationError({"road": _("A road task force needs the road's name.")})
    tf = TaskForce(
        kind=kind,
        name=_text(name, "name", required=True, limit=100),
        place=place,
        scope_path=place.path,
        road=_text(road, "road", required=False, limit=100),
        lead=lead,
        people=_text(people, "people", required=False, limit=4000),
    )
    tf.full_clean()
    tf.save()
    tf.members.set(members)
    audit.record(actor=actor, action="create", obj=tf, after={**audit.snapshot(tf), "members": [o.pk for o in members]})
    events.publish("workorders.taskforce.created", {"task_force_id": tf.pk, "place": place.path})
    return tf


def may_record_action(actor, *, place: Place, case: Case | None = None, task_force: TaskForce | None = None) -> bool:
    if can_at(actor, "add", JointAction, place.path):
        return True
    if case is not None and (policy.is_lead_handler(case, actor) or policy.is_co_handler(case, actor)):
        return True
    if task_force is not None:
        ids = policy.org_ids(actor)
        return bool(ids) and (task_force.lead_id in ids or task_force.members.filter(pk__in=ids).exists())
    return False


@transaction.atomic
def joint_action_record(
    *,
    actor,
    title: str,
    held_at,
    outcome: str,
    task_force: TaskForce | None = None,
    case: Case | None = None,
    units: Iterable = (),
    participants: str = "",
) -> JointAction:
    """联合行动: who acted together, when, with what outcome; linked to a task force and/or a case. The case's
    timeline gets an entry."""
    if task_force is None and case is None:
        raise ValidationError({"case": _("Link the joint action to a task force or a case.")})
    place = case.place if case is not None else task_force.place
    if not may_record_action(actor, place=place, case=case, task_force=task_force):
        raise PermissionDenied(_("You may not record a joint action here."))
    if held_at is None:
        raise ValidationError({"held_at": _("This field is required.")})
    if held_at > timezone.now() + dt.timedelta(hours=1):
        raise ValidationError({"held_at": _("A joint action is recorded after it has taken place.")})
    units = _orgs_active(units, "units")
    action = JointAction(
        task_force=task_force,
        case=case,
        title=_text(title, "title", required=True, limit=100),
        held_at=held_at,
        place=place,
        scope_path=place.path,
        participants=_text(participants, "participants", required=False, limit=2000),
        outcome=_text(outcome, "outcome", required=True, limit=4000),
        recorded_by=actor,
    )
    action.full_clean()
    action.save()
    action.units.set(units)
    if case is not None:
        record_event(
            case,
            "joint_action",
            actor,
            before=case.state,
            note=f"{action.title}：{action.outcome}"[:2000],
            data={"joint_action": action.pk, "units": [o.name for o in units]},
        )
    audit.record(
        actor=actor, action="create", obj=action, after={**audit.snapshot(action), "units": [o.pk for o in units]}
    )
    events.publish(
        "workorders.jointaction.recorded", {"joint_action_id": action.pk, "case_id": case.pk if case else None}
    )
    return action
