"""An inspection of one compound under one theme (the checklist ticked on the phone, photos, a location) and the
findings — one per failed checklist item — that become work orders and are rectified when their case is archived."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel

from .base import CompoundScoped
from .campaign import Campaign, ChecklistItem, Target, Theme


class Located(models.TextChoices):
    DEVICE = "device", _("The phone's location")
    COMPOUND = "compound", _("The compound")


class Inspection(CompoundScoped, BaseModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="inspections"
    )
    target = models.ForeignKey(Target, verbose_name=_("compound"), on_delete=models.CASCADE, related_name="inspections")
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="inspections")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    located = models.CharField(_("location from"), max_length=10, choices=Located.choices, default=Located.COMPOUND)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    passed = models.PositiveSmallIntegerField(_("items passed"), default=0)
    failed = models.PositiveSmallIntegerField(_("items failed"), default=0)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-pk"]

    def __str__(self):
        return f"{self.target} · {self.theme}"


class InspectionPhoto(CompoundScoped, BaseModel):
    """A photo checked and re-encoded by ``linli.core.uploads`` (no EXIF, no GPS kept)."""

    scope_field = "inspection__scope_path"

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to="campaigns/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Found")
    CASE = "case", _("Work order open")
    RECTIFIED = "rectified", _("Rectified")


class Finding(CompoundScoped, BaseModel):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="findings"
    )
    target = models.ForeignKey(Target, verbose_name=_("compound"), on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("check"), on_delete=models.PROTECT, related_name="findings")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    note = models.TextField(_("what was found"), blank=True, max_length=2000)
    case = models.OneToOneField(
        "workorders.Case",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-pk"]

    def __str__(self):
        return str(self.item)

    @property
    def status(self) -> str:
        if self.rectified_on:
            return FindingStatus.RECTIFIED
        return FindingStatus.CASE if self.case_id else FindingStatus.OPEN

    def get_status_display(self) -> str:
        return FindingStatus(self.status).label
