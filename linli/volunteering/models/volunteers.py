"""``Volunteer`` — registration (Art. 7): skills, available time, how to contact; ``Achievement`` — training,
awards and evaluations (Art. 19)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel

from .common import PersonalRows, own_q


class Skill(models.TextChoices):
    REPAIR = "repair", _("Plumbing and electrical repair")
    MEDICAL = "medical", _("Medical care")
    HAIRDRESSING = "hair", _("Hairdressing")
    TEACHING = "teaching", _("Teaching and tutoring")
    COUNSELLING = "counselling", _("Counselling")
    ENVIRONMENT = "environment", _("Environmental protection")
    CIVILITY = "civility", _("Civility guidance")
    PATROL = "patrol", _("Security patrol")
    ELDERLY = "elderly", _("Elderly care")
    LEGAL = "legal", _("Legal advice")
    IT = "it", _("Computers and phones")
    OTHER = "other", _("Other")


class Availability(models.TextChoices):
    WEEKDAYS = "weekdays", _("Weekdays")
    WEEKDAY_EVENINGS = "evenings", _("Weekday evenings")
    WEEKENDS = "weekends", _("Weekends")
    ANY = "any", _("Any time")


class ContactPreference(models.TextChoices):
    APP = "app", _("Notification in linli")
    PHONE = "phone", _("Phone call (number on the resident record)")
    SMS = "sms", _("Text message (number on the resident record)")
    STAFF = "staff", _("Through community staff")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class Volunteer(PersonalRows, BaseModel):
    """One registered volunteer: a resident record plus what volunteering adds (Art. 7 of 67号令)."""

    resident = models.OneToOneField(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="volunteer"
    )
    number = models.CharField(_("volunteer number"), max_length=16, unique=True, editable=False)
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("registered in"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    skills_note = models.CharField(_("other skills"), max_length=200, blank=True)
    availability = models.CharField(
        _("available time"), max_length=16, choices=Availability.choices, default=Availability.WEEKENDS
    )
    contact_preference = models.CharField(
        _("contact by"), max_length=16, choices=ContactPreference.choices, default=ContactPreference.APP
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE, db_index=True
    )
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    # denormalised from the confirmed service records (updated by the service that confirms)
    total_hours = models.DecimalField(
        _("confirmed hours"), max_digits=9, decimal_places=2, default=Decimal("0"), editable=False
    )
    stars = models.PositiveSmallIntegerField(_("star level"), default=0, editable=False)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["number"]

    def __str__(self):
        return f"{self.resident.name} ({self.number})"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("resident__account_id", binding) if action == "view" else None

    def clean(self):
        bad = [s for s in self.skills or [] if s not in Skill.values]
        if bad:
            raise ValidationError({"skills": _("Unknown skill: %(skill)s") % {"skill": bad[0]}})

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.skills or [] if s in Skill.values]

    @property
    def star_marks(self) -> str:
        return "★" * self.stars


class AchievementKind(models.TextChoices):
    TRAINING = "training", _("Training")
    AWARD = "award", _("Award")
    EVALUATION = "evaluation", _("Evaluation")


class Achievement(PersonalRows, BaseModel):
    """Training, awards and evaluations of a volunteer (Art. 19 of 67号令)."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="achievements"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=AchievementKind.choices)
    on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    issuer = models.CharField(_("given by"), max_length=100, blank=True)
    hours = models.DecimalField(
        _("training hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("500"))],
    )

    class Meta:
        verbose_name = _("training or award")
        verbose_name_plural = _("training and awards")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.on} {self.title}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("volunteer__resident__account_id", binding) if action == "view" else None

    def clean(self):
        if self.on and self.on > dates.today():
            raise ValidationError({"on": _("This cannot be in the future.")})
