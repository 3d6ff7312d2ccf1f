"""A selection (评选): 好家庭, 好邻居, 最美楼栋… held by a community or a compound for a period.

Its life: ``nominating`` (residents and staff nominate within the nomination window; staff review each nomination)
→ ``voting`` (the residents of the place vote for the accepted nominees within the voting window, one vote each)
→ ``publicity`` (公示: the winners are announced with the counts, objections may be lodged until
``publicity_until``) → ``final``. Who may see a selection: staff over its place, and everyone bound below it (a
resident at their house, a grid worker at their buildings) — the selection of their community or compound is public
to them; nominations under review and votes are not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import COMMUNITY, COMPOUND, PATH_LENGTHS

#: the place levels a selection may be held at
PLACE_LEVELS = (COMMUNITY, COMPOUND)


class NomineeKind(models.TextChoices):
    RESIDENT = "resident", _("A resident")
    HOUSEHOLD = "household", _("A household")
    BUILDING = "building", _("A building")


class Kind(models.TextChoices):
    GOOD_FAMILY = "good_family", _("Good family (好家庭)")
    GOOD_NEIGHBOUR = "good_neighbour", _("Good neighbour (好邻居)")
    BEST_BUILDING = "best_building", _("Most beautiful building (最美楼栋)")
    FILIAL = "filial", _("Filial and caring (孝老爱亲)")


#: who can be nominated in each kind of selection
NOMINEE_KIND = {
    Kind.GOOD_FAMILY: NomineeKind.HOUSEHOLD,
    Kind.GOOD_NEIGHBOUR: NomineeKind.RESIDENT,
    Kind.BEST_BUILDING: NomineeKind.BUILDING,
    Kind.FILIAL: NomineeKind.RESIDENT,
}


class SelectionState(models.TextChoices):
    NOMINATING = "nominating", _("Taking nominations")
    VOTING = "voting", _("Voting")
    PUBLICITY = "publicity", _("Announced, in public notice (公示)")
    FINAL = "final", pgettext_lazy("selections", "Final")


class Selection(ScopedModel, BaseModel):
    place = models.ForeignKey(
        "areas.Place",
        verbose_name=_("community or compound"),
        on_delete=models.PROTECT,
        related_name="selections",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    period = models.CharField(
        pgettext_lazy("selections", "period"), max_length=20, help_text=_("E.g. 2026 or 2026年上半年.")
    )
    rules = models.TextField(
        pgettext_lazy("selections", "rules"),
        max_length=4000,
        help_text=_("Who may be nominated, how winners are chosen."),
    )
    seats = models.PositiveSmallIntegerField(_("number of winners"), default=3)
    nominate_from = models.DateField(_("nominations open"))
    nominate_until = models.DateField(_("nominations close"))
    vote_from = models.DateField(_("voting opens"))
    vote_until = models.DateField(_("voting closes"))
    publicity_days = models.PositiveSmallIntegerField(
        _("public notice (days)"), default=7, help_text=_("How long the result stays in public notice for objections.")
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    publicity_until = models.DateField(_("objections until"), null=True, blank=True)
    finalised_on = models.DateField(_("final on"), null=True, blank=True)
    state = FSMField(
        _("state"), max_length=12, choices=SelectionState.choices, default=SelectionState.NOMINATING, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["-vote_until", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominate_from__lte=models.F("nominate_until"))
                & Q(nominate_until__lte=models.F("vote_from"))
                & Q(vote_from__lte=models.F("vote_until")),
                name="selections_windows_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["publicity", "final"]) | Q(announced_on__isnull=False),
                name="selections_announced_has_day",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def nominee_kind(self) -> str:
        return NOMINEE_KIND[self.kind]

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        """Everyone bound below a community or compound sees the selections held there (they are public to the
        people they concern): the community and compound paths above each of the binding's places (a property
        company's staff: of the compounds it manages)."""
        if action != "view":
            return None
        lengths = (PATH_LENGTHS[COMMUNITY], PATH_LENGTHS[COMPOUND])
        prefixes = list(binding.place_prefixes())
        if binding.organisation_id and binding.organisation.kind == "property":
            prefixes += binding.organisation.served_prefixes()  # the compounds the company manages
        above = sorted({p[:n] for p in prefixes for n in lengths if len(p) >= n})
        return Q(scope_path__in=above) if above else None

    @transition(field=state, source=SelectionState.NOMINATING, target=SelectionState.VOTING)
    def open_vote(self):
        pass

    @transition(field=state, source=SelectionState.VOTING, target=SelectionState.PUBLICITY)
    def announce(self):
        pass

    @transition(field=state, source=SelectionState.PUBLICITY, target=SelectionState.FINAL)
    def finalise(self):
        pass
