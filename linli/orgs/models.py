"""Organisations outside the place tree: functional departments, property companies and others.

One table for every organisation the platform meets (entered once): functional departments and
property companies, and the registry of 驻区单位 (stationed units), enterprises and social
organisations, each with its 统一社会信用代码 (unique when given) and its location in the place tree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import ancestor_paths
from linli.core.validators import validate_credit_code, validate_phone


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", _("Functional department")
    PROPERTY = "property", _("Property company")
    STATIONED = "stationed", _("Stationed unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other organisation")


class Organisation(ScopedModel, BaseModel):
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    area = models.ForeignKey(
        "areas.Place",
        verbose_name=_("area served"),
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_("The district, street or community this organisation serves or sits in."),
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    managed_compounds = models.ManyToManyField(
        "areas.Place",
        verbose_name=_("managed compounds"),
        blank=True,
        related_name="property_companies",
        help_text=_("For property companies: the compounds they manage."),
    )
    location = models.ForeignKey(
        "areas.Place",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="located_organisations",
        help_text=_("Where it sits in the place tree (a compound, building or house) within the area served."),
    )
    contact_name = models.CharField(_("contact person"), max_length=30, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="org_credit_code_unique"
            )
        ]

    def __str__(self):
        return self.name

    def served_prefixes(self) -> list[str]:
        """The part of the place tree this organisation's staff work on."""
        if self.kind == OrgKind.PROPERTY:
            return [c.path for c in self.managed_compounds.all()]
        if self.kind == OrgKind.DEPARTMENT:
            return [self.scope_path]
        return []

    @classmethod
    def extra_scope_q(cls, binding, action):
        if action != "view":
            return None
        q = None
        # Staff see their own organisation.
        if binding.organisation_id:
            q = models.Q(pk=binding.organisation_id)
        # Place-bound staff also see (only see) the organisations serving the levels above them
        # (a community sees the district's departments it can call on).
        prefixes = binding.place_prefixes()
        above = {a for p in prefixes for a in ancestor_paths(p)}
        if above:
            part = models.Q(scope_path__in=sorted(above))
            q = part if q is None else q | part
        return q
