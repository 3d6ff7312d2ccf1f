"""A rectification campaign ("4+8+N"): themes with their checklists, the target compounds (all, or 包保 key
compounds each with a leader), and its state machine draft → running → closed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel

from .base import CampaignScoped, CompoundScoped


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Targeting(models.TextChoices):
    ALL = "all", _("Every compound under the owner")
    KEY = "key", _("Key compounds (包保) with a leader each")


class Campaign(CampaignScoped, BaseModel):
    owner = models.ForeignKey(
        "areas.Place",
        verbose_name=_("owned by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The district or the street that runs the campaign."),
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    targeting = models.CharField(_("target compounds"), max_length=8, choices=Targeting.choices, default=Targeting.ALL)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = FSMField(
        _("state"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT, protected=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rectification campaign")
        verbose_name_plural = _("rectification campaigns")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.title

    @transition(field=state, source=CampaignState.DRAFT, target=CampaignState.RUNNING)
    def start(self):
        pass

    @transition(field=state, source=CampaignState.RUNNING, target=CampaignState.CLOSED)
    def close(self):
        pass


class Theme(CampaignScoped, BaseModel):
    """One theme of a campaign (飞线充电, 消防栓无水 …) and the work-order category its findings are filed under."""

    scope_field = "campaign__scope_path"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=60)
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("work-order category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("campaign theme")
        verbose_name_plural = _("campaign themes")
        ordering = ["sort", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="campaigns_theme_unique_name")]

    def __str__(self):
        return self.name


class ChecklistItem(CampaignScoped, BaseModel):
    scope_field = "theme__campaign__scope_path"

    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("check"), max_length=120)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["sort", "pk"]

    def __str__(self):
        return self.text


class Target(CompoundScoped, BaseModel):
    """A compound the campaign covers; a key compound (包保) has a leader who answers for it."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    compound = models.ForeignKey("areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    is_key = models.BooleanField(_("key compound (包保)"), default=False)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campaign target compound")
        verbose_name_plural = _("campaign target compounds")
        ordering = ["scope_path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "compound"], name="campaigns_target_unique")]

    def __str__(self):
        return self.compound.name
