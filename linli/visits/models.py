"""Pairing (结对帮扶), home visits (走访) with the needs they raise, visit rules (三必访) and 帮办代办 records.

Photos and GPS are never required on a visit (减负, domain rules §10): there are no such fields to force.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel

ORG_ROLES = ("department_staff", "property_staff")


class PartnerKind(models.TextChoices):
    IN_SERVICE = "in_service", _("In-service party member")
    ORGANISATION = "organisation", _("Organisation")


class Pairing(ScopedModel, BaseModel):
    """An in-service member or an organisation paired with a resident (and their household) in need."""

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident in need"), on_delete=models.PROTECT, related_name="pairings"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner_kind = models.CharField(_("paired with"), max_length=16, choices=PartnerKind.choices)
    partner_resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings_as_partner",
    )
    partner_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("what help is agreed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-since", "-id"]

    def __str__(self):
        return f"{self.resident} ⇄ {self.partner_name}"

    @property
    def partner_name(self) -> str:
        if self.partner_org_id:
            return self.partner_org.name
        return self.partner_resident.name if self.partner_resident_id else "—"

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        if str(binding.role) == "resident":  # the paired member sees their own pairings
            return models.Q(partner_resident__account_id=binding.user_id) if action == "view" else None
        if str(binding.role) in ORG_ROLES:
            return models.Q(partner_org_id=binding.organisation_id) if action == "view" else None
        return super().scope_q(binding, action)


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Routine visit")
    PAIRING = "pairing", _("Pairing help")
    CARE = "care", _("Care visit (must-visit)")
    ERRAND = "errand", _("Errand on the resident's behalf")


class Visit(ScopedModel, BaseModel):
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident visited"), on_delete=models.PROTECT, related_name="visits"
    )
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    visited_on = models.DateField(_("visited on"), db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    findings = models.TextField(_("findings"), max_length=2000, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["resident", "visited_on"], name="visit_resident_day_idx")]

    def __str__(self):
        return f"{self.resident} {self.visited_on}"

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        own = models.Q(visitor_id=binding.user_id)
        if str(binding.role) == "resident":
            return own if action == "view" else None
        if str(binding.role) in ORG_ROLES:
            return (own | models.Q(pairing__partner_org_id=binding.organisation_id)) if action == "view" else None
        return super().scope_q(binding, action)


class NeedState(models.TextChoices):
    OPEN = "open", _("Awaiting follow-up")
    WISH = "wish", _("Became a micro-wish")
    CASE = "case", _("Became a work order")
    CLOSED = "closed", _("Handled on the spot")


class VisitNeed(ScopedModel, BaseModel):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="needs")
    description = models.CharField(_("need raised"), max_length=300)
    state = models.CharField(_("state"), max_length=8, choices=NeedState.choices, default=NeedState.OPEN)
    wish = models.ForeignKey(
        "wishes.Wish", verbose_name=_("micro-wish"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_id = models.PositiveBigIntegerField(_("work order"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("need raised on a visit")
        verbose_name_plural = _("needs raised on visits")
        ordering = ["id"]

    def __str__(self):
        return self.description

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        if str(binding.role) in ("resident", *ORG_ROLES):
            return models.Q(visit__visitor_id=binding.user_id) if action == "view" else None
        return super().scope_q(binding, action)


class EventKind(models.TextChoices):
    HOSPITALISED = "hospitalised", _("Hospitalised")
    BEREAVED = "bereaved", _("Bereavement in the family")
    HARDSHIP = "hardship", _("Sudden hardship")


class VisitRule(ScopedModel, BaseModel):
    """A trigger: residents with a care tag not visited for ``days``, or an event to be followed by a visit
    within ``days``. District-wide configuration (seeded by migration 0002)."""

    name = models.CharField(_("name"), max_length=60)
    tag_code = models.SlugField(
        _("care group code"), max_length=32, blank=True, help_text=_("E.g. elderly_alone (独居老人).")
    )
    event_kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1), MaxValueValidator(366)])
    starts_on = models.DateField(
        _("counted from"),
        default=timezone.localdate,
        help_text=_(
            "When the rule took effect: nobody is due earlier than this date plus the days, however long "
            "ago they joined the care group."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(tag_code="") & ~models.Q(event_kind=""))
                | (~models.Q(tag_code="") & models.Q(event_kind="")),
                name="visitrule_tag_xor_event",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        return models.Q()


class CareEvent(ScopedModel, BaseModel):
    """Something that calls for a visit (住院, 丧事 …), recorded once by whoever hears of it."""

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="care_events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("care event")
        verbose_name_plural = _("care events")
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"{self.resident} {self.get_kind_display()}"


class ErrandOutcome(models.TextChoices):
    DONE = "done", _("Done")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_POSSIBLE = "not_possible", _("Could not be done")


class Errand(ScopedModel, BaseModel):
    """帮办代办: what was handled for whom, by whom, with what outcome."""

    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("for"), on_delete=models.PROTECT, related_name="errands"
    )
    matter = models.CharField(_("matter"), max_length=200)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=ErrandOutcome.choices, default=ErrandOutcome.DONE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("errand")
        verbose_name_plural = _("errands (帮办代办)")
        ordering = ["-handled_on", "-id"]

    def __str__(self):
        return self.matter
