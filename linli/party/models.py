"""Party organisations tied to the place tree, their members, committees, 党员中心户, and 在职党员 双报到.

A party member IS a ``registry.Resident``: these models point at the resident and never copy personal data.
Every row carries ``scope_path`` (a place path) so the permission chokepoint scopes it like any other row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import is_under


class OwnRowsForResidents:
    """A resident's binding (their house) reaches only their own rows, never their housemates'."""

    resident_field = "resident__account_id"

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        if binding.role == "resident":
            return []
        return binding.place_prefixes()

    @classmethod
    def own_q(cls, binding, action):
        if binding.role == "resident" and action == "view":
            return Q(**{cls.resident_field: binding.user_id})
        return None


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
        from . import conf

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
        qs = PartyMember.objects.filter(is_active=True, status=MemberStatus.FULL)
        if self.kind == PartyOrgKind.GROUP:
            return qs.filter(group=self).count()
        return qs.filter(org=self).count()

    def member_count(self) -> int:
        qs = PartyMember.objects.filter(is_active=True)
        if self.kind == PartyOrgKind.GROUP:
            return qs.filter(group=self).count()
        return qs.filter(org=self).count()


def _level_label(level: int):
    from linli.areas.models import Level

    return Level(level).label


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


# -- 双报到 -------------------------------------------------------------------------------------------------------


def _org_scope_q(binding):
    if getattr(binding, "organisation_id", None):
        return Q(employer_id=binding.organisation_id)
    return None


class InServiceMember(OwnRowsForResidents, ScopedModel, BaseModel):
    """在职党员: a member working elsewhere who registers (报到) with the community where they live."""

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="in_service_records"
    )
    employer = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("employer"), on_delete=models.PROTECT, related_name="in_service_members"
    )
    employer_party_org = models.CharField(_("employer's party organisation"), max_length=100, blank=True)
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    service_intention = models.CharField(_("service intention"), max_length=200, blank=True)
    reported_on = models.DateField(_("last reported on"))
    first_reported_on = models.DateField(_("first reported on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("in-service party member")
        verbose_name_plural = _("in-service party members")
        ordering = ["scope_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=Q(is_active=True), name="party_one_active_inservice")
        ]

    def __str__(self):
        return f"{self.resident.name} · {self.employer.name}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        # The employer's own staff see (never change) their members' records, for the quarterly feedback.
        if action in ("view", "export"):
            return _org_scope_q(binding) or cls.own_q(binding, action)
        return None

    def clean(self):
        errors = {}
        if self.community_id and self.community.level != 3:
            errors["community"] = _("Choose a community.")
        if self.reported_on and self.reported_on > dates.today():
            errors["reported_on"] = _("The reporting date cannot be in the future.")
        if (
            self.is_active
            and self.resident_id
            and InServiceMember.objects.filter(resident_id=self.resident_id, is_active=True)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["resident"] = _("This resident has already reported as an in-service member.")
        if errors:
            raise ValidationError(errors)

    def is_stale(self, today: dt.date | None = None) -> bool:
        from .conf import stale_before

        return self.is_active and self.reported_on < stale_before(today)


class EmployerRegistration(ScopedModel, BaseModel):
    """共驻共建: an employer's party organisation registers with a community."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="community_registrations",
    )
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    party_org_name = models.CharField(_("party organisation"), max_length=100, blank=True)
    registered_on = models.DateField(_("registered on"))
    contact_name = models.CharField(_("contact person"), max_length=30, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("employer registration")
        verbose_name_plural = _("employer registrations")
        ordering = ["scope_path", "-registered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "community"],
                condition=Q(is_active=True),
                name="party_one_registration_per_community",
            )
        ]

    def __str__(self):
        return f"{self.organisation.name} → {self.community.name}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        if action == "view" and getattr(binding, "organisation_id", None):
            return Q(organisation_id=binding.organisation_id)
        return None

    def clean(self):
        errors = {}
        if self.community_id and self.community.level != 3:
            errors["community"] = _("Choose a community.")
        if self.registered_on and self.registered_on > dates.today():
            errors["registered_on"] = _("The registration date cannot be in the future.")
        if (
            self.is_active
            and self.organisation_id
            and self.community_id
            and EmployerRegistration.objects.filter(
                organisation_id=self.organisation_id, community_id=self.community_id, is_active=True
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["organisation"] = _("This organisation is already registered with this community.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude=set(exclude or ()) | {"organisation"})


class ServicePost(ScopedModel, BaseModel):
    """认领岗位: a post the community offers to in-service members."""

    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    slots = models.PositiveSmallIntegerField(_("slots"), default=1)
    is_open = models.BooleanField(_("open"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["scope_path", "title", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.community_id and self.community.level != 3:
            raise ValidationError({"community": _("Choose a community.")})
        if self.slots is not None and self.slots < 1:
            raise ValidationError({"slots": _("A post has at least one slot.")})

    @classmethod
    def extra_scope_q(cls, binding, action):
        return None


class PostClaim(ScopedModel, BaseModel):
    post = models.ForeignKey(ServicePost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey(
        InServiceMember, verbose_name=_("in-service member"), on_delete=models.PROTECT, related_name="claims"
    )
    claimed_on = models.DateField(_("claimed on"))
    released_on = models.DateField(_("released on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        ordering = ["-claimed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"], condition=Q(is_active=True), name="party_one_claim_per_post"
            )
        ]

    def __str__(self):
        return f"{self.post.title} · {self.member.resident.name}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        if action == "view" and getattr(binding, "organisation_id", None):
            return Q(member__employer_id=binding.organisation_id)
        return None


class ServiceRecord(OwnRowsForResidents, ScopedModel, BaseModel):
    """One service given by an in-service member: date, content, hours."""

    member = models.ForeignKey(
        InServiceMember, verbose_name=_("in-service member"), on_delete=models.PROTECT, related_name="service_records"
    )
    date = models.DateField(_("date"), db_index=True)
    content = models.CharField(_("content"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    source = models.CharField(
        _("source"),
        max_length=40,
        blank=True,
        help_text=_("Where the service came from: a post, a micro-wish, a project…"),
    )
    post = models.ForeignKey(
        ServicePost, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    served_type = models.CharField(_("served object type"), max_length=64, blank=True)
    served_id = models.CharField(_("served object id"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    resident_field = "member__resident__account_id"

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["member", "date"], name="servicerecord_member_date_idx")]

    def __str__(self):
        return f"{self.date} {self.content}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        if action == "view" and getattr(binding, "organisation_id", None):
            return Q(member__employer_id=binding.organisation_id)
        return cls.own_q(binding, action)

    def clean(self):
        from decimal import Decimal

        errors = {}
        if self.date and self.date > dates.today():
            errors["date"] = _("A service cannot be recorded before it happens.")
        if self.hours is not None and not (Decimal("0") < self.hours <= Decimal("24")):
            errors["hours"] = _("Hours must be more than 0 and at most 24 for one day.")
        if errors:
            raise ValidationError(errors)
