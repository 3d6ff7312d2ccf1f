"""微会议: online meetings of party branches, owners' committees and residents' councils, with online votes.

States (django-fsm-2, declared on ``Meeting``)::

    draft ──schedule──▶ scheduled ──open──▶ open ──close──▶ closed (results frozen)
      └──────────────┴──────────────────────┴──cancel──▶ cancelled

A vote on an agenda item passes with **more than half** (过半数, exactly half is not enough) of a base chosen per
meeting: the invitees, the checked-in attendees, or the votes cast — except a party branch's or an owners'
committee's, whose base is all their members (应到) and whose quorum is more than half of them. A quorum
(default: more than half of the invitees checked in) must be present before anyone may vote. All of it in integer
arithmetic (``tally``/``quorum``).

Owners' decisions under 民法典 第278条 (area AND headcount double majorities) are NOT this feature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from linli.core.models import BaseModel, ScopedModel


class HostKind(models.TextChoices):
    PARTY_BRANCH = "party_branch", _("Party branch")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    RESIDENTS_COUNCIL = "residents_council", _("Residents' council")
    OTHER = "other", _("Other body")


class MajorityBase(models.TextChoices):
    INVITEES = "invitees", _("More than half of all invitees")
    ATTENDEES = "attendees", _("More than half of the checked-in attendees")
    VOTES_CAST = "votes_cast", _("More than half of the votes cast")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Choice(models.TextChoices):
    YES = "yes", pgettext_lazy("vote", "Yes")
    NO = "no", pgettext_lazy("vote", "No")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class Outcome(models.TextChoices):
    PASSED = "passed", pgettext_lazy("vote", "Passed")
    FAILED = "failed", pgettext_lazy("vote", "Failed")


# Roles that host meetings in their place scope; every other role reaches only the meetings it is invited to
# (and those it chairs).
HOST_ROLES = frozenset({"district_admin", "street_staff", "community_secretary", "social_worker"})
HOST_REF_RE = re.compile(r"^[a-z_]+\.[a-z_]+:\d{1,12}$")
# An owners' committee meeting names its committee: its members in office are the base of every vote.
OWNERS_COMMITTEE_REF = "owners.ownerscommittee"


def _invited_meeting_ids(user_id):
    return Invitee.objects.filter(user_id=user_id).values("meeting_id")


class Meeting(ConcurrentTransitionMixin, ScopedModel, BaseModel):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    host_kind = models.CharField(
        _("host body"), max_length=20, choices=HostKind.choices, default=HostKind.RESIDENTS_COUNCIL
    )
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("party branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    host_ref = models.CharField(
        _("host reference"), max_length=60, blank=True, help_text=_('Optional: the hosting body as "app.model:id".')
    )
    host_name = models.CharField(
        _("host name"), max_length=100, blank=True, help_text=_("e.g. 怡心花园业主委员会, 雨秀社区居民议事会")
    )
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(
        _("where"), max_length=100, blank=True, help_text=_("Online only, or a room for those who come in person.")
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("May open and close the meeting and record minutes."),
    )
    majority_base = models.CharField(
        _("a vote passes with"), max_length=12, choices=MajorityBase.choices, default=MajorityBase.INVITEES
    )
    quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum numerator"),
        default=1,
        validators=[MaxValueValidator(99)],
        help_text=_("0 = no quorum. Default: more than 1/2 of the invitees checked in."),
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum denominator"), default=2, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    quorum_strict = models.BooleanField(
        _("quorum needs more than the fraction"),
        default=True,
        help_text=_("On: more than the fraction (过半数). Off: at least it (以上)."),
    )
    secret_ballot = models.BooleanField(
        _("secret ballot"), default=False, help_text=_("On: nobody sees who voted how, only the counts.")
    )
    state = FSMField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, protected=True, db_index=True
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    frozen_invitees = models.PositiveIntegerField(_("invitees at closing"), null=True, blank=True)
    frozen_attendees = models.PositiveIntegerField(_("attendees at closing"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["state", "starts_at"], name="meeting_state_start_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_q(cls, binding, action: str):
        q = None
        if str(binding.role) in HOST_ROLES:
            q = super().scope_q(binding, action)
        own = Q(chair_id=binding.user_id)
        if action == "view":
            own |= Q(pk__in=_invited_meeting_ids(binding.user_id))
        if action in ("view", "change"):
            q = own if q is None else q | own
        return q

    @property
    def owners_committee_id(self) -> int | None:
        """The hosting owners' committee named by ``host_ref`` (an owners'-committee meeting only)."""
        if self.host_kind != HostKind.OWNERS_COMMITTEE or not HOST_REF_RE.match(self.host_ref or ""):
            return None
        label, pk = self.host_ref.split(":")
        return int(pk) if label == OWNERS_COMMITTEE_REF else None

    @property
    def host_label(self) -> str:
        if self.host_kind == HostKind.PARTY_BRANCH and self.party_org_id:
            return self.party_org.name
        return self.host_name or str(self.get_host_kind_display())

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The meeting must end after it starts.")
        if self.host_kind == HostKind.PARTY_BRANCH and not self.party_org_id:
            errors["party_org"] = _("Choose the party branch that hosts the meeting.")
        if self.host_kind != HostKind.PARTY_BRANCH and self.party_org_id:
            errors["party_org"] = _("Only a party-branch meeting names a party branch.")
        if self.host_ref:
            if not HOST_REF_RE.match(self.host_ref):
                errors["host_ref"] = _('Write the host as "app.model:id", e.g. "orgs.organisation:12".')
            else:
                label, pk = self.host_ref.split(":")
                try:
                    model = apps.get_model(label)
                except (LookupError, ValueError):
                    model = None
                if model is None or not model._default_manager.filter(pk=int(pk)).exists():
                    errors["host_ref"] = _("No such hosting body.")
        if self.quorum_numerator and self.quorum_denominator and self.quorum_numerator > self.quorum_denominator:
            errors["quorum_numerator"] = _("The quorum cannot be more than everyone.")
        if self.host_kind == HostKind.OWNERS_COMMITTEE and self.owners_committee_id is None:
            errors.setdefault(
                "host_ref", _("Choose the owners' committee that meets: all its members are the base of every vote.")
            )
        if self.host_kind in (HostKind.PARTY_BRANCH, HostKind.OWNERS_COMMITTEE):
            # 支部工作条例 (domain rules §2) and 建房〔2009〕274号 (§1): more than half of all the members present, and
            # a resolution needs yes votes from more than half of all of them, not of those present or of the votes
            # cast.
            branch = self.host_kind == HostKind.PARTY_BRANCH
            if self.majority_base != MajorityBase.INVITEES:
                errors["majority_base"] = (
                    _(
                        "A party branch decides with more than half of its full members (应到), not of those present "
                        "or of the votes cast."
                    )
                    if branch
                    else _(
                        "An owners' committee decides with more than half of all its members (建房〔2009〕274号), not "
                        "of those present or of the votes cast."
                    )
                )
            n, d = self.quorum_numerator or 0, self.quorum_denominator or 0
            if d and (2 * n < d or (2 * n == d and not self.quorum_strict)):
                errors["quorum_numerator"] = (
                    _(
                        "A party branch meeting needs more than half of its full members present: the quorum may be "
                        "raised, not lowered."
                    )
                    if branch
                    else _(
                        "An owners' committee meeting needs more than half of all its members present: the quorum "
                        "may be raised, not lowered."
                    )
                )
        if errors:
            raise ValidationError(errors)

    # -- the state machine ------------------------------------------------------------------------
    @transition(field=state, source=State.DRAFT, target=State.SCHEDULED)
    def schedule(self):
        self.scheduled_at = timezone.now()

    @transition(field=state, source=State.SCHEDULED, target=State.OPEN)
    def open(self):
        self.opened_at = timezone.now()

    @transition(field=state, source=State.OPEN, target=State.CLOSED)
    def close(self, *, invitees: int, attendees: int):
        self.closed_at = timezone.now()
        self.frozen_invitees, self.frozen_attendees = invitees, attendees

    @transition(field=state, source=[State.DRAFT, State.SCHEDULED, State.OPEN], target=State.CANCELLED)
    def cancel(self):
        self.closed_at = timezone.now()

    @property
    def is_editable(self) -> bool:
        return self.state in (State.DRAFT, State.SCHEDULED)

    def in_window(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now <= self.ends_at


class _ThroughMeeting(ScopedModel):
    """Rows of a meeting: visible where the meeting is."""

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, binding, action: str):
        q = Meeting.scope_q(binding, "view" if action == "view" else "change")
        if q is None:
            return None
        return Q(meeting_id__in=Meeting.objects.filter(q).values("pk"))


class AgendaItem(_ThroughMeeting, BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("agenda item"), max_length=200)
    description = models.TextField(_("details"), max_length=4000, blank=True)
    is_vote = models.BooleanField(_("put to a vote"), default=True)
    decision = models.TextField(_("decision"), max_length=4000, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    # Frozen when the meeting closes.
    yes_count = models.PositiveIntegerField(_("yes"), null=True, blank=True)
    no_count = models.PositiveIntegerField(_("no"), null=True, blank=True)
    abstain_count = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    base_count = models.PositiveIntegerField(_("base"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.title


class Invitee(_ThroughMeeting, BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_one_invite_per_user")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.resident_id:
            return self.resident.name
        return getattr(self.user, "display_name", "") or self.user.get_username()


class Vote(ScopedModel, BaseModel):
    """One invitee's vote on one agenda item; changeable until the meeting closes.

    Visibility: the voter always sees their own vote; on an open ballot the meeting's people see who voted how;
    on a secret ballot nobody else does (tallies are counts computed by the service)."""

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="votes")
    invitee = models.ForeignKey(Invitee, verbose_name=_("voter"), on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "invitee"], name="meetings_one_vote_per_item")]

    def __str__(self):
        return f"{self.item_id}:{self.choice}"

    @classmethod
    def scope_q(cls, binding, action: str):
        if action != "view":
            return None
        own = Q(invitee__user_id=binding.user_id)
        q = Meeting.scope_q(binding, "view")
        if q is None:
            return own
        return own | Q(item__meeting__secret_ballot=False, item__meeting_id__in=Meeting.objects.filter(q).values("pk"))


# -- arithmetic ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    base: int

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def needed(self) -> int:
        """The smallest number of yes votes that is more than half of the base."""
        return self.base // 2 + 1

    @property
    def passed(self) -> bool:
        # 过半数: more than half, exactly half is not enough (民法典 第1259条). Integers only.
        return self.base > 0 and 2 * self.yes > self.base


def majority_base_count(base: str, *, invitees: int, attendees: int, cast: int) -> int:
    return {MajorityBase.INVITEES: invitees, MajorityBase.ATTENDEES: attendees, MajorityBase.VOTES_CAST: cast}[
        MajorityBase(base)
    ]


def quorum_met(*, attendees: int, invitees: int, numerator: int, denominator: int, strict: bool) -> bool:
    """attendees/invitees > numerator/denominator (strict) or ≥ it, compared by cross-multiplying integers."""
    if numerator == 0:
        return True
    if invitees == 0:
        return False
    lhs, rhs = attendees * denominator, numerator * invitees
    return lhs > rhs if strict else lhs >= rhs


def quorum_needed(*, invitees: int, numerator: int, denominator: int, strict: bool) -> int:
    """The smallest number of attendees that meets the quorum."""
    if numerator == 0:
        return 0
    rhs = numerator * invitees
    n = rhs // denominator
    while not (n * denominator > rhs if strict else n * denominator >= rhs):
        n += 1
    return n
