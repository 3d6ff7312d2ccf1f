"""Matters (议题) brought to deliberation, and how each ends.

A matter is raised by a resident (the phone form), by staff, from a work order (``from_case``) or from an alliance
problem (``origin`` = "alliance.problem:<pk>", read through ``registry.resolve_record``: the alliance is a sibling
layer, never imported). It waits for a meeting
(``raised``), is put on one or more agendas (``discussing``) and ends as one of:

* ``solved`` on the spot at a held meeting (``outcome=meeting``);
* ``handed`` to a work order (one click), then ``solved`` when that case is archived (``outcome=workorder``,
  the subscriber ``handlers.on_case_archived``);
* put to an owners' vote (``voting``): a draft owners' decision (``linli.votes``) is created and linked; the
  matter is solved when the decision's result is published (``outcome=vote``, the subscriber
  ``handlers.on_decision_published``), whether it passed or not — the resolution says which;
* ``declined`` with a reason.

The transitions are declared here (django-fsm-2); ``services.matters`` locks, checks, audits and publishes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel

from .base import DeliberationScoped


class MatterSource(models.TextChoices):
    RESIDENT = "resident", _("Raised by a resident")
    STAFF = "staff", _("Raised by staff")
    WORKORDER = "workorder", _("From a work order")
    ALLIANCE = "alliance", _("From an alliance problem")


class MatterState(models.TextChoices):
    RAISED = "raised", _("Waiting for a meeting")
    DISCUSSING = "discussing", _("On the agenda")
    HANDED = "handed", _("Handed to a work order")
    VOTING = "voting", _("Put to an owners' vote")
    SOLVED = "solved", _("Solved")
    DECLINED = "declined", _("Declined")


class Outcome(models.TextChoices):
    MEETING = "meeting", _("Solved through deliberation")
    WORKORDER = "workorder", _("Solved through a work order")
    VOTE = "vote", _("Decided by an owners' vote")


OPEN_STATES = (MatterState.RAISED, MatterState.DISCUSSING, MatterState.HANDED, MatterState.VOTING)
UNDECIDED = [MatterState.RAISED, MatterState.DISCUSSING]


class Matter(DeliberationScoped, BaseModel):
    compound = models.ForeignKey(
        "areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="deliberation_matters"
    )
    place = models.ForeignKey(
        "areas.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The compound or a place inside it (a building, a house)."),
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=MatterSource.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    from_case = models.ForeignKey(
        "workorders.Case",
        verbose_name=_("from work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField(
        _("raised from"),
        max_length=80,
        blank=True,
        help_text=_("The record of another domain it was raised from, as app.model:pk (an alliance problem)."),
    )
    case = models.ForeignKey(
        "workorders.Case",
        verbose_name=_("handed to work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.ForeignKey(
        "votes.Decision",
        verbose_name=_("owners' decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = FSMField(_("state"), max_length=12, choices=MatterState.choices, default=MatterState.RAISED, protected=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    resolution = models.TextField(_("resolution"), max_length=4000, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    solved_at = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name=_("solved at meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["compound", "state"], name="delib_matter_compound_state")]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(case__isnull=False), name="delib_one_matter_per_case"),
            models.UniqueConstraint(fields=["origin"], condition=~Q(origin=""), name="delib_one_matter_per_origin"),
            models.UniqueConstraint(
                fields=["decision"], condition=Q(decision__isnull=False), name="delib_one_matter_per_decision"
            ),
            models.CheckConstraint(
                condition=~Q(state="solved") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="delib_solved_has_outcome",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def days_to_close(self) -> int | None:
        return (self.closed_on - self.raised_on).days if self.closed_on else None

    @transition(field=state, source=UNDECIDED, target=MatterState.DISCUSSING)
    def put_on_agenda(self):
        pass

    @transition(field=state, source=UNDECIDED, target=MatterState.SOLVED)
    def solve(self):
        self.outcome = Outcome.MEETING

    @transition(field=state, source=UNDECIDED, target=MatterState.HANDED)
    def hand_over(self):
        pass

    @transition(field=state, source=MatterState.HANDED, target=MatterState.SOLVED)
    def case_archived(self):
        self.outcome = Outcome.WORKORDER

    @transition(field=state, source=UNDECIDED, target=MatterState.VOTING)
    def put_to_vote(self):
        pass

    @transition(field=state, source=MatterState.VOTING, target=MatterState.SOLVED)
    def vote_published(self):
        self.outcome = Outcome.VOTE

    @transition(field=state, source=UNDECIDED, target=MatterState.DECLINED)
    def decline(self):
        pass
