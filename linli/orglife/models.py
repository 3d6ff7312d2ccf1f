"""Organisational life (组织生活): meetings with attendance, photos and resolutions; 民主评议党员 as a declared
state machine; 谈心谈话; and the configurable statutory rhythm (RhythmRule) the compliance calendar checks.

Rules: ../shared/domain-rules.md §2 (中国共产党支部工作条例(试行), 2018). A party member IS a ``registry.Resident``
(through ``party.PartyMember``): nothing personal is copied here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from linli.core.models import BaseModel, ScopedModel

from . import periods

MINUTES_MAX = 20000


def seat_org_ids(user_id):
    """Subquery: the organisations where the user (through their resident record) holds an active committee seat."""
    from linli.party.models import CommitteeSeat

    return CommitteeSeat.objects.filter(
        is_active=True, member__is_active=True, member__resident__account_id=user_id
    ).values("org_id")


def member_org_ids(user_id):
    """Subqueries: the organisations (branch, and party group) where the user is an active registered member."""
    from linli.party.models import PartyMember

    mine = PartyMember.objects.filter(is_active=True, resident__account_id=user_id)
    return mine.values("org_id"), mine.exclude(group__isnull=True).values("group_id")


class CommitteeScope:
    """A resident's binding reaches the records of the organisations where they hold a committee seat, and of
    those organisations' groups: a branch secretary keeps their own branch's records with their own login.
    Nothing else of the tree (their house) is covered.

    Models with ``members_read`` (the meeting records: meeting, attendance, photos, resolutions — 全程纪实) are
    also readable by every active member of the organisation, so a member opens the meetings behind their own
    score card; talks and evaluation entries stay with the committee."""

    org_lookup = "org"
    members_read = False

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        if binding.role == "resident":
            return []
        return binding.place_prefixes()

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if binding.role != "resident":
            return None
        seats = seat_org_ids(binding.user_id)
        q = Q(**{f"{cls.org_lookup}__in": seats}) | Q(**{f"{cls.org_lookup}__parent__in": seats})
        if action == "view" and cls.members_read:
            orgs, groups = member_org_ids(binding.user_id)
            q |= Q(**{f"{cls.org_lookup}__in": orgs}) | Q(**{f"{cls.org_lookup}__in": groups})
        return q


class Kind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("Branch general meeting (支部党员大会)")
    COMMITTEE = "committee", _("Branch committee meeting (支委会)")
    GROUP_MEETING = "group_meeting", _("Party group meeting (党小组会)")
    PARTY_LECTURE = "party_lecture", _("Party lecture (党课)")
    THEME_DAY = "theme_day", _("Theme party day (主题党日)")
    LIFE_MEETING = "life_meeting", _("Organisational life meeting (组织生活会)")
    EVALUATION = "evaluation", _("Democratic evaluation of members (民主评议党员)")
    HEART_TALK = "heart_talk", _("Heart-to-heart talk (谈心谈话)")


# Kinds recorded as a Meeting (the other two have their own records: Evaluation and Talk).
MEETING_KINDS = [k for k in Kind if k not in (Kind.EVALUATION, Kind.HEART_TALK)]
# Kinds that vote: resolutions are refused elsewhere.
VOTING_KINDS = (Kind.GENERAL_ASSEMBLY, Kind.COMMITTEE)


class Period(models.TextChoices):
    MONTH = periods.MONTH, _("Monthly")
    QUARTER = periods.QUARTER, _("Quarterly")
    YEAR = periods.YEAR, _("Yearly")


class OrgKind(models.TextChoices):
    """Mirrors ``party.PartyOrg.kind`` values the rhythm applies to."""

    BRANCH = "branch", _("Party branch")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    GROUP = "group", _("Party group")


class RhythmRule(BaseModel):
    """How often an item is required of an organisation of a kind. Reference data, seeded by migration 0002
    with the 条例's defaults (党员大会 quarterly, 支委会 monthly, 党小组会 monthly, 党课 quarterly, 主题党日 monthly,
    组织生活会, 民主评议 and 谈心谈话 yearly); administrators change rows in the Django admin."""

    kind = models.CharField(_("item"), max_length=20, choices=Kind.choices)
    org_kind = models.CharField(_("applies to"), max_length=20, choices=OrgKind.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    times = models.PositiveSmallIntegerField(_("times per period"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rhythm rule")
        verbose_name_plural = _("rhythm rules")
        ordering = ["org_kind", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "org_kind"], name="orglife_rhythm_kind_org_uniq")]

    def __str__(self):
        return f"{self.get_org_kind_display()}: {self.get_kind_display()} / {self.get_period_display()}"


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Meeting(CommitteeScope, ScopedModel, BaseModel):
    """One 三会一课 / 主题党日 / 组织生活会 record; 应到 and 实到 are counted by the service from attendance."""

    members_read = True

    org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="orglife_meetings",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    held_on = models.DateField(_("date"), db_index=True)
    counts_for = models.DateField(
        _("counts for"), help_text=_("A make-up meeting (补开) held after its period ended: a day in that period.")
    )
    topic = models.CharField(_("topic"), max_length=200)
    address = models.CharField(_("place"), max_length=200, blank=True)
    lecturer = models.CharField(_("lecturer / host"), max_length=50, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, validators=[MaxLengthValidator(MINUTES_MAX)])
    entitled_count = models.PositiveSmallIntegerField(_("expected (应到)"), default=0, editable=False)
    present_count = models.PositiveSmallIntegerField(_("present (实到)"), default=0, editable=False)
    quorum_met = models.BooleanField(_("quorum met"), default=False, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["org", "kind", "counts_for"], name="orglife_meeting_org_kind")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()} {self.topic}"

    @property
    def is_voting(self) -> bool:
        return self.kind in VOTING_KINDS


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LEAVE = "leave", _("On leave")
    # 列席: a member who attends without a vote — a probationary member at a 支部党员大会 (党章 第七条). Outside 应到,
    # outside the quorum and never counted present.
    ATTENDING = "attending", _("Attending, no vote (列席)")


# What a member entitled to attend (应到) may be recorded as.
ENTITLED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.LEAVE)


class Attendance(CommitteeScope, ScopedModel, BaseModel):
    members_read = True
    scope_field = "meeting__scope_path"
    org_lookup = "meeting__org"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("member"), on_delete=models.PROTECT, related_name="orglife_attendance"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="orglife_attendance_uniq")]

    def __str__(self):
        return f"{self.member_id}: {self.get_status_display()}"


class MeetingPhoto(CommitteeScope, ScopedModel, BaseModel):
    """A photo checked by content with Pillow, size-limited, re-encoded without EXIF (no GPS kept)."""

    members_read = True

    scope_field = "meeting__scope_path"
    org_lookup = "meeting__org"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="orglife/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("meeting photo")
        verbose_name_plural = _("meeting photos")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name


class Resolution(CommitteeScope, ScopedModel, BaseModel):
    """A vote: passes only when yes > 1/2 of 应到 (``base``), computed in integers by the service."""

    members_read = True

    scope_field = "meeting__scope_path"
    org_lookup = "meeting__org"

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="resolutions"
    )
    title = models.CharField(_("resolution"), max_length=200)
    yes = models.PositiveSmallIntegerField(_("yes"))
    no = models.PositiveSmallIntegerField(_("no"))
    abstain = models.PositiveSmallIntegerField(_("abstain"))
    base = models.PositiveSmallIntegerField(_("expected (应到)"), editable=False)
    passed = models.BooleanField(_("passed"), editable=False)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    QUALIFIED = "qualified", _("Qualified (合格)")
    BASIC = "basic", _("Basically qualified (基本合格)")
    UNQUALIFIED = "unqualified", _("Unqualified (不合格)")


class EvalState(models.TextChoices):
    SELF_REVIEW = "self_review", _("Self-assessment (个人自评)")
    PEER_REVIEW = "peer_review", _("Mutual assessment (党员互评)")
    POLL = "poll", _("Democratic poll (民主测评)")
    RATED = "rated", _("Rated (评定)")


class Evaluation(ConcurrentTransitionMixin, CommitteeScope, ScopedModel, BaseModel):
    """One year's 民主评议党员 of a branch: 个人自评 → 党员互评 → 民主测评 → 评定 (a grade per member).

    The branch's members read the evaluation itself (its year and stage) and, of its entries, their own only."""

    members_read = True

    org = models.ForeignKey(
        "party.PartyOrg", verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="orglife_evaluations"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    state = FSMField(
        _("stage"), max_length=12, choices=EvalState.choices, default=EvalState.SELF_REVIEW, protected=True
    )
    rated_on = models.DateField(_("rated on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(4000)])

    class Meta:
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="orglife_evaluation_org_year")]

    def __str__(self):
        return f"{self.year} {self.org}"

    @transition(
        field=state,
        source=EvalState.SELF_REVIEW,
        target=EvalState.PEER_REVIEW,
        custom={"label": _("Close self-assessment, start mutual assessment")},
    )
    def start_peer_review(self):
        pass

    @transition(
        field=state,
        source=EvalState.PEER_REVIEW,
        target=EvalState.POLL,
        custom={"label": _("Close mutual assessment, start the democratic poll")},
    )
    def start_poll(self):
        pass

    @transition(
        field=state,
        source=EvalState.POLL,
        target=EvalState.RATED,
        conditions=[lambda ev: not ev.entries.filter(grade="").exists()],
        custom={"label": _("Record the grades (评定)")},
    )
    def rate(self):
        pass


class EvaluationEntry(CommitteeScope, ScopedModel, BaseModel):
    scope_field = "evaluation__scope_path"
    org_lookup = "evaluation__org"

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        """The committee's, as for every record; and a member reads their own entry (the grade on their card)."""
        q = super().extra_scope_q(binding, action)
        if q is not None and action == "view":
            q |= Q(member__resident__account_id=binding.user_id)
        return q

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("member"), on_delete=models.PROTECT, related_name="orglife_evaluations"
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True, validators=[MaxLengthValidator(4000)])
    peer_comments = models.TextField(_("mutual assessment"), blank=True, validators=[MaxLengthValidator(4000)])
    votes_excellent = models.PositiveSmallIntegerField(_("votes: excellent"), default=0)
    votes_qualified = models.PositiveSmallIntegerField(_("votes: qualified"), default=0)
    votes_basic = models.PositiveSmallIntegerField(_("votes: basically qualified"), default=0)
    votes_unqualified = models.PositiveSmallIntegerField(_("votes: unqualified"), default=0)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = _("evaluation entry")
        verbose_name_plural = _("evaluation entries")
        ordering = ["evaluation", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "member"], name="orglife_eval_entry_uniq")]

    def __str__(self):
        return f"{self.member_id}: {self.grade or '—'}"

    @property
    def poll_leader(self) -> str:
        """The grade with the most poll votes (the stricter one on a tie); '' with no votes."""
        counts = [
            (self.votes_excellent, Grade.EXCELLENT),
            (self.votes_qualified, Grade.QUALIFIED),
            (self.votes_basic, Grade.BASIC),
            (self.votes_unqualified, Grade.UNQUALIFIED),
        ]
        best = max(c for c, _g in counts)
        if best == 0:
            return ""
        return [g for c, g in counts if c == best][-1]


class Talk(CommitteeScope, ScopedModel, BaseModel):
    """谈心谈话: two members of the organisation, a date, a topic, a note."""

    org = models.ForeignKey(
        "party.PartyOrg", verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="orglife_talks"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    held_on = models.DateField(_("date"), db_index=True)
    member_a = models.ForeignKey(
        "party.PartyMember", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    member_b = models.ForeignKey(
        "party.PartyMember", verbose_name=_("talked with"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=200)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(4000)])

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(member_a=models.F("member_b")), name="orglife_talk_two_members")
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"
