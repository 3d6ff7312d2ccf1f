"""Households (户): a head and members, living in one house; membership keeps its history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class Household(ScopedModel, BaseModel):
    number = models.CharField(_("household number"), max_length=32, unique=True)
    house = models.ForeignKey(
        "areas.Place", verbose_name=_("house"), on_delete=models.PROTECT, related_name="households"
    )
    head = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="headed_households",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["scope_path", "number"]

    def __str__(self):
        return self.number


class HouseholdMember(ScopedModel, BaseModel):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="memberships"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    since = models.DateField(_("moved in"))
    until = models.DateField(_("moved out"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household_id", "since", "id"]
        constraints = [
            # a person belongs to at most one household at a time
            models.UniqueConstraint(
                fields=["resident"], condition=models.Q(until__isnull=True), name="member_one_current_household"
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_relation_display()}"
