"""``PartyMember``, ``CommitteeSeat`` and ``CenterHousehold`` (党员中心户)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel

from .common import OwnRowsForResidents
from .orgs import BRANCH_KINDS, PartyOrg, PartyOrgKind


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class PartyMember(OwnRowsForResidents, ScopedModel, BaseModel):
    """在册党员: one membership row per stay in a branch; a transfer ends one row and starts another."""

    # When the data centre merges two resident records, the membership's path follows the kept record.
    scope_follows = "resident"

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="party_memberships"
    )
    org = models.ForeignKey(PartyOrg, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members")
    group = models.ForeignKey(
        PartyOrg,
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL)
    joined_on = models.DateField(_("joined the party on"))
    full_on = models.DateField(_("full member since"), null=True, blank=True)
    registered_on = models.DateField(_("registered in this branch on"), null=True, blank=True)
    ended_on = models.DateField(_("left this branch on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=100, blank=True)
    dues_paid_until = models.DateField(_("dues paid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["scope_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(is_active=True),
                name="party_one_active_membership",
                violation_error_message=_(
                    "This resident is already an active member in another branch (a member in two branches)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["org", "is_active", "status"], name="partymember_org_idx")]

    def __str__(self):
        return f"{self.resident.name} · {self.org.name}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return cls.own_q(binding, action)

    @property
    def dues_overdue(self) -> bool:
        if not self.is_active:
            return False
        today = dates.today()
        first_of_month = today.replace(day=1)
        return self.dues_paid_until is None or self.dues_paid_until < first_of_month - dt.timedelta(days=1)

    def clean(self):
        errors = {}
        if self.org_id and self.org.kind not in BRANCH_KINDS:
            errors["org"] = _("Members are registered in a party branch.")
        if self.group_id and (self.group.kind != PartyOrgKind.GROUP or self.group.parent_id != self.org_id):
            errors["group"] = _("The party group must belong to the member's branch.")
        if self.status == MemberStatus.FULL and self.full_on and self.joined_on and self.full_on < self.joined_on:
            errors["full_on"] = _("A member becomes full after joining.")
        if self.status == MemberStatus.PROBATIONARY and self.full_on:
            errors["full_on"] = _("A probationary member has no full-member date yet.")
        if self.joined_on and self.joined_on > dates.today():
            errors["joined_on"] = _("The joining date cannot be in the future.")
        if self.is_active and self.resident_id:
            other = PartyMember.objects.filter(resident_id=self.resident_id, is_active=True).exclude(pk=self.pk)
            clash = other.select_related("org").first()
            if clash is not None:
                errors["resident"] = _(
                    "%(name)s is already an active member of %(org)s: a member cannot be in "
                    "two branches. Transfer the membership instead."
                ) % {"name": self.resident.name, "org": clash.org.name}
        if errors:
            raise ValidationError(errors)


class SeatPosition(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation member")
    PROPAGANDA = "propaganda", _("Propaganda member")
    DISCIPLINE = "discipline", _("Discipline inspection member")
    MEMBER = "member", _("Committee member")


class CommitteeSeat(ScopedModel, BaseModel):
    org = models.ForeignKey(PartyOrg, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(PartyMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="seats")
    position = models.CharField(_("position"), max_length=16, choices=SeatPosition.choices)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["org", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "member"], condition=Q(is_active=True), name="party_one_seat_per_member"
            ),
            models.UniqueConstraint(
                fields=["org"], condition=Q(is_active=True, position="secretary"), name="party_one_secretary"
            ),
        ]

    def __str__(self):
        return f"{self.org.name} · {self.get_position_display()}"

    def clean(self):
        errors = {}
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = _("The term must end after it starts.")
        active = CommitteeSeat.objects.filter(org_id=self.org_id, is_active=True).exclude(pk=self.pk)
        if (
            self.is_active
            and self.org_id
            and self.position == SeatPosition.SECRETARY
            and active.filter(position=SeatPosition.SECRETARY).exists()
        ):
            errors["position"] = _("This organisation already has a secretary.")
        if self.is_active and self.org_id and self.member_id and active.filter(member_id=self.member_id).exists():
            errors["member"] = _("This member already holds a seat on the committee.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ()) | {"org", "member"}
        super().validate_constraints(exclude=exclude)


class CenterHousehold(ScopedModel, BaseModel):
    """党员中心户: a member's household that neighbours turn to; shown on its building."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="center_households"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey("areas.Place", verbose_name=_("building"), on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("since"), null=True, blank=True)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("party member centre household")
        verbose_name_plural = _("party member centre households")
        ordering = ["scope_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(is_active=True), name="party_one_center_per_household"
            )
        ]

    def __str__(self):
        return f"{self.household} · {self.member.resident.name}"
