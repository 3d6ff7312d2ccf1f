"""Who holds or uses a house: owners (with their area share), co-owners, tenants, lodgers, with dates.

The current owner records of a house (kind owner/co_owner, ``until`` empty) are what owners' votes
count (民法典 第278条): area share as an exact fraction, never a float.
"""

from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class OccupancyKind(models.TextChoices):
    OWNER = "owner", _("Owner")
    CO_OWNER = "co_owner", _("Co-owner")
    TENANT = "tenant", _("Tenant")
    LODGER = "lodger", _("Lodger")


OWNER_KINDS = (OccupancyKind.OWNER, OccupancyKind.CO_OWNER)


class Occupancy(ScopedModel, BaseModel):
    house = models.ForeignKey(
        "areas.Place", verbose_name=_("house"), on_delete=models.PROTECT, related_name="occupancies"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="occupancies"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OccupancyKind.choices)
    share_numerator = models.PositiveIntegerField(_("share numerator"), default=1)
    share_denominator = models.PositiveIntegerField(_("share denominator"), default=1)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["house_id", "kind", "since"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share_denominator__gt=0)
                & models.Q(share_numerator__lte=models.F("share_denominator")),
                name="occupancy_share_is_a_fraction",
            ),
            models.UniqueConstraint(
                fields=["house", "resident", "kind"],
                condition=models.Q(until__isnull=True),
                name="occupancy_one_current_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_kind_display()}"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_numerator, self.share_denominator)

    @property
    def is_owner(self) -> bool:
        return self.kind in OWNER_KINDS
