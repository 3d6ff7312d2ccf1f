"""Alarm rules and alarms.

A rule applies to a device type (every device of it under the rule's place) or to one device, and says when an
alarm of its ``alarm_type`` is raised and cleared:

* ``threshold``: a reading of ``key`` beyond ``raise_value`` (``operator`` lt/gt); cleared when a reading is back
  beyond ``clear_value`` (hysteresis: raise below 0.10 MPa, clear above 0.14 MPa; without it, the raise value);
* ``for_seconds``: the breach must last this long (every reading in between breaching);
* ``n_of_m``: at least N of the last M readings breach (1 of 1 by default);
* ``no_data``: no message for ``offline_seconds`` (checked every second by the ingest worker); cleared by the next
  message;
* a time window (``active_from``–``active_to``, local time) limits when the rule raises alarms.

An alarm lives ACTIVE_UNACK → ACTIVE_ACK → CLEARED, or ACTIVE_UNACK → CLEARED_UNACK → CLEARED (cleared before
anyone acknowledged it). One active alarm per device and alarm type (a partial unique index): a repeat raises its
``count``. A rule may open a work order (category, lead department, priority, response time in hours).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel

from .base import AlarmScoped, IotScoped


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold")
    NO_DATA = "no_data", _("No data (offline)")


class Operator(models.TextChoices):
    LT = "lt", _("below")
    GT = "gt", _("above")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    WARNING = "warning", _("Warning")


class AlarmRule(IotScoped, BaseModel):
    name = models.CharField(_("name"), max_length=80)
    place = models.ForeignKey(
        "areas.Place",
        verbose_name=_("applies under"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    device_type = models.ForeignKey(
        "iot.DeviceType", verbose_name=_("device type"), null=True, blank=True, on_delete=models.PROTECT
    )
    device = models.ForeignKey("iot.Device", verbose_name=_("device"), null=True, blank=True, on_delete=models.CASCADE)
    alarm_type = models.SlugField(_("alarm type"), max_length=40)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices, default=RuleKind.THRESHOLD)
    key = models.CharField(_("telemetry key"), max_length=32, blank=True)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, default=Operator.LT)
    raise_value = models.FloatField(_("raise at"), null=True, blank=True)
    clear_value = models.FloatField(_("clear at"), null=True, blank=True)
    for_seconds = models.PositiveIntegerField(_("for at least (seconds)"), default=0)
    n = models.PositiveSmallIntegerField(_("N (breaching readings)"), default=1)
    m = models.PositiveSmallIntegerField(_("of the last M readings"), default=1)
    offline_seconds = models.PositiveIntegerField(_("no data for (seconds)"), null=True, blank=True)
    active_from = models.TimeField(_("active from"), null=True, blank=True)
    active_to = models.TimeField(_("active until"), null=True, blank=True)
    case_category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("work-order category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_priority = models.CharField(_("work-order priority"), max_length=10, default="urgent")
    case_due_hours = models.PositiveSmallIntegerField(_("respond within (hours)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alarm rule")
        verbose_name_plural = _("alarm rules")
        ordering = ["scope_path", "alarm_type"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (self.device_type_id is None) == (self.device_id is None):
            errors["device_type"] = _("A rule applies to a device type or to one device.")
        if self.kind == RuleKind.THRESHOLD:
            if not self.key:
                errors["key"] = _("Say which telemetry key the rule watches.")
            if self.raise_value is None:
                errors["raise_value"] = _("Say at which value the alarm is raised.")
            elif self.clear_value is not None:
                wrong = (
                    self.clear_value < self.raise_value
                    if self.operator == Operator.LT
                    else (self.clear_value > self.raise_value)
                )
                if wrong:
                    errors["clear_value"] = _("The clearing value lies on the safe side of the raising value.")
        elif not self.offline_seconds:
            errors["offline_seconds"] = _("Say after how many seconds without data the alarm is raised.")
        if not 1 <= self.n <= self.m <= 100:
            errors["n"] = _("N must be between 1 and M (at most 100).")
        if (self.active_from is None) != (self.active_to is None):
            errors["active_to"] = _("A time window has a start and an end.")
        if errors:
            raise ValidationError(errors)

    def breaches(self, value: float) -> bool:
        return value < self.raise_value if self.operator == Operator.LT else value > self.raise_value

    def clears(self, value: float) -> bool:
        limit = self.raise_value if self.clear_value is None else self.clear_value
        return value >= limit if self.operator == Operator.LT else value <= limit


class RuleState(models.Model):
    """What a rule remembers about one device between messages (N-of-M window, breach start)."""

    rule = models.ForeignKey(AlarmRule, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey("iot.Device", on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=100, blank=True)  # "0"/"1" per reading, newest last
    breach_since = models.DateTimeField(null=True, blank=True)
    raised = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "device"], name="iot_rulestate_unique")]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.device_id}: {self.window}"


class AlarmState(models.TextChoices):
    ACTIVE_UNACK = "active_unack", _("Active, not acknowledged")
    ACTIVE_ACK = "active_ack", _("Active, acknowledged")
    CLEARED_UNACK = "cleared_unack", _("Cleared, not acknowledged")
    CLEARED = "cleared", _("Cleared")


ACTIVE = (AlarmState.ACTIVE_UNACK, AlarmState.ACTIVE_ACK)


class ClearedBy(models.TextChoices):
    READING = "reading", _("A reading back in range")
    STAFF = "staff", _("Staff")
    CASE = "case", _("The work order was archived")
    DATA = "data", _("The device sent data again")


class Alarm(AlarmScoped, BaseModel):
    device = models.ForeignKey("iot.Device", verbose_name=_("device"), on_delete=models.PROTECT, related_name="alarms")
    rule = models.ForeignKey(
        AlarmRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="alarms"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    alarm_type = models.SlugField(_("alarm type"), max_length=40)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    state = FSMField(_("state"), max_length=16, choices=AlarmState.choices, default=AlarmState.ACTIVE_UNACK)
    count = models.PositiveIntegerField(_("times raised"), default=1)
    first_at = models.DateTimeField(_("first raised"))
    last_at = models.DateTimeField(_("last raised"))
    value = models.FloatField(_("value"), null=True, blank=True)
    reading_at = models.DateTimeField(_("reading time"), null=True, blank=True)
    raised_in_at = models.DateTimeField(null=True, blank=True, editable=False)  # when the worker raised it
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ack_note = models.CharField(_("acknowledgement note"), max_length=200, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.CharField(_("cleared by"), max_length=8, choices=ClearedBy.choices, blank=True)
    clear_note = models.CharField(_("clearing note"), max_length=200, blank=True)
    case = models.ForeignKey(
        "workorders.Case",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "alarm_type"],
                condition=Q(state__in=["active_unack", "active_ack"]),
                name="iot_one_active_alarm_per_device_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.alarm_type} @ {self.device_id}"

    @property
    def label(self) -> str:
        """What to call it on pages: the rule's name (the alarm type is a code)."""
        return self.rule.name if self.rule_id and self.rule else self.alarm_type

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE

    @transition(field=state, source=AlarmState.ACTIVE_UNACK, target=AlarmState.ACTIVE_ACK)
    def ack_active(self):
        pass

    @transition(field=state, source=AlarmState.CLEARED_UNACK, target=AlarmState.CLEARED)
    def ack_cleared(self):
        pass

    @transition(field=state, source=AlarmState.ACTIVE_UNACK, target=AlarmState.CLEARED_UNACK)
    def clear_unacked(self):
        pass

    @transition(field=state, source=AlarmState.ACTIVE_ACK, target=AlarmState.CLEARED)
    def clear_acked(self):
        pass
