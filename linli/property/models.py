"""红色物业 and resident evaluation: a property company's service contract per compound (term, fees per m² and
category, service standard level, hotline), its 党员 staff shown publicly (亮身份: name and role only), and a
quarterly evaluation round per compound with configurable items, one answer per household.

The company's party organisation is not stored here: it is ``party.PartyOrg.organisation`` (the party tree)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel, ScopedModel
from linli.core.validators import validate_phone


class Standard(models.TextChoices):
    LEVEL1 = "1", _("Level 1 (highest)")
    LEVEL2 = "2", _("Level 2")
    LEVEL3 = "3", _("Level 3")
    LEVEL4 = "4", _("Level 4")
    LEVEL5 = "5", _("Level 5")


class FeeCategory(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Shop / commercial")
    GARAGE = "garage", _("Garage / parking space")
    OTHER = "other", _("Other")


class ServiceContract(ScopedModel, BaseModel):
    company = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("property company"), on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey("areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    starts_on = models.DateField(_("contract starts on"))
    ends_on = models.DateField(_("contract ends on"))
    standard = models.CharField(_("service standard level"), max_length=1, choices=Standard.choices)
    hotline = models.CharField(_("service hotline"), max_length=20, validators=[validate_phone])

    class Meta:
        verbose_name = _("property service contract")
        verbose_name_plural = _("property service contracts")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return f"{self.company} · {self.compound}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        # The company's own staff see their company's contracts.
        if action == "view" and binding.organisation_id:
            return models.Q(company_id=binding.organisation_id)
        return None

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The contract must end after it starts.")})


class FeeRate(BaseModel):
    contract = models.ForeignKey(
        ServiceContract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="fees"
    )
    category = models.CharField(_("category"), max_length=12, choices=FeeCategory.choices)
    rate = models.DecimalField(
        _("yuan per m² per month"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["category"]
        constraints = [models.UniqueConstraint(fields=["contract", "category"], name="property_fee_one_per_category")]


class StaffBadge(BaseModel):
    """亮身份: a party member working for the company, shown publicly with name and role only."""

    company = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("property company"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("party member"), on_delete=models.CASCADE, related_name="+"
    )
    role_title = models.CharField(_("role at the company"), max_length=30)

    class Meta:
        verbose_name = _("party member staff")
        verbose_name_plural = _("party member staff")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["company", "member"], name="property_badge_once")]


class EvaluationRound(ScopedModel, BaseModel):
    compound = models.ForeignKey("areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "year", "quarter"], name="property_round_once_per_quarter")
        ]

    def __str__(self):
        return f"{self.compound} {self.year}Q{self.quarter}"

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The round must close on or after the day it opens.")})


class EvaluationItem(BaseModel):
    round = models.ForeignKey(EvaluationRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("question"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["order", "id"]


class EvaluationAnswer(BaseModel):
    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="answers"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="property_one_answer_per_household")]


class EvaluationScore(models.Model):
    answer = models.ForeignKey(EvaluationAnswer, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(EvaluationItem, on_delete=models.CASCADE, related_name="scores")
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(fields=["answer", "item"], name="property_score_once"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="property_stars_1_5"),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.stars}"


class MediationState(models.TextChoices):
    OPEN = "open", _("Open")
    MEDIATING = "mediating", _("Being mediated")
    AGREED = "agreed", _("Mediation agreement reached")
    REFERRED = "referred", _("Referred")


class Referral(models.TextChoices):
    WORK_ORDER = "work_order", _("Work order")
    PEOPLE = "people_mediation", _("People's mediation committee")
    COURT = "court", _("Court")


class MediationCase(ScopedModel, BaseModel):
    """物业纠纷调解: owner ↔ property company (and the owners' committee), sessions, then an agreement or a referral.

    open ─session→ mediating ─agree→ agreed
      └──────────────┴─refer→ referred (work order / 人民调解 / court)"""

    compound = models.ForeignKey("areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    subject = models.CharField(_("dispute"), max_length=100)
    owner = models.ForeignKey("registry.Resident", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("property company"), on_delete=models.PROTECT, related_name="+"
    )
    committee_involved = models.BooleanField(_("owners' committee is a party"), default=False)
    state = FSMField(
        _("state"), max_length=16, choices=MediationState.choices, default=MediationState.OPEN, protected=True
    )
    agreement = models.TextField(_("mediation agreement"), max_length=2000, blank=True)
    referral = models.CharField(_("referred to"), max_length=20, choices=Referral.choices, blank=True)
    referral_note = models.CharField(_("referral note"), max_length=200, blank=True)
    work_order = models.ForeignKey(
        "workorders.Case",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("property dispute")
        verbose_name_plural = _("property disputes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject

    @transition(field=state, source=[MediationState.OPEN, MediationState.MEDIATING], target=MediationState.MEDIATING)
    def hold_session(self):
        pass

    @transition(field=state, source=MediationState.MEDIATING, target=MediationState.AGREED)
    def agree(self, text: str):
        self.agreement = text

    @transition(field=state, source=[MediationState.OPEN, MediationState.MEDIATING], target=MediationState.REFERRED)
    def refer(self, kind: str, note: str = ""):
        self.referral, self.referral_note = kind, note


class MediationSession(BaseModel):
    case = models.ForeignKey(
        MediationCase, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    note = models.CharField(_("what was said and agreed"), max_length=500)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.case_id} {self.held_on}"
