"""城市党建联盟: one alliance per community, its member organisations and the "六个一" records.

Every row carries the community's path (``scope_path``) so the permission chokepoint scopes it like any other
community record; staff of a member organisation also see (only see) the alliances their organisation belongs to.
The co-building fund ledger is append-only: entries are never changed or deleted, a correction is a new entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel


def _member_org_alliances(org_id):
    return AllianceMember.objects.filter(organisation_id=org_id, is_active=True).values("alliance_id")


class AllianceScoped(ScopedModel, BaseModel):
    """A row of one alliance: scoped by the community's path; member organisations' staff may view it."""

    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        abstract = True

    alliance_lookup = "alliance_id"

    @classmethod
    def extra_scope_q(cls, binding, action):
        if action != "view" or not binding.organisation_id:
            return None
        return models.Q(**{f"{cls.alliance_lookup}__in": _member_org_alliances(binding.organisation_id)})


class Alliance(AllianceScoped):
    community = models.OneToOneField(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="party_alliance"
    )
    name = models.CharField(_("name"), max_length=100)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    alliance_lookup = "pk"

    class Meta:
        verbose_name = _("party-building alliance")
        verbose_name_plural = _("party-building alliances")
        ordering = ["scope_path"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.community_id and self.community.level != 3:
            raise ValidationError({"community": _("An alliance belongs to a community.")})


class AllianceMember(AllianceScoped):
    """A member organisation and its lead official (name and title only — no personal numbers)."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
    )
    lead_name = models.CharField(_("lead official"), max_length=30, blank=True)
    lead_title = models.CharField(_("lead official's title"), max_length=60, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["alliance", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["alliance", "organisation"], name="alliance_member_unique")]

    def __str__(self):
        return str(self.organisation)


class JointMeeting(AllianceScoped):
    """The quarterly joint meeting (联席会议)."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.ManyToManyField(
        AllianceMember, verbose_name=_("member organisations present"), blank=True, related_name="meetings"
    )
    minutes = models.TextField(_("minutes"), blank=True, max_length=10000)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.topic}"

    @property
    def quarter(self) -> int:
        return (self.held_on.month - 1) // 3 + 1

    def clean(self):
        if self.held_on and self.held_on > dates.today():
            raise ValidationError({"held_on": _("A meeting cannot be recorded as held in the future.")})


class Commitment(AllianceScoped):
    """A member's annual commitment agreement (共建承诺书)."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="commitments"
    )
    member = models.ForeignKey(
        AllianceMember, verbose_name=_("member organisation"), on_delete=models.CASCADE, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment agreement")
        verbose_name_plural = _("commitment agreements")
        ordering = ["-year", "member__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="alliance_commitment_unique")]

    def __str__(self):
        return f"{self.year} {self.member}"

    def clean(self):
        if self.year and not 2000 <= self.year <= dates.today().year + 1:
            raise ValidationError({"year": _("Enter a year between 2000 and next year.")})


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    UNFULFILLED = "unfulfilled", _("Not fulfilled")


class CommitmentItem(AllianceScoped):
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment agreement"), on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("commitment"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    evidence = models.TextField(
        _("evidence"), blank=True, max_length=2000, help_text=_("What shows it was done: dates, records, numbers.")
    )
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)

    alliance_lookup = "commitment__alliance_id"

    class Meta:
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        ordering = ["commitment", "pk"]

    def __str__(self):
        return self.text

    def clean(self):
        if self.status == ItemStatus.FULFILLED and not (self.evidence or "").strip():
            raise ValidationError({"evidence": _("Say what shows the commitment was fulfilled.")})


