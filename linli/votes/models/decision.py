"""An owners' decision (业主共同决定, 民法典 第278条) of one compound, and its electorate frozen at the notice.

States (django-fsm-2): ``draft`` → ``noticed`` (the electorate and its denominators are frozen and shown on the
公告, at least the notice period before voting opens) → ``voting`` → ``closed`` → ``published`` (the result and
the list of ballots posted for the 公示 period, objections may be raised) → ``final``. A published decision is
never changed: a correction is a new decision (``corrects``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from linli.core.models import BaseModel

from .base import VotesScoped


class MatterType(models.IntegerChoices):
    """The nine matters of 民法典 第278条 第一款; (6), (7) and (8) need 3/4 (第二款)."""

    RULES = 1, _("(1) Make or amend the rules of procedure of the owners' assembly")
    CONVENTION = 2, _("(2) Make or amend the management convention")
    COMMITTEE = 3, _("(3) Elect the owners' committee or replace its members")
    MANAGER = 4, _("(4) Engage or dismiss the property service company or other manager")
    FUND_USE = 5, _("(5) Use the building maintenance fund")
    FUND_RAISE = 6, _("(6) Raise the building maintenance fund")
    REBUILD = 7, _("(7) Alter or rebuild buildings and their facilities")
    COMMON_USE = 8, _("(8) Change the use of common parts or run a business on them")
    OTHER = 9, _("(9) Other major matters of common ownership and management")


MAJOR_MATTERS = (MatterType.FUND_RAISE, MatterType.REBUILD, MatterType.COMMON_USE)


class DecisionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("decision state", "Draft")
    NOTICED = "noticed", pgettext_lazy("decision state", "Noticed")
    VOTING = "voting", pgettext_lazy("decision state", "Voting")
    CLOSED = "closed", pgettext_lazy("decision state", "Closed")
    PUBLISHED = "published", pgettext_lazy("decision state", "Published (公示)")
    FINAL = "final", pgettext_lazy("decision state", "Final")


#: states after which nothing about a decision changes
SETTLED = SETTLED_STATES = (DecisionState.PUBLISHED, DecisionState.FINAL)


class Decision(VotesScoped, BaseModel):
    compound = models.ForeignKey(
        "areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="owner_decisions"
    )
    matter_type = models.PositiveSmallIntegerField(_("matter"), choices=MatterType.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=8000)
    state = FSMField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.DRAFT, protected=True
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    noticed_on = models.DateField(_("noticed on"), null=True, blank=True)
    opens_on = models.DateField(_("voting opens on"), null=True, blank=True)
    closes_on = models.DateField(_("voting closes on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    objections_until = models.DateField(_("objections until"), null=True, blank=True)
    # the denominators, frozen at the notice
    total_units = models.PositiveIntegerField(_("units"), default=0)
    total_area_centi = models.BigIntegerField(_("total area (0.01 m²)"), default=0)
    total_heads = models.PositiveIntegerField(_("owners (heads)"), default=0)
    # the result, fixed at publication
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("owners' decision")
        verbose_name_plural = _("owners' decisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(matter_type__gte=1, matter_type__lte=9), name="votes_matter_type_278"),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(opens_on__isnull=False) & Q(closes_on__isnull=False)),
                name="votes_noticed_has_dates",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_major(self) -> bool:
        return self.matter_type in MAJOR_MATTERS

    @property
    def is_settled(self) -> bool:
        return self.state in SETTLED

    @property
    def total_area(self):
        from decimal import Decimal

        return (Decimal(self.total_area_centi) / 100).quantize(Decimal("0.01"))

    @transition(field=state, source=DecisionState.DRAFT, target=DecisionState.NOTICED)
    def notice(self):
        pass

    @transition(field=state, source=DecisionState.NOTICED, target=DecisionState.VOTING)
    def open(self):
        pass

    @transition(field=state, source=DecisionState.VOTING, target=DecisionState.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=DecisionState.CLOSED, target=DecisionState.PUBLISHED)
    def publish(self):
        pass

    @transition(field=state, source=DecisionState.PUBLISHED, target=DecisionState.FINAL)
    def finalise(self):
        pass


class Attachment(VotesScoped, BaseModel):
    """A document of the decision (the plan, the quote, the draft convention), checked by ``core.uploads``."""

    scope_field = "decision__scope_path"

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="votes/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("decision attachment")
        verbose_name_plural = _("decision attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name


class Designation(VotesScoped, BaseModel):
    """Co-owners of one unit vote once, through the representative they designate (local practice [verify]).
    Recorded while the decision is a draft; read when the electorate is frozen."""

    scope_field = "decision__scope_path"

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="designations"
    )
    house = models.ForeignKey("areas.Place", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("representative"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("designated representative")
        verbose_name_plural = _("designated representatives")
        constraints = [models.UniqueConstraint(fields=["decision", "house"], name="votes_one_designation_per_unit")]

    def __str__(self):
        return str(self.resident)


class DeveloperUnit(VotesScoped, BaseModel):
    """A unit still held by the developer (unsold, or sold but not delivered): all of them together count as one
    head (司法解释 第9条). Staff mark them per compound; an owner record in the registry takes precedence."""

    house = models.OneToOneField("areas.Place", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("developer's unit")
        verbose_name_plural = _("developer's units")
        ordering = ["scope_path"]

    def __str__(self):
        return self.scope_path


class ElectorateUnit(VotesScoped, BaseModel):
    """One 专有部分 of the compound as frozen at the notice: its area (and which area it is), its holder (a number
    shared by the units of one owner or owner group, ``0`` for the developer) and who votes for it."""

    scope_field = "decision__scope_path"

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="units")
    house = models.ForeignKey("areas.Place", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("unit number"), max_length=60)
    area_centi = models.BigIntegerField(_("area (0.01 m²)"))
    area_source = models.CharField(_("area source"), max_length=16)
    holder = models.PositiveIntegerField(_("holder"), help_text=_("Units of one owner share a number; 0 = developer."))
    is_developer = models.BooleanField(_("developer's unit"), default=False)
    representative = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_ids = models.JSONField(_("owners"), default=list, blank=True)

    class Meta:
        verbose_name = _("electorate unit")
        verbose_name_plural = _("electorate units")
        ordering = ["decision", "label", "pk"]
        constraints = [models.UniqueConstraint(fields=["decision", "house"], name="votes_unit_once_per_decision")]

    def __str__(self):
        return self.label

    @property
    def area(self):
        from decimal import Decimal

        return (Decimal(self.area_centi) / 100).quantize(Decimal("0.01"))
