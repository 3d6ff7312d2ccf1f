"""Owners' committees (业主委员会) of compounds and their seats.

A committee serves one compound (小区, place level 4); its seats are held by residents of the data centre (a party
member on the committee is the same resident record, nothing is copied). Kept general on purpose: the owners'
votes of 民法典 第278条 (a later issue) will hang off the compound and its committee.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import PATH_LENGTHS

COMPOUND_PATH_LENGTH = PATH_LENGTHS[4]
# Roles whose binding sits below the compound (a grid's buildings, one building): they see the committee of the
# compound their buildings are in.
BELOW_COMPOUND_ROLES = ("grid_worker", "building_head")


class CompoundScoped(ScopedModel):
    """Rows placed at a compound's path; grid workers and building heads reach up to their buildings' compounds."""

    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if str(binding.role) not in BELOW_COMPOUND_ROLES or action != "view":
            return None
        compounds = sorted(
            {p[:COMPOUND_PATH_LENGTH] for p in binding.place_prefixes() if len(p) > COMPOUND_PATH_LENGTH}
        )
        return Q(**{f"{cls.scope_field}__in": compounds}) if compounds else None


class OwnersCommittee(CompoundScoped, BaseModel):
    compound = models.ForeignKey(
        "areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="owners_committees"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. 怡心花园业主委员会."))
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    filed_on = models.DateField(
        _("filed with the street on"),
        null=True,
        blank=True,
        help_text=_("备案: the date the street office registered the election result."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")
        ordering = ["scope_path", "-term_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound"], condition=Q(is_active=True), name="owners_one_active_committee_per_compound"
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="owners_committee_term_order"
            ),
        ]

    def __str__(self):
        return self.name


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")


BADGE_LABELS = {
    Position.CHAIR: _("Owners' committee chair"),
    Position.VICE_CHAIR: _("Owners' committee vice-chair"),
    Position.MEMBER: _("Owners' committee member"),
}
POSITION_ORDER = {Position.CHAIR: 0, Position.VICE_CHAIR: 1, Position.MEMBER: 2}


def open_seat_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """Seats not ended: no end date or one in the future."""
    today = today or dates.today()
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": today})


def current_seat_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """Seats held now: open, on an active committee."""
    return open_seat_q(today, prefix) & Q(**{f"{prefix}committee__is_active": True})


class CommitteeSeat(CompoundScoped, BaseModel):
    committee = models.ForeignKey(
        OwnersCommittee, verbose_name=_("owners' committee"), on_delete=models.PROTECT, related_name="seats"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="owners_committee_seats"
    )
    position = models.CharField(_("position"), max_length=12, choices=Position.choices, default=Position.MEMBER)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while the seat is held."))
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("owners' committee seat")
        verbose_name_plural = _("owners' committee seats")
        ordering = ["committee", "until", "since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "resident"],
                condition=Q(until__isnull=True),
                name="owners_one_open_seat_per_resident",
            ),
        ]
        indexes = [models.Index(fields=["resident", "until"], name="owners_seat_resident_idx")]

    def __str__(self):
        return f"{self.resident} · {self.get_position_display()}"

    def is_open(self, today: dt.date | None = None) -> bool:
        """Not ended (``open_seat_q`` for one row)."""
        today = today or dates.today()
        return self.until is None or self.until > today

    @property
    def badge_label(self) -> str:
        return str(BADGE_LABELS.get(self.position, self.get_position_display()))
