"""Volunteering (志愿服务条例 2017; 民政部令第67号 2021).

A volunteer IS a ``registry.Resident``: this app keeps only what volunteering adds (number, skills, availability,
contact preference, teams, service records) and never copies ID or phone numbers; pages show ``resident.id_masked``.

* ``Volunteer`` — registration (Art. 7): skills, available time, how to contact; number ``YS<year><seq>``.
* ``Team`` / ``TeamMember`` / ``DutyLog`` — service teams with leaders; the 文明创建督查队's 日巡查、周督促、月整改.
* ``Achievement`` — training, awards and evaluations (Art. 19).
* ``Activity`` → ``SignUp`` (waiting list) → check-in/out (signed, short-lived codes; ``CodeUse`` stops replays)
  → ``ServiceRecord`` (immutable once confirmed: date, content, hours, organiser).
* ``Certificate`` — the 证明 with the fields of Art. 21 of 67号令, numbered.
* ``StarThreshold`` (configurable, seeded) and ``StarAward`` (公示 of 5 working days before the award).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import BaseModel, ScopedModel


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


class PersonalRows(ScopedModel):
    """Rows about one volunteer: a resident's house binding reaches only their own (``extra_scope_q``), not their
    housemates'."""

    class Meta:
        abstract = True

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        return [] if binding.role == "resident" else binding.place_prefixes()


def _own_q(lookup: str, binding) -> models.Q | None:
    """Rows about the binding's own user as a volunteer (the resident linked to the login)."""
    if not binding.user_id:
        return None
    return models.Q(**{lookup: binding.user_id})


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
        return _own_q("resident__account_id", binding) if action == "view" else None

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


class TeamKind(models.TextChoices):
    REPAIR = "repair", _("Plumbing and electrical repair")
    MEDICAL = "medical", _("Medical care")
    HAIRDRESSING = "hair", _("Hairdressing")
    TEACHING = "teaching", _("Teaching")
    COUNSELLING = "counselling", _("Counselling")
    ENVIRONMENT = "environment", _("Environmental protection")
    CIVILITY = "civility", _("Civility guidance")
    PATROL = "patrol", _("Security patrol")
    INSPECTION = "inspection", _("Civilisation inspection team")
    OTHER = "other", _("Other")


class Team(ScopedModel, BaseModel):
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices)
    leader = models.ForeignKey(
        Volunteer, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["scope_path", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="volunteering_team_name_unique")]

    def __str__(self):
        return self.name

    @property
    def has_rhythm(self) -> bool:
        return self.kind == TeamKind.INSPECTION


class TeamMember(ScopedModel, BaseModel):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="team_memberships"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "volunteer__number"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteering_member_unique")]

    def __str__(self):
        return f"{self.team} · {self.volunteer}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return _own_q("volunteer__resident__account_id", binding) if action == "view" else None


class DutyKind(models.TextChoices):
    DAILY_PATROL = "daily", _("Daily patrol")
    WEEKLY_URGE = "weekly", _("Weekly urging")
    MONTHLY_RECTIFY = "monthly", _("Monthly rectification")


