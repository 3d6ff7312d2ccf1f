"""``Team`` / ``TeamMember`` / ``DutyLog`` — service teams with leaders; the 文明创建督查队's 日巡查、周督促、月整改."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel

from .common import own_q
from .volunteers import Volunteer


class TeamKind(models.TextChoices):
    REPAIR = "repair", _("Plumbing and electrical repair")
    MEDICAL = "medical", _("Medical care")
    HAIRDRESSING = "hair", _("Hairdressing")
    TEACHING = "teaching", _("Teaching")
    COUNSELLING = "counselling", _("Counselling")
    ENVIRONMENT = "environment", _("Environmental protection")
    CIVILITY = "civility", _("Civility guidance")
    PATROL = "patrol", _("Security patrol")
    INSPECTION = "inspection", _("Civilisation inspection team")
    OTHER = "other", _("Other")


class Team(ScopedModel, BaseModel):
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices)
    leader = models.ForeignKey(
        Volunteer, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["scope_path", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="volunteering_team_name_unique")]

    def __str__(self):
        return self.name

    @property
    def has_rhythm(self) -> bool:
        return self.kind == TeamKind.INSPECTION


class TeamMember(ScopedModel, BaseModel):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="team_memberships"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "volunteer__number"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteering_member_unique")]

    def __str__(self):
        return f"{self.team} · {self.volunteer}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("volunteer__resident__account_id", binding) if action == "view" else None


class DutyKind(models.TextChoices):
    DAILY_PATROL = "daily", _("Daily patrol")
    WEEKLY_URGE = "weekly", _("Weekly urging")
    MONTHLY_RECTIFY = "monthly", _("Monthly rectification")


class DutyLog(ScopedModel, BaseModel):
    """What a team did on duty: the 文明创建督查队's 日巡查、周督促、月整改 (any team may keep a log)."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="duty_logs")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    kind = models.CharField(_("duty"), max_length=16, choices=DutyKind.choices)
    on = models.DateField(_("date"))
    findings = models.TextField(_("findings"), max_length=4000)
    actions = models.TextField(_("actions taken"), blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("duty log")
        verbose_name_plural = _("duty logs")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"

    def clean(self):
        if self.on and self.on > dates.today():
            raise ValidationError({"on": _("A duty cannot be logged in the future.")})
