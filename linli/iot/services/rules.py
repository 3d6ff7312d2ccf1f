"""Alarm rules: saved by district staff (audited); the ingest worker picks changes up within its reload period."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited

from ..models import AlarmRule

RULE_FIELDS = (
    "name",
    "device_type",
    "device",
    "alarm_type",
    "severity",
    "kind",
    "key",
    "operator",
    "raise_value",
    "clear_value",
    "for_seconds",
    "n",
    "m",
    "offline_seconds",
    "active_from",
    "active_to",
    "case_category",
    "case_org",
    "case_priority",
    "case_due_hours",
    "is_active",
)


@transaction.atomic
def rule_save(*, actor, place, rule: AlarmRule | None = None, **data) -> AlarmRule:
    if place is None:
        raise ValidationError({"place": _("Say where the rule applies.")})
    if rule is None:
        require_at(actor, Action.ADD, AlarmRule, place.path)
        rule, before = AlarmRule(), None
    else:
        rule = AlarmRule.objects.select_for_update().get(pk=rule.pk)
        require(actor, Action.CHANGE, rule)
        require_at(actor, Action.CHANGE, AlarmRule, place.path)
        before = audit.snapshot(rule)
    rule.place, rule.scope_path = place, place.path
    assign(rule, data, RULE_FIELDS)
    if rule.device_id and not rule.device.scope_path.startswith(place.path):
        raise ValidationError({"device": _("The device is not under the rule's place.")})
    save_audited(actor=actor, obj=rule, action="create" if before is None else "update", before=before)
    return rule