class WishClaim(AllianceScoped):
    """A micro-wish (微心愿) claimed by a member organisation: linked to a wish record when one exists."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="wish_claims"
    )
    member = models.ForeignKey(
        AllianceMember, verbose_name=_("member organisation"), on_delete=models.CASCADE, related_name="wish_claims"
    )
    wish_ref = models.CharField(
        _("wish record"),
        max_length=80,
        blank=True,
        editable=False,
        help_text=_('The micro-wish record, as "app.model:pk", when it was claimed there.'),
    )
    title = models.CharField(_("wish"), max_length=200)
    claimed_on = models.DateField(_("claimed on"), default=timezone.localdate)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("claimed micro-wish")
        verbose_name_plural = _("claimed micro-wishes")
        ordering = ["-claimed_on", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.fulfilled_on and self.claimed_on and self.fulfilled_on < self.claimed_on:
            raise ValidationError({"fulfilled_on": _("A wish cannot be fulfilled before it was claimed.")})


class VolunteerActivity(AllianceScoped):
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="activities"
    )
    members = models.ManyToManyField(
        AllianceMember, verbose_name=_("member organisations taking part"), blank=True, related_name="activities"
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("activity"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    hours = models.DecimalField(
        _("service hours in total"),
        max_digits=8,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    activity_ref = models.CharField(_("volunteering record"), max_length=80, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.held_on and self.held_on > dates.today():
            raise ValidationError({"held_on": _("An activity cannot be recorded as held in the future.")})


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFYING = "rectifying", _("Being rectified (work order)")
    SOLVED = "solved", _("Solved")


class Problem(AllianceScoped):
    """An item of the problem list (查摆问题); rectification runs as a work order."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="problems"
    )
    raised_by = models.ForeignKey(
        AllianceMember,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems_raised",
    )
    responsible = models.ForeignKey(
        AllianceMember,
        verbose_name=_("responsible member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems_owned",
    )
    title = models.CharField(_("problem"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    place = models.ForeignKey(
        "areas.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where it is, within the community (optional)."),
    )
    found_on = models.DateField(_("found on"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN, editable=False
    )
    case = models.ForeignKey(
        "workorders.Case",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    solution = models.TextField(_("how it was solved"), blank=True, max_length=4000, editable=False)
    solved_on = models.DateField(_("solved on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("problem-list item")
        verbose_name_plural = _("problem list")
        ordering = ["status", "-found_on", "-pk"]

    def __str__(self):
        return self.title


class FundKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    SPENT = "spent", _("Spent")


class FundEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("fund entries are append-only")

    def delete(self):
        raise PermissionError("fund entries are append-only")


class FundEntry(AllianceScoped):
    """One line of the co-building fund ledger (共建资金台账). Append-only; the balance never goes negative."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="fund_entries"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=FundKind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    entry_date = models.DateField(_("date"))
    member = models.ForeignKey(
        AllianceMember,
        verbose_name=_("member organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_entries",
        help_text=_("Who contributed (raised) or whose project it paid for (spent)."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=2, editable=False)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = FundEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("co-building fund ledger")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="alliance_fund_amount_positive"),
            models.CheckConstraint(condition=models.Q(balance_after__gte=0), name="alliance_fund_balance_nonneg"),
        ]

    def __str__(self):
        return f"{self.entry_date} {self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("fund entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("fund entries are append-only")

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind == FundKind.RAISED else -self.amount


class Partner(AllianceScoped):
    """红领合伙人: an enterprise partnering with the community's party organisation."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="red_partnerships"
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("red-collar partner")
        verbose_name_plural = _("red-collar partners")
        ordering = ["alliance", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["alliance", "organisation"], name="alliance_partner_unique")]

    def __str__(self):
        return str(self.organisation)

    @classmethod
    def extra_scope_q(cls, binding, action):
        q = super().extra_scope_q(binding, action)
        if action == "view" and binding.organisation_id:
            q = (q or models.Q()) | models.Q(organisation_id=binding.organisation_id)
        return q


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class PartnerProject(AllianceScoped):
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("project"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)

    alliance_lookup = "partner__alliance_id"

    class Meta:
        verbose_name = _("cooperative project")
        verbose_name_plural = _("cooperative projects")
        ordering = ["partner", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            raise ValidationError({"finished_on": _("A project cannot finish before it starts.")})
        if self.status == ProjectStatus.COMPLETED and not self.finished_on:
            raise ValidationError({"finished_on": _("Give the date a completed project finished.")})


CLAIMABLE_PROJECT_STATES = (ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS)


class ProjectClaim(AllianceScoped):
    """双报到: an in-service party member (``party.InServiceMember``) claims a part in a cooperative project of the
    alliance of the community they reported to (认领项目). Released, never deleted, so the history stays."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="project_claims"
    )
    project = models.ForeignKey(
        PartnerProject, verbose_name=_("cooperative project"), on_delete=models.CASCADE, related_name="claims"
    )
    member = models.ForeignKey(
        "party.InServiceMember",
        verbose_name=_("in-service member"),
        on_delete=models.PROTECT,
        related_name="project_claims",
    )
    role = models.CharField(_("what they take on"), max_length=200, blank=True)
    claimed_on = models.DateField(_("claimed on"))
    released_on = models.DateField(_("released on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("claimed project")
        verbose_name_plural = _("claimed projects")
        ordering = ["-is_active", "-claimed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "member"],
                condition=models.Q(is_active=True),
                name="alliance_one_active_project_claim",
            )
        ]

    def __str__(self):
        return f"{self.project.title} · {self.member.resident.name}"

    @classmethod
    def extra_scope_q(cls, binding, action):
        # The employer's staff see (only see) the claims of the in-service members they employ, for the
        # quarterly record sheet, besides what member organisations' staff see of the alliance.
        q = super().extra_scope_q(binding, action)
        if action == "view" and binding.organisation_id:
            q = (q or models.Q()) | models.Q(member__employer_id=binding.organisation_id)
        return q

    def clean(self):
        errors = {}
        today = dates.today()
        if self.claimed_on and self.claimed_on > today:
            errors["claimed_on"] = _("This date is in the future.")
        if self.released_on and self.claimed_on and self.released_on < self.claimed_on:
            errors["released_on"] = _("A claim cannot be released before it was made.")
        if errors:
            raise ValidationError(errors)


SCOPED_MODELS = (
    Alliance,
    AllianceMember,
    JointMeeting,
    Commitment,
    CommitmentItem,
    WishClaim,
    VolunteerActivity,
    Problem,
    FundEntry,
    Partner,
    PartnerProject,
    ProjectClaim,
)
