"""Alliance pages: thin — parse, read through the chokepoint (selectors), write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from linli.core import dates
from linli.core.permissions import Action, can, can_at, may_any, restrict
from linli.core.registry import registry
from linli.core.views import ScopedListView, ServiceFormView

from . import forms, selectors, services
from .models import (
    Alliance,
    AllianceMember,
    CommitmentItem,
    FundEntry,
    Partner,
    PartnerProject,
    Problem,
    ProjectClaim,
    WishClaim,
)


class AllianceListView(ScopedListView):
    model = Alliance
    template_name = "alliance/alliance_list.html"

    def get_queryset(self):
        qs = selectors.alliances(self.request.user)
        q = self.request.GET.get("q", "").strip()[:60]
        if q:
            qs = qs.filter(name__icontains=q) | qs.filter(community__name__icontains=q)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(section="party", can_add=may_any(self.request.user, Alliance, Action.ADD))
        return ctx


class AllianceDetailView(LoginRequiredMixin, TemplateView):
    template_name = "alliance/alliance_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        alliance = selectors.alliance_for(user, kwargs["pk"])
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = dates.today().year
        year = max(2000, min(year, dates.today().year + 1))
        editable = can(user, Action.ADD, alliance)
        ctx.update(selectors.detail(user, alliance, year=year))
        # what other domains link from each problem (deliberation: its matter), a few queries for the whole list
        registry.attach_record_links(user, ctx["problems"])
        ctx.update(
            section="party",
            alliance=alliance,
            year=year,
            years=range(dates.today().year, 2019, -1),
            can_add=editable,
            can_change=can(user, Action.CHANGE, alliance),
            fund_totals=services.fund_totals(alliance),
            workorders=services.workorders_available(),
            # "Add a project" opens only for partners the user may change (ProjectAddView's check).
            changeable_partners=set(
                restrict(Partner.objects.filter(alliance=alliance), user, Action.CHANGE).values_list("pk", flat=True)
            ),
        )
        return ctx


class AllianceCreateView(ServiceFormView):
    template_name = "alliance/form.html"
    form_class = forms.AllianceForm
    success_message = gettext_lazy("The alliance has been set up.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, Alliance, Action.ADD):
            raise PermissionDenied(_("You cannot set up alliances."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Set up an alliance"), "section": "party"}

    def perform(self, form):
        return services.alliance_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("alliance:detail", args=[self.object.pk])


# kind -> (form, title, service call, anchor)
def _member(form, alliance, actor):
    return services.member_add(actor=actor, alliance=alliance, **form.cleaned_data)


def _meeting(form, alliance, actor):
    return services.meeting_record(actor=actor, alliance=alliance, **form.cleaned_data)


def _commitment(form, alliance, actor):
    return services.commitment_create(actor=actor, **form.cleaned_data)


def _wish(form, alliance, actor):
    return services.wish_claim_record(actor=actor, **form.cleaned_data)


def _activity(form, alliance, actor):
    return services.activity_record(actor=actor, alliance=alliance, **form.cleaned_data)


def _problem(form, alliance, actor):
    return services.problem_create(actor=actor, alliance=alliance, **form.cleaned_data)


def _fund(form, alliance, actor):
    return services.fund_entry_add(actor=actor, alliance=alliance, **form.cleaned_data)


def _partner(form, alliance, actor):
    return services.partner_add(actor=actor, alliance=alliance, **form.cleaned_data)


ADD_KINDS = {
    "member": (forms.MemberForm, AllianceMember, gettext_lazy("Add a member organisation"), _member, "members"),
    "meeting": (forms.MeetingForm, Alliance, gettext_lazy("Record a joint meeting"), _meeting, "meetings"),
    "commitment": (
        forms.CommitmentForm,
        Alliance,
        gettext_lazy("Record a commitment agreement"),
        _commitment,
        "commitments",
    ),
    "wish": (forms.WishForm, WishClaim, gettext_lazy("Record a claimed micro-wish"), _wish, "wishes"),
    "activity": (forms.ActivityForm, Alliance, gettext_lazy("Record a volunteer activity"), _activity, "activities"),
    "problem": (forms.ProblemForm, Problem, gettext_lazy("Add a problem to the list"), _problem, "problems"),
    "fund": (forms.FundForm, FundEntry, gettext_lazy("Add a fund entry"), _fund, "fund"),
    "partner": (forms.PartnerForm, Partner, gettext_lazy("Add a red-collar partner"), _partner, "partners"),
}


class AllianceAddView(ServiceFormView):
    """One page per kind of record added to an alliance (``ADD_KINDS``)."""

    template_name = "alliance/form.html"
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in ADD_KINDS:
            from django.http import Http404

            raise Http404
        self.kind = ADD_KINDS[kwargs["kind"]]
        if request.user.is_authenticated:
            self.alliance = selectors.alliance_for(request.user, kwargs["pk"])
            if not can(request.user, Action.ADD, self.alliance):
                raise PermissionDenied(_("You cannot add records to this alliance."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.kind[0]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "alliance": self.alliance}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.kind[2],
            "alliance": self.alliance,
            "section": "party",
            "back": self._back(),
        }

    def _back(self):
        return f"{reverse('alliance:detail', args=[self.alliance.pk])}#{self.kind[4]}"

    def perform(self, form):
        return self.kind[3](form, self.alliance, self.request.user)

    def get_success_url(self):
        return self._back()


class _RowFormView(ServiceFormView):
    """A form acting on one row of an alliance (commitment item, problem, project)."""

    template_name = "alliance/form.html"
    model = None
    form_class = None
    title = ""
    anchor = ""
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.alliance = selectors.alliance_for(request.user, kwargs["pk"])
            self.row = _get_row(request.user, self.model, kwargs["row"], self.alliance.pk)
            if not can(request.user, Action.CHANGE, self.row):
                raise PermissionDenied(_("You cannot change this record."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "alliance": self.alliance,
            "row": self.row,
            "section": "party",
            "back": f"{reverse('alliance:detail', args=[self.alliance.pk])}#{self.anchor}",
        }

    def get_success_url(self):
        return f"{reverse('alliance:detail', args=[self.alliance.pk])}#{self.anchor}"


def _get_row(user, model, row_pk, alliance_pk, action=Action.VIEW):
    """A row of ``model`` belonging to the alliance (404 when not, or out of the user's scope)."""
    return selectors.get_in(user, model, row_pk, action, **{model.alliance_lookup: alliance_pk})


class ItemUpdateView(_RowFormView):
    model = CommitmentItem
    form_class = forms.ItemForm
    title = gettext_lazy("Commitment fulfilment")
    anchor = "commitments"

    def get_initial(self):
        return {"status": self.row.status, "evidence": self.row.evidence, "fulfilled_on": self.row.fulfilled_on}

    def perform(self, form):
        return services.commitment_item_update(actor=self.request.user, item=self.row, **form.cleaned_data)


class ProblemSolveView(_RowFormView):
    model = Problem
    form_class = forms.SolveForm
    title = gettext_lazy("Mark the problem solved")
    anchor = "problems"

    def perform(self, form):
        return services.problem_solve(actor=self.request.user, problem=self.row, **form.cleaned_data)


class ProjectUpdateView(_RowFormView):
    model = PartnerProject
    form_class = forms.ProjectForm
    title = gettext_lazy("Cooperative project")
    anchor = "partners"

    def get_initial(self):
        p = self.row
        return {
            "title": p.title,
            "description": p.description,
            "status": p.status,
            "started_on": p.started_on,
            "finished_on": p.finished_on,
        }

    def perform(self, form):
        return services.project_update(actor=self.request.user, project=self.row, **form.cleaned_data)


class ProjectAddView(_RowFormView):
    """Add a project to a partner (the row is the partner)."""

    model = Partner
    form_class = forms.ProjectForm
    title = gettext_lazy("Add a cooperative project")
    anchor = "partners"

    def perform(self, form):
        return services.project_add(actor=self.request.user, partner=self.row, **form.cleaned_data)


def _post_action(request, pk, row, model, fn, ok_message):
    alliance = selectors.alliance_for(request.user, pk)
    obj = _get_row(request.user, model, row, alliance.pk)
    try:
        fn(obj)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, ok_message)
    return alliance


