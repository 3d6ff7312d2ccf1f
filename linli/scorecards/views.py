"""Score-card pages: runs, cards that explain themselves, 公示 with objections, export, certificates, settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from . import exporting, selectors, services
from .forms import AnswerForm, IndicatorForm, ObjectionForm, RunForm, SettingsForm
from .models import CardSettings, CardType, Indicator, Objection, ScoreRun


class RunListView(ScopedListView):
    model = ScoreRun
    template_name = "scorecards/run_list.html"

    def get_queryset(self):
        qs = selectors.runs(self.request.user)
        card_type = self.request.GET.get("card_type", "")
        if card_type in CardType.values:
            qs = qs.filter(card_type=card_type)
        year = self.request.GET.get("year", "")
        if year.isdigit():
            qs = qs.filter(year=int(year))
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            section="party",
            can_add=may_any(user, ScoreRun, Action.ADD),
            card_types=CardType.choices,
            my_cards=list(selectors.my_cards(user)[:20]),
            can_configure=may_any(user, Indicator, Action.CHANGE),
            can_read_settings=may_any(user, Indicator, Action.VIEW),
        )
        return ctx


class RunCreateView(ServiceFormView):
    template_name = "scorecards/form.html"
    form_class = RunForm
    success_message = gettext_lazy("The score cards have been computed.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, ScoreRun, Action.ADD):
            raise PermissionDenied(_("You cannot compute score cards."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Compute score cards"), "section": "party"}

    def perform(self, form):
        return services.run_compute(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("scorecards:run", args=[self.object.pk])


@login_required
def run_detail(request, pk):
    user = request.user
    run = selectors.run_for(user, pk)
    q = request.GET.get("q", "").strip()[:60]
    stars = request.GET.get("stars", "")
    qs = selectors.cards(user, run, q=q, stars=int(stars) if stars in {"1", "2", "3", "4", "5"} else None)
    from django.core.paginator import Paginator

    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "run": run,
        "page_obj": page,
        "object_list": page.object_list,
        "is_paginated": page.has_other_pages(),
        "querystring": params.urlencode(),
        "q": q,
        "stars": stars,
        "section": "party",
        "star_counts": selectors.star_counts(user, run),
        "objections": list(selectors.objections(user, run)),
        "can_change": can(user, Action.CHANGE, run),
        "can_export": can(user, Action.EXPORT, run),
        "notice_open": services.notice_open(run),
        "today": dates.today(),
        "indicators": (run.rules or {}).get("indicators", []),
        "answer_form": AnswerForm(),
    }
    template = "scorecards/run_detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, ctx)


@login_required
@require_POST
def run_action(request, pk, action):
    run = selectors.run_for(request.user, pk)
    fns = {"publicise": services.run_publicise, "finalise": services.run_finalise}
    try:
        if action == "recompute":
            services.run_compute(actor=request.user, place=run.place, year=run.year, card_type=run.card_type)
        elif action in fns:
            fns[action](actor=request.user, run=run)
        else:
            raise Http404
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Done."))
    return redirect("scorecards:run", pk=run.pk)


@login_required
def run_export(request, pk):
    run = selectors.run_for(request.user, pk)
    out, _count = exporting.export_run(actor=request.user, run=run)
    name = f"scorecards-{run.year}-{run.card_type}-{run.place.code}.xlsx"
    return FileResponse(
        out,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def card_detail(request, pk):
    user = request.user
    card = selectors.card_for(user, pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_raise(actor=user, run=card.run, card=card, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your objection has been recorded."))
            return redirect("scorecards:card", pk=card.pk)
    return render(
        request,
        "scorecards/card_detail.html",
        {
            "card": card,
            "run": card.run,
            "form": form,
            "section": "party",
            "notice_open": services.notice_open(card.run),
            "objections": list(restrict(Objection.objects.filter(card=card), user).select_related("raised_by")),
            "can_see_run": can(user, Action.VIEW, card.run),
        },
    )


@login_required
def card_certificate(request, pk):
    card = selectors.card_for(request.user, pk)
    return render(request, "scorecards/certificate.html", {"card": card, "run": card.run, "issued": dates.today()})


@login_required
@require_POST
def objection_answer(request, pk):
    objection = get_object_or_404(restrict(Objection.objects.select_related("run"), request.user), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer."))
    else:
        try:
            services.objection_answer(actor=request.user, objection=objection, response=form.cleaned_data["response"])
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("The answer has been recorded."))
    return redirect(f"{reverse('scorecards:run', args=[objection.run_id])}#objections")


@login_required
def settings_page(request):
    user = request.user
    if not may_any(user, Indicator, Action.VIEW):
        raise PermissionDenied
    editable = may_any(user, Indicator, Action.CHANGE)
    groups = []
    for value, label in CardType.choices:
        cfg = services.settings_for(value)
        groups.append(
            {
                "type": value,
                "label": label,
                "settings": cfg,
                "indicators": list(Indicator.objects.filter(card_type=value).order_by("order", "code")),
            }
        )
    return render(request, "scorecards/settings.html", {"groups": groups, "editable": editable, "section": "party"})


class IndicatorEditView(ServiceFormView):
    template_name = "scorecards/form.html"
    form_class = IndicatorForm
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.indicator = get_object_or_404(
                restrict(Indicator.objects.all(), request.user, Action.CHANGE), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.indicator, "card_type": self.indicator.card_type}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": str(self.indicator), "section": "party"}

    def perform(self, form):
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        self.indicator.refresh_from_db()
        return services.indicator_save(actor=self.request.user, indicator=self.indicator, **data)

    def get_success_url(self):
        return reverse("scorecards:settings")


class SettingsEditView(ServiceFormView):
    template_name = "scorecards/form.html"
    form_class = SettingsForm
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["card_type"] not in CardType.values:
            raise Http404
        if request.user.is_authenticated and not may_any(request.user, CardSettings, Action.CHANGE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": services.settings_for(self.kwargs["card_type"])}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "section": "party",
            "title": _("Stars and public notice: %(card)s") % {"card": CardType(self.kwargs["card_type"]).label},
        }

    def perform(self, form):
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        return services.settings_save(actor=self.request.user, card_type=self.kwargs["card_type"], **data)

    def get_success_url(self):
        return reverse("scorecards:settings")
