"""Nominations (提名) of a selection, the votes cast for them, and objections lodged during 公示.

A nomination names a household, a resident or a building, according to the selection's kind. Staff nominate from
the registry (a picker, scoped); a resident nominates on the phone by name and building, and the reviewer links the
nominee to its registry record when accepting. Only accepted nominations are on the ballot. ``votes``, ``rank`` and
``is_winner`` are written once, when the result is announced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import BaseModel, ScopedModel


class Channel(models.TextChoices):
    RESIDENT = "resident", _("By a resident")
    STAFF = "staff", _("By staff")


class NominationState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", pgettext_lazy("selections", "Accepted")
    REJECTED = "rejected", pgettext_lazy("selections", "Rejected")


class SelectionChild(ScopedModel):
    """Rows of a selection take its place: staff over the place see them (residents read only what the selectors
    show them: the accepted nominations, the counts once announced)."""

    scope_field = "selection__scope_path"

    class Meta:
        abstract = True


class Nomination(SelectionChild, BaseModel):
    selection = models.ForeignKey(
        "selections.Selection", verbose_name=_("selection"), on_delete=models.CASCADE, related_name="nominations"
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        "areas.Place",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The nominated building, or the building the nominee lives in."),
    )
    name = models.CharField(_("nominee"), max_length=50, help_text=_("As shown on the ballot."))
    reason = models.TextField(_("reason"), max_length=1000)
    channel = models.CharField(_("nominated"), max_length=10, choices=Channel.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=NominationState.choices, default=NominationState.PENDING
    )
    review_reason = models.CharField(_("review note"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    votes = models.PositiveIntegerField(pgettext_lazy("selections", "votes"), default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    is_winner = models.BooleanField(_("winner"), default=False)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["selection", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "resident"],
                condition=Q(resident__isnull=False) & ~Q(state="rejected"),
                name="selections_resident_once",
            ),
            models.UniqueConstraint(
                fields=["selection", "household"],
                condition=Q(household__isnull=False) & ~Q(state="rejected"),
                name="selections_household_once",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted")
                | Q(resident__isnull=False)
                | Q(household__isnull=False)
                | Q(building__isnull=False),
                name="selections_accepted_is_linked",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(review_reason=""), name="selections_rejected_has_reason"
            ),
        ]

    def __str__(self):
        return self.name


class Vote(SelectionChild, BaseModel):
    """One vote of one resident (the registry record linked to their login) in one selection — the database
    refuses a second (``selections_one_vote_per_resident``)."""

    selection = models.ForeignKey(
        "selections.Selection", verbose_name=_("selection"), on_delete=models.CASCADE, related_name="votes"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="ballots"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("voter"), on_delete=models.PROTECT, related_name="+"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = pgettext_lazy("selections", "vote")
        verbose_name_plural = pgettext_lazy("selections", "votes")
        ordering = ["selection", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "resident"], name="selections_one_vote_per_resident")
        ]

    def __str__(self):
        return f"{self.selection_id}/{self.nomination_id}"


class Objection(SelectionChild, BaseModel):
    """An objection (异议) to the announced result, lodged during 公示; staff read them before finalising."""

    selection = models.ForeignKey(
        "selections.Selection", verbose_name=_("selection"), on_delete=models.CASCADE, related_name="objections"
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("about"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objections",
    )
    text = models.TextField(_("objection"), max_length=1000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("selections", "raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("raised on"))

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["selection", "pk"]

    def __str__(self):
        return self.text[:40]
