"""``StarThreshold`` (configurable, seeded) and ``StarAward`` (公示 of 5 working days before the award)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel

from .common import PersonalRows, own_q
from .volunteers import Volunteer


class StarThreshold(models.Model):
    """Cumulative confirmed hours for each star level (configurable; seeded 100/300/600/1000/1500)."""

    level = models.PositiveSmallIntegerField(
        _("star level"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours = models.DecimalField(
        _("hours needed"), max_digits=7, decimal_places=1, validators=[MinValueValidator(Decimal("1"))]
    )

    class Meta:
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        ordering = ["level"]

    def __str__(self):
        return f"★{self.level} ≥ {self.hours}h"

    @classmethod
    def scope_q(cls, binding, action):
        return models.Q()  # one district-wide table; the grants decide who may see or change it


class StarStatus(models.TextChoices):
    NOTICE = "notice", _("Public notice")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StarAward(PersonalRows, BaseModel):
    """A proposed star level: publicly noticed for 5 working days (公示), then awarded unless withdrawn."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="star_awards"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("star level"))
    hours = models.DecimalField(_("hours at proposal"), max_digits=9, decimal_places=2)
    notice_from = models.DateField(_("notice from"))
    notice_until = models.DateField(_("notice until"))
    status = models.CharField(
        _("status"), max_length=16, choices=StarStatus.choices, default=StarStatus.NOTICE, db_index=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("star award")
        verbose_name_plural = _("star awards")
        ordering = ["-notice_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "level"],
                condition=~models.Q(status="withdrawn"),
                name="volunteering_one_star_award",
            )
        ]

    def __str__(self):
        return f"{self.volunteer} ★{self.level}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("volunteer__resident__account_id", binding) if action == "view" else None


class StarNoticeQuerySet(models.QuerySet):
    def current(self, today: dt.date | None = None):
        return self.filter(status=StarStatus.NOTICE, notice_until__gte=today or dates.today())


class StarNotice(StarAward):
    """The 公示 of proposed stars: the same rows as ``StarAward`` read as a public notice. Everyone bound inside a
    community (residents included) may read the notices of that community — names, level and hours only, never
    personal numbers — for the whole notice period (domain rules §6: ≥ 5 working days before the award)."""

    objects = StarNoticeQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("star public notice")
        verbose_name_plural = _("star public notices")

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        # A house, building or grid binding reads its whole community's notice board.
        return sorted({p[:12] for p in binding.place_prefixes() if p})

    @classmethod
    def extra_scope_q(cls, binding, action):
        return None
