"""双报到: in-service members, employer registrations (共驻共建), service posts and claims, service records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel

from .common import OwnRowsForResidents

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
        from ..conf import stale_before

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
