"""``Activity`` → ``SignUp`` (waiting list) → check-in/out (signed, short-lived codes; ``CodeUse`` stops replays)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import COMMUNITY, path_at

from .common import PersonalRows, own_q
from .teams import Team
from .volunteers import Skill, Volunteer


class ActivityKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer service")
    MICRO_CHARITY = "micro", _("Micro-charity")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Sign-up closed")
    FINISHED = "finished", pgettext_lazy("volunteering", "Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(ScopedModel, BaseModel):
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "areas.Place", verbose_name=pgettext_lazy("volunteering", "place"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.VOLUNTEER)
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("service content"), max_length=4000)
    location = models.CharField(_("where exactly"), max_length=200, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    signup_closes_at = models.DateTimeField(_("sign-up closes at"), null=True, blank=True)
    slots = models.PositiveIntegerField(
        pgettext_lazy("volunteering", "places"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    skills = models.JSONField(_("skills wanted"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    is_risky = models.BooleanField(
        _("risky task"), default=False, help_text=_("Risky tasks need accident insurance for every participant.")
    )
    insurance_confirmed = models.BooleanField(_("accident insurance confirmed"), default=False)
    insurance_note = models.CharField(_("insurance policy"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organiser"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organiser_name = models.CharField(_("organising body"), max_length=100)
    person_in_charge = models.CharField(_("person in charge"), max_length=30, blank=True)
    contact = models.CharField(_("contact (office)"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT, db_index=True
    )

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return self.title

    @classmethod
    def extra_scope_q(cls, binding, action):
        # Residents see open activities of their own community (the phone pages' "find an activity").
        if action == "view" and binding.role == "resident" and binding.scope_path:
            from linli.core.paths import subtree_q

            return subtree_q("scope_path", path_at(binding.scope_path, COMMUNITY)) & models.Q(
                status__in=[ActivityStatus.OPEN, ActivityStatus.CLOSED, ActivityStatus.FINISHED]
            )
        return None

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.starts_at and self.ends_at and (self.ends_at - self.starts_at).total_seconds() > 24 * 3600:
            errors["ends_at"] = _("An activity lasts at most 24 hours; publish several for longer ones.")
        if self.signup_closes_at and self.starts_at and self.signup_closes_at > self.starts_at:
            errors["signup_closes_at"] = _("Sign-up must close before the activity starts.")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age is below the minimum age.")
        if self.min_age is not None and self.min_age < 14:
            errors["min_age"] = _("Volunteers under 14 need their guardian; set at least 14.")
        bad = [s for s in self.skills or [] if s not in Skill.values]
        if bad:
            errors["skills"] = _("Unknown skill: %(skill)s") % {"skill": bad[0]}
        if self.place_id and self.community_id and not self.place.path.startswith(self.community.path):
            errors["place"] = _("The place must be in the community.")
        if errors:
            raise ValidationError(errors)

    @property
    def length_hours(self) -> Decimal:
        seconds = Decimal(int((self.ends_at - self.starts_at).total_seconds()))
        return (seconds / Decimal(3600)).quantize(Decimal("0.01"))

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.skills or [] if s in Skill.values]

    @property
    def where(self) -> str:
        """The service place as a record states it: the place's name and, if given, where exactly."""
        return " · ".join(x for x in (self.place.name, self.location) if x)

    @property
    def is_signup_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == ActivityStatus.OPEN
            and now < self.starts_at
            and (self.signup_closes_at is None or now < self.signup_closes_at)
        )


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class CheckMethod(models.TextChoices):
    CODE = "code", _("Scanned the code")
    LIST = "list", _("Ticked by the organiser")


class SignUp(PersonalRows, BaseModel):
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="signups"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=SignUpStatus.choices, db_index=True)
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.CharField(_("check-in"), max_length=8, choices=CheckMethod.choices, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_by = models.CharField(_("check-out"), max_length=8, choices=CheckMethod.choices, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=~models.Q(status="cancelled"),
                name="volunteering_one_live_signup",
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.volunteer}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("volunteer__resident__account_id", binding) if action == "view" else None

    @property
    def claimed_hours(self) -> Decimal | None:
        """Hours from check-in to check-out, capped at the activity's length."""
        if not (self.checked_in_at and self.checked_out_at):
            return None
        start = max(self.checked_in_at, self.activity.starts_at)
        end = min(self.checked_out_at, self.activity.ends_at)
        seconds = max(0, int((end - start).total_seconds()))
        hours = (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))
        return min(hours, self.activity.length_hours)


class CodeUse(models.Model):
    """A check-in code's nonce used by one volunteer for one action: a second use is a replay."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=3)
    nonce = models.CharField(max_length=32)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer", "action", "nonce"], name="volunteering_code_once")
        ]

    def __str__(self):
        return f"{self.activity_id}/{self.volunteer_id}/{self.action}/{self.nonce}"
