"""专班 (task forces) as dispatch targets, and their joint actions (联合行动)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class TaskForceKind(models.TextChoices):
    COMPOUND = "compound", _("Compound task force (1+5+N)")
    ROAD = "road", _("Road task force (1+3)")
    OTHER = "other", _("Other task force")


class TaskForce(ScopedModel, BaseModel):
    """A standing task force: one lead (包保) unit plus member units, and the people who join in.

    Per compound "1+5+N": the 包保单位 + 住建局/城管局/交警大队/城关镇/社区 + residents and volunteers; per road "1+3".
    Dispatching a case to a task force makes its lead unit the lead handler and its members co-handlers.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=TaskForceKind.choices, default=TaskForceKind.COMPOUND)
    name = models.CharField(_("name"), max_length=100)
    place = models.ForeignKey(
        "areas.Place", verbose_name=_("compound or area"), on_delete=models.PROTECT, related_name="+"
    )
    road = models.CharField(_("road"), max_length=100, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    lead = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead unit (包保单位)"),
        on_delete=models.PROTECT,
        related_name="led_task_forces",
    )
    members = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("member units"), blank=True, related_name="task_forces"
    )
    people = models.TextField(
        _("residents and volunteers"),
        blank=True,
        help_text=_("The N in 1+5+N: names and roles, one per line (no ID or phone numbers)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        ordering = ["scope_path", "name"]

    def __str__(self):
        return self.name


class JointAction(ScopedModel, BaseModel):
    """联合行动: a task force (or several units) acting together on site, with the outcome."""

    task_force = models.ForeignKey(
        TaskForce, verbose_name=_("task force"), null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    case = models.ForeignKey(
        "workorders.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_actions",
    )
    title = models.CharField(_("title"), max_length=100)
    held_at = models.DateTimeField(_("held at"))
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    units = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("participating units"), blank=True, related_name="+"
    )
    participants = models.TextField(_("participants"), blank=True)
    outcome = models.TextField(_("outcome"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("joint action")
        verbose_name_plural = _("joint actions")
        ordering = ["-held_at"]

    def __str__(self):
        return self.title
