"""The four year-end score cards (成绩单) used for 评星定级.

* ``Indicator`` — what a card type is scored on: a provider (a registered function reading another domain through
  its selectors, see ``providers.py``), a target value that earns full marks, the maximum points and a weight.
  Configured per card type in the admin pages; defaults seeded by migration weigh substantive outcomes only
  (domain rules §10): study hours and online time are never default indicators.
* ``CardSettings`` — the star thresholds (percent of the maximum) and the public-notice period in working days.
* ``ScoreRun`` — one computation for a year, a card type and a place (district, street or community):
  computed → publicised (公示, ``notice_days`` working days, objections recorded) → final.
* ``ScoreCard`` — one subject's card: every indicator's value, points and the records behind the value, so each
  score explains itself.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import ancestor_paths


class CardType(models.TextChoices):
    BRANCH = "branch", _("Community party branch")  # 社区所属党支部
    MEMBER = "member", _("Registered party member")  # 在册党员
    ORG = "org", _("Co-building organisation")  # 共建单位
    INSERVICE = "inservice", _("In-service party member")  # 在职党员


class ReferenceData(BaseModel):
    """Configuration readable by everyone granted it; not placed in the tree."""

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, binding, action: str):
        return models.Q()

    @classmethod
    def coverage_prefixes(cls, binding):
        return [""]


class Indicator(ReferenceData):
    card_type = models.CharField(_("card"), max_length=12, choices=CardType.choices)
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("indicator"), max_length=100)
    provider = models.CharField(
        _("computed by"), max_length=60, help_text=_("The registered function that reads the value from the records.")
    )
    target = models.DecimalField(
        _("value for full marks"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 keeps the indicator on the card for information without scoring it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("score-card indicator")
        verbose_name_plural = _("score-card indicators")
        ordering = ["card_type", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["card_type", "code"], name="scorecards_indicator_unique")]

    def __str__(self):
        return f"{self.get_card_type_display()} · {self.label}"

    def clean(self):
        from .providers import providers

        if self.provider and self.provider not in providers.names():
            raise ValidationError({"provider": _("Unknown provider: %(name)s") % {"name": self.provider}})
        spec = providers.get(self.provider)
        if spec and self.card_type and self.card_type not in spec.card_types:
            raise ValidationError({"provider": _("This provider does not score this card.")})


class CardSettings(ReferenceData):
    card_type = models.CharField(_("card"), max_length=12, choices=CardType.choices, unique=True)
    star2 = models.DecimalField(_("2 stars from (%)"), max_digits=5, decimal_places=2, default=Decimal("60"))
    star3 = models.DecimalField(_("3 stars from (%)"), max_digits=5, decimal_places=2, default=Decimal("70"))
    star4 = models.DecimalField(_("4 stars from (%)"), max_digits=5, decimal_places=2, default=Decimal("80"))
    star5 = models.DecimalField(_("5 stars from (%)"), max_digits=5, decimal_places=2, default=Decimal("90"))
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )

    class Meta:
        verbose_name = _("score-card settings")
        verbose_name_plural = _("score-card settings")
        ordering = ["card_type"]

    def __str__(self):
        return self.get_card_type_display()

    def thresholds(self) -> list[Decimal]:
        return [self.star2, self.star3, self.star4, self.star5]

    def clean(self):
        t = self.thresholds()
        if any(v is None for v in t):
            return
        if not all(Decimal("0") <= v <= Decimal("100") for v in t) or t != sorted(t) or len(set(t)) != 4:
            raise ValidationError({"star5": _("Thresholds rise strictly from 2 to 5 stars, between 0 and 100.")})


def stars_for(percent: Decimal, thresholds: list[Decimal]) -> int:
    """1 star below the 2-star threshold; each threshold reached (≥, "以上" includes the number) adds a star."""
    return 1 + sum(1 for t in thresholds if percent >= t)


class RunState(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    PUBLICISED = "publicised", _("Under public notice")
    FINAL = "final", _("Final")


class ScoreRun(ScopedModel, BaseModel):
    place = models.ForeignKey(
        "areas.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The district, street or community whose subjects are scored."),
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    card_type = models.CharField(_("card"), max_length=12, choices=CardType.choices)
    state = FSMField(_("state"), default=RunState.COMPUTED, choices=RunState.choices, protected=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publicised_on = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends = models.DateField(_("notice until"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rules = models.JSONField(
        _("rules applied"),
        default=dict,
        blank=True,
        help_text=_("The indicators and thresholds this run was computed with."),
    )
    unavailable = models.JSONField(_("indicators without data"), default=list, blank=True)
    subject_count = models.PositiveIntegerField(_("subjects"), default=0)
    seconds = models.DecimalField(_("computation time (s)"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("score-card run")
        verbose_name_plural = _("score-card runs")
        ordering = ["-year", "card_type", "scope_path"]
        constraints = [models.UniqueConstraint(fields=["place", "year", "card_type"], name="scorecards_run_unique")]

    def __str__(self):
        return f"{self.year} {self.get_card_type_display()} · {self.place}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        # Staff below a run's place see (only see) the run — a street's or district's 公示 — and within it only
        # the cards in their own scope (cards are restricted on their own).
        if action != "view":
            return None
        above = sorted({a for p in binding.place_prefixes() for a in ancestor_paths(p)})
        return models.Q(scope_path__in=above) if above else None

    @property
    def unscored(self) -> bool:
        """No indicator scored this run (none active with a weight above 0 and a data source): 0 of 0 points."""
        return bool((self.rules or {}).get("unscored"))

    @transition(field=state, source=[RunState.COMPUTED, RunState.PUBLICISED], target=RunState.COMPUTED)
    def recompute(self):
        self.publicised_on = self.notice_ends = None

    @transition(field=state, source=RunState.COMPUTED, target=RunState.PUBLICISED)
    def publicise(self):
        pass

    @transition(field=state, source=RunState.PUBLICISED, target=RunState.FINAL)
    def finalise(self):
        pass


class ScoreCard(ScopedModel, BaseModel):
    run = models.ForeignKey(ScoreRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="cards")
    subject_key = models.CharField(_("subject"), max_length=60, help_text=_('"app.model:pk" of the subject.'))
    subject_label = models.CharField(_("name"), max_length=150)
    subject_detail = models.CharField(_("detail"), max_length=200, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    account_id = models.IntegerField(
        _("login account of the subject"), null=True, blank=True, db_index=True, editable=False
    )
    total = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    max_total = models.DecimalField(_("maximum"), max_digits=8, decimal_places=2)
    percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("stars"))
    lines = models.JSONField(_("indicators"), default=list)

    class Meta:
        verbose_name = _("score card")
        verbose_name_plural = _("score cards")
        ordering = ["run", "-percent", "subject_label"]
        constraints = [models.UniqueConstraint(fields=["run", "subject_key"], name="scorecards_card_unique")]
        indexes = [models.Index(fields=["run", "stars"], name="scorecards_card_stars")]

    def __str__(self):
        return f"{self.subject_label} {self.run.year} {'★' * self.stars}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        # A party member sees their own card (公示 is public to those it concerns).
        if action == "view" and binding.role == "resident":
            return models.Q(account_id=binding.user_id, run__state__in=[RunState.PUBLICISED, RunState.FINAL])
        return None

    @property
    def star_range(self):
        return range(self.stars)


class Objection(ScopedModel, BaseModel):
    """An objection raised during 公示, and the answer."""

    run = models.ForeignKey(ScoreRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="objections")
    card = models.ForeignKey(
        ScoreCard,
        verbose_name=_("score card"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections",
    )
    subject_label = models.CharField(_("about"), max_length=150, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("objection"), max_length=2000)
    response = models.TextField(_("answer"), blank=True, max_length=2000)
    resolved_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:40]

    @classmethod
    def extra_scope_q(cls, binding, action):
        if action == "view" and binding.role == "resident":
            return models.Q(raised_by_id=binding.user_id)
        return None
