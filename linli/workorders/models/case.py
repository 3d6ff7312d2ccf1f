"""The case (工单): one engine for every source, with its declared state machine and its timeline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from linli.core.models import BaseModel, ScopedModel

from .. import policy
from .config import CaseType, Category, VerdictLevel

DESCRIPTION_MAX = 4000


class State(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")  # 受理
    DISPATCHED = "dispatched", _("Dispatched")  # 派单
    SIGNED = "signed", _("Signed for")  # 签收
    HANDLING = "handling", _("Being handled")  # 办理中
    COMPLETED = "completed", _("Completed")  # 办结
    EVALUATED = "evaluated", _("Evaluated")  # 回访评价
    ARCHIVED = "archived", _("Archived")  # 归档
    CANCELLED = "cancelled", _("Withdrawn")  # 撤销
    MERGED = "merged", _("Merged")  # 合并


OPEN_STATES = (State.ACCEPTED, State.DISPATCHED, State.SIGNED, State.HANDLING)
ACTIVE_STATES = (*OPEN_STATES, State.COMPLETED)
CLOSED_STATES = (State.COMPLETED, State.EVALUATED, State.ARCHIVED, State.CANCELLED, State.MERGED)
#: the states in which the handling deadline runs (signing's runs only while DISPATCHED)
DEADLINE_STATES = (State.DISPATCHED, State.SIGNED, State.HANDLING)


# --- the one overdue rule: a case is overdue once the deadline of its stage has passed (``due < now``) --------
# Signing's while it waits to be signed for, handling's while dispatched, signed for or being handled. Deadlines
# are the end of a working day (``core.workdays.deadline`` over ``core.holidays``); an accepted case has none.


def sign_late_q(now, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": State.DISPATCHED, f"{prefix}sign_due__lt": now})


def handle_late_q(now, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": DEADLINE_STATES, f"{prefix}handle_due__lt": now})


def overdue_q(now=None, prefix: str = "") -> Q:
    """Cases past the deadline of their stage at ``now``; ``prefix`` reaches the case from other rows
    (``case__`` for assignment rows)."""
    now = now or timezone.now()
    return sign_late_q(now, prefix) | handle_late_q(now, prefix)


class CaseQuerySet(models.QuerySet):
    def overdue(self, now=None) -> CaseQuerySet:
        return self.filter(overdue_q(now))


class Source(models.TextChoices):
    RESIDENT = "resident", _("Resident report (随手拍)")
    HOTLINE = "hotline", _("12345 hotline transfer")
    PATROL = "patrol", _("Grid patrol find")
    COUNTER = "counter", _("Counter or phone (on behalf)")
    DELIBERATION = "deliberation", _("Three-party deliberation")
    CAMPAIGN = "campaign", _("Rectification campaign")
    VISIT = "visit", _("Home visit")
    ALLIANCE = "alliance", _("Party-building alliance problem list")
    IOT = "iot", _("IoT alarm")
    ASSISTANT = "assistant", _("AI assistant")
    OPEN311 = "open311", _("Open311 client")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency (same day)")


class Confidentiality(models.TextChoices):
    NONE = "none", _("Name may be shown to handlers")
    CONFIDENTIAL = "confidential", _("Keep my identity from handlers")
    ANONYMOUS = "anonymous", _("Anonymous")


class Level(models.TextChoices):
    COMMUNITY = "community", _("Community")
    DISTRICT = "district", _("District dispatch centre")


class Case(ConcurrentTransitionMixin, ScopedModel, BaseModel):
    objects = CaseQuerySet.as_manager()

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    case_type = models.CharField(_("type"), max_length=16, choices=CaseType.choices, default=CaseType.HELP)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.RESIDENT)
    external_ref = models.CharField(
        _("external reference"), max_length=40, blank=True, help_text=_("e.g. the 12345 ticket number")
    )
    origin = models.CharField(
        _("originates from"), max_length=80, blank=True, help_text=_('The record it came from, as "app.model:pk".')
    )

    # Where: a place in the tree (house, building, compound, community) and/or a map point with an address.
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # Who: the account that reported (tracks and evaluates), the resident record, a name/phone given by phone.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("reporting resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone_cipher = models.TextField(blank=True, editable=False)
    reporter_phone_masked = models.CharField(_("reporter's phone"), max_length=20, blank=True, editable=False)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.NONE
    )

    # The state machine and who holds the case.
    state = FSMField(
        _("state"), max_length=12, choices=State.choices, default=State.ACCEPTED, protected=True, db_index=True
    )
    level = models.CharField(_("handled at"), max_length=10, choices=Level.choices, default=Level.COMMUNITY)
    whistled_at = models.DateTimeField(_("whistled at"), null=True, blank=True)
    lead_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    task_force = models.ForeignKey(
        "workorders.TaskForce",
        verbose_name=_("task force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    # Deadlines (end of the n-th working day) and milestones.
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    sign_due = models.DateTimeField(_("sign by"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    handle_due = models.DateTimeField(_("handle by"), null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reply = models.TextField(_("reply to the resident"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])

    # The resident's verdict.
    verdict = models.ForeignKey(
        VerdictLevel, verbose_name=_("verdict"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict_reasons = models.JSONField(_("verdict reasons"), default=list, blank=True)
    verdict_note = models.CharField(_("verdict note"), max_length=500, blank=True)
    ever_unsatisfied = models.BooleanField(_("ever judged unsatisfactory"), default=False)

    # Supervision.
    reopen_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    supervised = models.BooleanField(_("under supervision (督办)"), default=False)
    urge_count = models.PositiveSmallIntegerField(_("reminders (催办)"), default=0)
    last_urged_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    sign_overdue = models.BooleanField(_("signed late"), default=False)
    handle_overdue = models.BooleanField(_("completed late"), default=False)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)

    audit_exclude = frozenset({"reporter_phone_cipher"})

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "handle_due"], name="wo_case_state_due"),
            models.Index(fields=["lead_org", "state", "handle_due"], name="wo_case_lead_queue"),
            models.Index(fields=["level", "state", "scope_path"], name="wo_case_level_queue"),
            models.Index(fields=["reporter", "-created_at"], name="wo_case_reporter"),
            models.Index(fields=["created_at"], name="wo_case_created"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    # --- scope ---------------------------------------------------------------------------------------
    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        # Organisations see the cases assigned to them, residents their own reports: not a place range.
        if binding.role in policy.ORG_ROLES or binding.role == "resident":
            return []
        return binding.place_prefixes()

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if binding.role in policy.ORG_ROLES and binding.organisation_id:
            # Every lead has an assignment row (case_dispatch writes it), so one semi-join covers lead and co-handled
            # cases; an OR with lead_org_id here would force a scan of every case (bench/workorders_queue.py).
            from .casework import CaseAssignment  # casework imports this module

            assigned = CaseAssignment.objects.filter(organisation_id=binding.organisation_id).values("case_id")
            return Q(pk__in=assigned)
        if action == "view":
            return Q(reporter_id=binding.user_id)
        return None

    # --- the state machine (each transition is wrapped by a service in services.py) ---------------------
    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.ACCEPTED,
        permission=lambda case, user: case.level == Level.COMMUNITY and policy.is_community_staff(case, user),
        custom={"label": _("Whistle to the district (吹哨)"), "style": "warning"},
    )
    def whistle(self):
        self.level = Level.DISTRICT
        self.whistled_at = timezone.now()

    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.DISPATCHED,
        permission=policy.controls_queue,
        custom={"label": _("Dispatch (派单)"), "style": "primary"},
    )
    def dispatch(self):
        self.dispatched_at = timezone.now()

    @transition(
        field=state,
        source=State.DISPATCHED,
        target=State.SIGNED,
        permission=policy.is_lead_handler,
        custom={"label": _("Sign for it (签收)"), "style": "primary"},
    )
    def sign(self):
        self.signed_at = timezone.now()
        if self.sign_due and self.signed_at > self.sign_due:
            self.sign_overdue = True

    @transition(
        field=state,
        source=[State.DISPATCHED, State.SIGNED],
        target=State.ACCEPTED,
        permission=policy.is_lead_handler,
        custom={"label": _("Return it (退单)"), "style": "secondary"},
    )
    def return_case(self):
        self.lead_org = None
        self.task_force = None
        self.dispatched_at = None
        self.sign_due = None
        self.handle_due = None
        self.signed_at = None

    @transition(
        field=state,
        source=State.SIGNED,
        target=State.HANDLING,
        permission=policy.is_lead_handler,
        custom={"label": _("Start handling"), "style": "primary"},
    )
    def start(self):
        pass

    @transition(
        field=state,
        source=[State.SIGNED, State.HANDLING],
        target=State.COMPLETED,
        permission=policy.is_lead_handler,
        custom={"label": _("Complete (办结)"), "style": "primary"},
    )
    def complete(self):
        self.completed_at = timezone.now()
        if self.handle_due and self.completed_at > self.handle_due:
            self.handle_overdue = True

    @transition(
        field=state,
        source=State.COMPLETED,
        target=State.EVALUATED,
        permission=policy.may_evaluate,
        custom={"label": _("Give your verdict"), "style": "primary"},
    )
    def evaluate(self):
        self.evaluated_at = timezone.now()

    @transition(
        field=state,
        source=State.COMPLETED,
        target=State.DISPATCHED,
        permission=policy.may_evaluate,
        custom={"label": _("Send back for re-doing (发回重办)"), "hidden": True},
    )
    def reopen(self):
        self.reopen_count += 1
        self.dispatched_at = timezone.now()
        self.signed_at = None
        self.completed_at = None

    @transition(
        field=state,
        source=State.EVALUATED,
        target=State.ARCHIVED,
        permission=policy.controls_queue,
        custom={"label": _("Archive (归档)"), "style": "secondary"},
    )
    def archive(self):
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.CANCELLED,
        permission=policy.may_cancel,
        custom={"label": _("Withdraw (撤销)"), "style": "secondary"},
    )
    def cancel(self):
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.MERGED,
        permission=policy.controls_queue,
        custom={"label": _("Merge into another case (合并)"), "style": "secondary"},
    )
    def merge(self):
        self.closed_at = timezone.now()

    # --- derived ----------------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        """``overdue_q`` for one case in memory."""
        now = timezone.now()
        sign_late = self.state == State.DISPATCHED and self.sign_due is not None and self.sign_due < now
        handle_late = self.state in DEADLINE_STATES and self.handle_due is not None and self.handle_due < now
        return sign_late or handle_late

    @property
    def handle_due_provisional(self) -> bool:
        """The handling deadline falls in a year whose State Council 调休 arrangement is not entered: it may move."""
        from linli.core.workdays import due_is_provisional

        return due_is_provisional(self.handle_due)

    @property
    def sign_due_provisional(self) -> bool:
        from linli.core.workdays import due_is_provisional

        return due_is_provisional(self.sign_due)

    @property
    def is_due_soon(self) -> bool:
        if self.is_overdue or self.state not in OPEN_STATES or not self.handle_due:
            return False
        return (self.handle_due - timezone.now()).total_seconds() < 24 * 3600

    @property
    def open311_status(self) -> str:
        return "open" if self.state in OPEN_STATES else "closed"


class CaseStatistics(Case):
    """No table of its own: the right to read the work-order statistics (``view`` on this model, granted to the
    staff roles in rules.py), so the menu entry and the page ask the same question. The figures come from the
    cases the viewer may see (``restrict`` on ``Case``)."""

    class Meta:
        proxy = True
        verbose_name = _("work-order statistics")
        verbose_name_plural = _("work-order statistics")
        default_permissions = ()