@login_required
@require_POST
def problem_to_case(request, pk, row):
    def go(problem):
        case = services.problem_to_case(actor=request.user, problem=problem)
        request._case = case

    alliance = _post_action(request, pk, row, Problem, go, _("A work order has been opened for the problem."))
    return redirect(f"{reverse('alliance:detail', args=[alliance.pk])}#problems")


@login_required
@require_POST
def wish_fulfil(request, pk, row):
    alliance = _post_action(
        request,
        pk,
        row,
        WishClaim,
        lambda claim: services.wish_claim_fulfil(actor=request.user, claim=claim),
        _("The wish is marked fulfilled."),
    )
    return redirect(f"{reverse('alliance:detail', args=[alliance.pk])}#wishes")


# --- 双报到: an in-service party member claims a project ------------------------------------------------------


def _inservice(user, pk):
    from linli.party import selectors as party

    return party.inservice_for(user, pk)


def _inservice_url(member_id) -> str:
    return f"{reverse('party:inservice_detail', args=[member_id])}#projects"


class ProjectClaimView(ServiceFormView):
    """Claim a planned or running cooperative project of the member's community for an in-service member."""

    template_name = "alliance/form.html"
    form_class = forms.ProjectClaimForm
    success_message = gettext_lazy("Project claimed.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.member = _inservice(request.user, kwargs["member"])
            if not can_at(request.user, Action.ADD, ProjectClaim, self.member.scope_path):
                raise PermissionDenied(_("You cannot claim projects for this member."))
            self.projects = list(selectors.claimable_projects(request.user, self.member))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projects": self.projects}

    def get_initial(self):
        return {"claimed_on": dates.today()}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "section": "party",
            "row": self.member,
            "title": _("Claim a cooperative project"),
            "back": _inservice_url(self.member.pk),
            "no_projects": not self.projects,
        }

    def perform(self, form):
        project = next(p for p in self.projects if p.pk == form.cleaned_data["project"])
        return services.project_claim(
            actor=self.request.user,
            project=project,
            member=self.member,
            role=form.cleaned_data["role"],
            claimed_on=form.cleaned_data["claimed_on"],
        )

    def get_success_url(self):
        return _inservice_url(self.member.pk)


@login_required
@require_POST
def project_claim_release(request, row):
    claim = selectors.get_in(request.user, ProjectClaim, row)
    try:
        services.project_claim_release(actor=request.user, claim=claim)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Released."))
    return redirect(_inservice_url(claim.member_id))
