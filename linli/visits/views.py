"""Visit pages: the due list (grid worker), visit logs with one-click follow-up of needs, pairings, errands."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error
from linli.orgs.models import Organisation
from linli.registry import selectors as reg
from linli.registry.pickers import ONLY

from . import selectors, services
from .forms import BatchDoneForm, CareEventForm, CaseForm, ErrandForm, PairingForm, RuleForm, VisitForm
from .models import CareEvent, Errand, Pairing, Visit, VisitNeed, VisitRule


def _resident(request, action=Action.VIEW):
    pk = request.GET.get("resident") or request.POST.get("resident")
    if not pk or not str(pk).isdigit():
        return None
    return get_object_or_404(reg.residents(request.user, action=action), pk=pk)


def _page(request, qs, n=50):
    return Paginator(qs, n).get_page(request.GET.get("page"))


DUE_PAGE = 25


def _due_page(request, form=None):
    items = selectors.worklist(selectors.due_visits(request.user))
    page = Paginator(items, DUE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/due.html",
        {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "groups": selectors.grouped(page.object_list),
            "total": len(items),
            "overdue": sum(1 for d in items if d.overdue_days),
            "batch_form": form or BatchDoneForm(),
        },
    )


@login_required
def due(request):
    """The worklist (待走访): paged, grouped by grid and building, most urgent first; tick several and record
    one visit each with one submit."""
    if not may_any(request.user, Visit, Action.ADD):
        raise PermissionDenied
    return _due_page(request)


@login_required
@require_POST
def due_done(request):
    if not may_any(request.user, Visit, Action.ADD):
        raise PermissionDenied
    form = BatchDoneForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("resident") if v.isdigit()]
    # only residents the user may see; one missing (out of scope, or made up) refuses the whole batch
    residents = list(reg.residents(request.user).filter(pk__in=ids))
    by_pk = {r.pk: r for r in residents}
    if not ids:
        form.add_error(None, _("Tick the entries you have visited."))
    elif len(by_pk) != len(set(ids)):
        form.add_error(None, _("Some of the chosen residents are not in your area."))
    if form.is_valid():
        try:
            visits = services.visit_log_batch(
                actor=request.user, residents=[by_pk[i] for i in dict.fromkeys(ids)], **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(
                request, ngettext("%(n)s visit recorded.", "%(n)s visits recorded.", len(visits)) % {"n": len(visits)}
            )
            return redirect("visits:due")
    return _due_page(request, form)


@login_required
def visit_list(request):
    if not may_any(request.user, Visit):
        raise PermissionDenied
    page = _page(request, selectors.visits(request.user))
    return render(
        request,
        "visits/visit_list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "may_add": may_any(request.user, Visit, Action.ADD),
            "may_export": may_any(request.user, Visit, Action.EXPORT),
        },
    )


@login_required
def visit_create(request):
    resident = _resident(request)
    pairing = None
    if request.GET.get("pairing") or request.POST.get("pairing"):
        pairing = get_object_or_404(
            selectors.pairings(request.user), pk=request.GET.get("pairing") or request.POST.get("pairing")
        )
        resident = resident or pairing.resident
    if resident is None:
        messages.info(request, _("Choose a resident from the due list or the resident's record first."))
        return redirect("visits:due")
    form = VisitForm(request.POST or None, initial={"kind": "pairing" if pairing else "routine"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        need_lines = (data.pop("needs") or "").splitlines()
        try:
            visit = services.visit_log(actor=request.user, resident=resident, pairing=pairing, needs=need_lines, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("visits:detail", pk=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form, "resident": resident, "pairing": pairing})


def _categories():
    if not services.workorders_available():
        return []
    from linli.workorders.models import Category

    return list(
        Category.objects.filter(is_active=True, children__isnull=True)
        .order_by("code")
        .values_list("code", "name")[:200]
    )


@login_required
def visit_detail(request, pk):
    visit = get_object_or_404(selectors.visits(request.user), pk=pk)
    categories = _categories()
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "needs": selectors.needs(request.user, visit),
            "may_follow": visit.visitor_id == request.user.pk or can(request.user, Action.CHANGE, visit),
            "case_form": CaseForm(categories=categories),
            "workorders": bool(categories),
        },
    )


@login_required
@require_POST
def need_action(request, pk, action):
    need = get_object_or_404(restrict(VisitNeed.objects.all(), request.user), pk=pk)
    try:
        if action == "wish":
            wish = services.need_to_wish(actor=request.user, need=need)
            messages.success(request, _("Micro-wish #%(n)s submitted for review.") % {"n": wish.pk})
        elif action == "case":
            form = CaseForm(request.POST, categories=_categories())
            if not form.is_valid():
                raise ValidationError(_("Work orders are not available yet, or no category was chosen."))
            case = services.need_to_case(actor=request.user, need=need, category=form.cleaned_data["category"])
            messages.success(request, _("Work order #%(n)s created.") % {"n": case.pk})
        elif action == "close":
            services.need_close(actor=request.user, need=need)
            messages.success(request, _("Marked as handled on the spot."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("visits:detail", pk=need.visit_id)


@login_required
def pairing_list(request):
    if not may_any(request.user, Pairing):
        raise PermissionDenied
    page = _page(request, selectors.pairings(request.user))
    return render(request, "visits/pairing_list.html", {"page_obj": page, "object_list": page.object_list})


@login_required
def pairing_create(request):
    resident = _resident(request)
    if resident is None:
        messages.info(request, _("Choose a resident from the resident's record first."))
        return redirect("visits:pairings")
    # party members the user may see, found by typing (a select of every member was ~170 unsorted names)
    members = reg.residents(request.user).filter(ONLY["party"]).exclude(pk=resident.pk)
    orgs = restrict(Organisation.objects.filter(is_active=True), request.user).order_by("name")
    form = PairingForm(request.POST or None, members=members, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_create(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Pairing recorded."))
            return redirect("visits:pairings")
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "resident": resident, "title": _("Pair with a household in need")},
    )


@login_required
@require_POST
def pairing_end(request, pk):
    pairing = get_object_or_404(selectors.pairings(request.user), pk=pk)
    try:
        services.pairing_end(actor=request.user, pairing=pairing)
        messages.success(request, _("Pairing ended."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("visits:pairings")


@login_required
def event_create(request):
    resident = _resident(request)
    if resident is None or not may_any(request.user, CareEvent, Action.ADD):
        raise PermissionDenied
    form = CareEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_event_record(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Recorded: a visit is now due."))
            return redirect("visits:due")
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "resident": resident, "title": _("Record a must-visit event")},
    )


@login_required
def errand_list(request):
    if not may_any(request.user, Errand):
        raise PermissionDenied
    page = _page(request, selectors.errands(request.user))
    return render(
        request,
        "visits/errand_list.html",
        {"page_obj": page, "object_list": page.object_list, "may_export": may_any(request.user, Errand, Action.EXPORT)},
    )


@login_required
def errand_create(request):
    resident = _resident(request)
    if resident is None:
        messages.info(request, _("Choose a resident from the resident's record first."))
        return redirect("visits:errands")
    form = ErrandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.errand_record(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("visits:errands")
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "resident": resident, "title": _("Record an errand done on someone's behalf")},
    )


@login_required
def rules(request):
    """Visit rules: staff read them; the district administrator edits them."""
    if not may_any(request.user, VisitRule):
        raise PermissionDenied
    may_change = may_any(request.user, VisitRule, Action.CHANGE)
    items = []
    for rule in restrict(VisitRule.objects.all(), request.user).order_by("name"):
        bound = request.method == "POST" and request.POST.get("rule") == str(rule.pk)
        form = RuleForm(
            request.POST if bound else None,
            prefix=f"r{rule.pk}",
            initial={"name": rule.name, "days": rule.days, "starts_on": rule.starts_on, "is_active": rule.is_active},
        )
        if bound and may_change and form.is_valid():
            try:
                services.rule_update(
                    actor=request.user, rule=rule, **{k: v for k, v in form.cleaned_data.items() if v is not None}
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("visits:rules")
        items.append((rule, form))
    # A rule names its care group by code; show the group's name (a hidden sensitive group stays a code-free "—").
    names = dict(reg.visible_tags(request.user, include_inactive=True).values_list("code", "name"))
    for rule, _form in items:
        rule.tag_name = names.get(rule.tag_code, "—") if rule.tag_code else ""
    return render(request, "visits/rules.html", {"items": items, "may_change": may_change})


@login_required
def visits_export(request):
    from .exporting import export_visits

    out, _n = export_visits(actor=request.user)
    return FileResponse(out, as_attachment=True, filename=f"visits-{dates.today():%Y%m%d}.xlsx")


@login_required
def errands_export(request):
    from .exporting import export_errands

    out, _n = export_errands(actor=request.user)
    return FileResponse(out, as_attachment=True, filename=f"errands-{dates.today():%Y%m%d}.xlsx")