class DutyLog(ScopedModel, BaseModel):
    """What a team did on duty: the 文明创建督查队's 日巡查、周督促、月整改 (any team may keep a log)."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="duty_logs")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    kind = models.CharField(_("duty"), max_length=16, choices=DutyKind.choices)
    on = models.DateField(_("date"))
    findings = models.TextField(_("findings"), max_length=4000)
    actions = models.TextField(_("actions taken"), blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("duty log")
        verbose_name_plural = _("duty logs")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"

    def clean(self):
        if self.on and self.on > timezone.localdate():
            raise ValidationError({"on": _("A duty cannot be logged in the future.")})


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
        return _own_q("volunteer__resident__account_id", binding) if action == "view" else None

    def clean(self):
        if self.on and self.on > timezone.localdate():
            raise ValidationError({"on": _("This cannot be in the future.")})


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

            return subtree_q("scope_path", binding.scope_path[:12]) & models.Q(
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
        return _own_q("volunteer__resident__account_id", binding) if action == "view" else None

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


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("confirmed service records cannot be changed")

    def delete(self):
        raise PermissionError("confirmed service records cannot be deleted")


class ServiceRecord(PersonalRows, BaseModel):
    """A confirmed service: what 民政部令第67号 (Art. 6) asks of 志愿服务情况 — activity name and content, date,
    place, hours, organising body and recorder — fixed when the organiser confirms (条例 Art. 19). The place and the
    recorder are copied, not read through the activity or the login, so a later edit of either cannot change the
    record. Written once, never changed."""

    signup = models.OneToOneField(SignUp, verbose_name=_("sign-up"), on_delete=models.PROTECT, related_name="record")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="records"
    )
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="records")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    served_on = models.DateField(_("service date"), db_index=True)
    content = models.CharField(_("service content"), max_length=300)
    location = models.CharField(_("service place"), max_length=270, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=2)
    organiser_name = models.CharField(_("organising body"), max_length=100)
    recorder = models.CharField(_("recorded by"), max_length=100, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["volunteer", "served_on"], name="volunteering_record_vol_idx")]

    def __str__(self):
        return f"{self.served_on} {self.content} {self.hours}h"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return _own_q("volunteer__resident__account_id", binding) if action == "view" else None

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("confirmed service records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("confirmed service records cannot be deleted")


class Certificate(PersonalRows, BaseModel):
    """A service certificate (志愿服务记录证明, Art. 21 of 67号令): what it says is fixed when issued."""

    number = models.CharField(_("certificate number"), max_length=24, unique=True, editable=False)
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    period_from = models.DateField(pgettext_lazy("volunteering", "from"), null=True, blank=True)
    period_to = models.DateField(pgettext_lazy("volunteering", "to"), null=True, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=9, decimal_places=2)
    record_count = models.PositiveIntegerField(_("services"))
    content = models.TextField(_("service content"), max_length=4000)
    issuer = models.CharField(pgettext_lazy("volunteering", "issued by"), max_length=100)
    person_in_charge = models.CharField(_("person in charge"), max_length=30)
    handler = models.CharField(_("handled by"), max_length=60)
    contact = models.CharField(_("contact"), max_length=40)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    @classmethod
    def extra_scope_q(cls, binding, action):
        return _own_q("volunteer__resident__account_id", binding) if action == "view" else None


class StarThreshold(models.Model):
    """Cumulative confirmed hours for each star level (configurable; seeded 100/300/600/1000/1500)."""

    level = models.PositiveSmallIntegerField(
        _("star level"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours = models.DecimalField(
        _("hours needed"), max_digits=7, decimal_places=1, validators=[MinValueValidator(Decimal("1"))]
    )

    class Meta:
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        ordering = ["level"]

    def __str__(self):
        return f"★{self.level} ≥ {self.hours}h"

    @classmethod
    def scope_q(cls, binding, action):
        return models.Q()  # one district-wide table; the grants decide who may see or change it


class StarStatus(models.TextChoices):
    NOTICE = "notice", _("Public notice")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StarAward(PersonalRows, BaseModel):
    """A proposed star level: publicly noticed for 5 working days (公示), then awarded unless withdrawn."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="star_awards"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("star level"))
    hours = models.DecimalField(_("hours at proposal"), max_digits=9, decimal_places=2)
    notice_from = models.DateField(_("notice from"))
    notice_until = models.DateField(_("notice until"))
    status = models.CharField(
        _("status"), max_length=16, choices=StarStatus.choices, default=StarStatus.NOTICE, db_index=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("star award")
        verbose_name_plural = _("star awards")
        ordering = ["-notice_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "level"],
                condition=~models.Q(status="withdrawn"),
                name="volunteering_one_star_award",
            )
        ]

    def __str__(self):
        return f"{self.volunteer} ★{self.level}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return _own_q("volunteer__resident__account_id", binding) if action == "view" else None


class StarNoticeQuerySet(models.QuerySet):
    def current(self, today: dt.date | None = None):
        return self.filter(status=StarStatus.NOTICE, notice_until__gte=today or timezone.localdate())


class StarNotice(StarAward):
    """The 公示 of proposed stars: the same rows as ``StarAward`` read as a public notice. Everyone bound inside a
    community (residents included) may read the notices of that community — names, level and hours only, never
    personal numbers — for the whole notice period (domain rules §6: ≥ 5 working days before the award)."""

    objects = StarNoticeQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("star public notice")
        verbose_name_plural = _("star public notices")

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        # A house, building or grid binding reads its whole community's notice board.
        return sorted({p[:12] for p in binding.place_prefixes() if p})

    @classmethod
    def extra_scope_q(cls, binding, action):
        return None


SCOPED_MODELS = [
    Volunteer,
    Team,
    TeamMember,
    DutyLog,
    Achievement,
    Activity,
    SignUp,
    ServiceRecord,
    Certificate,
    StarAward,
]
