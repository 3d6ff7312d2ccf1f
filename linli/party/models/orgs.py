"""``PartyOrg``: the party organisation tree tied to the place tree (which kind under which, at which level)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import is_under


class PartyOrgKind(models.TextChoices):
    STREET_COMMITTEE = "street_committee", _("Street Party Working Committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Community Party Committee")
    GENERAL_BRANCH = "general_branch", _("General Party Branch")
    BRANCH = "branch", _("Party Branch")
    GROUP = "group", _("Party Group")


class BranchType(models.TextChoices):
    COMPOUND = "compound", _("Compound branch")
    GRID = "grid", _("Grid branch")
    PROPERTY = "property", _("Property company branch")
    OTHER = "other", _("Other branch")


# Which kind may sit under which.
ALLOWED_PARENTS = {
    PartyOrgKind.STREET_COMMITTEE: (None,),
    PartyOrgKind.COMMUNITY_COMMITTEE: (PartyOrgKind.STREET_COMMITTEE, None),
    PartyOrgKind.GENERAL_BRANCH: (PartyOrgKind.COMMUNITY_COMMITTEE, PartyOrgKind.STREET_COMMITTEE),
    PartyOrgKind.BRANCH: (PartyOrgKind.COMMUNITY_COMMITTEE, PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.STREET_COMMITTEE),
    PartyOrgKind.GROUP: (PartyOrgKind.BRANCH,),
}
# The place level an organisation of each kind sits at (at most: a branch may sit at the community).
PLACE_LEVELS = {
    PartyOrgKind.STREET_COMMITTEE: (2,),
    PartyOrgKind.COMMUNITY_COMMITTEE: (3,),
    PartyOrgKind.GENERAL_BRANCH: (3, 4),
    PartyOrgKind.BRANCH: (3, 4),
    PartyOrgKind.GROUP: (4, 5),
}
BRANCH_KINDS = (PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH)


class PartyOrg(ScopedModel, BaseModel):
    kind = models.CharField(_("kind"), max_length=24, choices=PartyOrgKind.choices)
    branch_type = models.CharField(_("branch type"), max_length=16, choices=BranchType.choices, blank=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    covered_places = models.ManyToManyField(
        "areas.Place", verbose_name=_("covered places"), blank=True, related_name="party_orgs"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    is_active = models.BooleanField(_("active"), default=True)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["scope_path", "kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "scope_path"], name="partyorg_kind_path_idx")]

    def __str__(self):
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def is_group(self) -> bool:
        return self.kind == PartyOrgKind.GROUP

    @property
    def term_years(self) -> int:
        """Years of this organisation's term (5 for the community's, 3 for another unit's branch; ``conf``)."""
        from .. import conf

        branch_type = self.branch_type or (BranchType.COMPOUND if self.kind == PartyOrgKind.BRANCH else "")
        return conf.term_years(self.kind, branch_type)

    def clean(self):
        errors = {}
        if self.kind == PartyOrgKind.BRANCH and not self.branch_type:
            self.branch_type = BranchType.COMPOUND
        if self.kind != PartyOrgKind.BRANCH and self.branch_type:
            errors["branch_type"] = _("Only a party branch has a branch type.")
        parent_kind = self.parent.kind if self.parent_id else None
        allowed = ALLOWED_PARENTS.get(self.kind, ())
        if self.kind and parent_kind not in allowed:
            errors["parent"] = _("A %(kind)s cannot sit under %(parent)s.") % {
                "kind": self.get_kind_display(),
                "parent": self.parent.get_kind_display() if self.parent_id else _("nothing"),
            }
        if self.place_id and self.kind:
            if self.place.level not in PLACE_LEVELS.get(self.kind, ()):
                errors["place"] = _("A %(kind)s sits at a %(levels)s.") % {
                    "kind": self.get_kind_display(),
                    "levels": "/".join(str(_level_label(lv)) for lv in PLACE_LEVELS[self.kind]),
                }
            elif self.parent_id and not is_under(self.place.path, self.parent.place.path):
                errors["place"] = _("The place must lie inside the parent organisation's place.")
        if self.branch_type == BranchType.PROPERTY and not self.organisation_id:
            errors["organisation"] = _("A property company branch names its property company.")
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = _("The term must end after it starts.")
        if errors:
            raise ValidationError(errors)

    def full_member_count(self) -> int:
        """Active full members registered in this organisation (a branch counts its groups' members too)."""
        from .members import MemberStatus, PartyMember  # members import this module

        qs = PartyMember.objects.filter(is_active=True, status=MemberStatus.FULL)
        if self.kind == PartyOrgKind.GROUP:
            return qs.filter(group=self).count()
        return qs.filter(org=self).count()

    def member_count(self) -> int:
        from .members import PartyMember  # members import this module

        qs = PartyMember.objects.filter(is_active=True)
        if self.kind == PartyOrgKind.GROUP:
            return qs.filter(group=self).count()
        return qs.filter(org=self).count()


def _level_label(level: int):
    from linli.areas.models import Level

    return Level(level).label
