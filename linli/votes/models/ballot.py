"""Ballots: one per unit of the electorate, across channels (a database constraint).

Online by the unit's representative: the last online ballot before closing wins (it replaces the earlier one, with
a new receipt). On paper, entered by staff with the scan attached: a paper ballot locks the unit — it replaces an
online ballot and nothing replaces it. The receipt code is shown once to the voter; only its hash is published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel

from .base import VotesScoped


class Choice(models.TextChoices):
    YES = "yes", _("Agree")
    NO = "no", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class Ballot(VotesScoped, BaseModel):
    scope_field = "decision__scope_path"
    audit_exclude = frozenset({"scan"})

    decision = models.ForeignKey(
        "votes.Decision", verbose_name=_("decision"), on_delete=models.PROTECT, related_name="ballots"
    )
    unit = models.ForeignKey("votes.ElectorateUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    voter = models.ForeignKey(
        "registry.Resident", verbose_name=_("voter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt_hash = models.CharField(_("receipt hash"), max_length=64, unique=True)
    cast_at = models.DateTimeField(_("cast at"))
    times_replaced = models.PositiveIntegerField(_("times replaced"), default=0)
    scan = models.FileField(_("scan of the paper ballot"), upload_to="votes/ballots/%Y/%m/", blank=True)
    scan_type = models.CharField(_("content type"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["decision", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "unit"], name="votes_one_ballot_per_unit"),
            models.CheckConstraint(
                condition=models.Q(channel="online") | ~models.Q(scan=""), name="votes_paper_ballot_has_scan"
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.choice}"

    @property
    def locked(self) -> bool:
        return self.channel == Channel.PAPER
