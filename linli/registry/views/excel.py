"""Import and export pages: thin — parse, call ``importing.services`` / ``exporting``, render.

A job is visible to its uploader only (404 for anyone else). The job page polls a small progress partial every
second with htmx while the check or the import runs; without JavaScript a ``<noscript>`` refresh reloads it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, may_any
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error
from linli.orgs.models import Organisation

from .. import exporting, selectors
from ..forms import HouseholdFilterForm, ResidentFilterForm
from ..importing import services
from ..importing.columns import SPECS, build_template
from ..importing.forms import ImportForm
from ..importing.messages import render as render_message
from ..importing.reader import limit
from ..models import ImportJob, ImportKind, ImportStatus, Resident

SECTION = "management"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_job(user, pk: int) -> ImportJob:
    job = services.job_for(user, pk)
    if job is None:
        raise Http404
    return job


def _io_context(user) -> dict:
    return {
        "section": SECTION,
        "kinds": services.kinds_for(user),
        "may_export_residents": may_any(user, Resident, Action.EXPORT),
        "may_export_organisations": may_any(user, Organisation, Action.VIEW),
    }


# -- imports ------------------------------------------------------------------------------------------


class ImportListView(ScopedListView):
    """My recent import jobs, the templates and the exports."""

    model = ImportJob
    template_name = "registry/io/import_list.html"
    paginate_by = 20
    htmx_partial = None

    def get_base_queryset(self):
        return services.jobs(self.request.user).select_related(None)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_io_context(self.request.user))
        return ctx


class ImportCreateView(ServiceFormView):
    template_name = "registry/io/import_form.html"
    form_class = ImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.kinds_for(request.user):
            raise PermissionDenied(_("You may not import records."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in SPECS else {}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, kinds=services.kinds_for(self.request.user))
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        job = services.import_upload(
            actor=self.request.user, kind=data["kind"], upload=data["file"], place=data["place"]
        )
        services.start_validation(job)
        return job

    def get_success_url(self):
        return reverse("registry:import_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_io_context(self.request.user))
        ctx["max_mb"] = limit("LINLI_IMPORT_MAX_MB")
        ctx["max_rows"] = f"{limit('LINLI_IMPORT_MAX_ROWS'):,}"
        return ctx


def _problems(job: ImportJob, page):
    spec = SPECS[job.kind]
    order = {key: i for i, key in enumerate(spec.keys)}
    rows = []
    for issue in page:
        items = []
        for key in sorted(issue.errors, key=lambda k: order.get(k, 99)):
            header = spec.column(key).header if key in order else key
            items += [(header, render_message(code, params)) for code, params in issue.errors[key]]
        rows.append(
            {"row": issue.row, "label_parts": issue.label.rsplit(" ", 1) if issue.label else [], "items": items}
        )
    return rows


@never_cache
@login_required
def import_detail(request, pk: int):
    job = get_job(request.user, pk)
    ctx = {"job": job, "section": SECTION, "spec": SPECS[job.kind]}
    if job.status == ImportStatus.INVALID:
        paginator = Paginator(job.issues.order_by("row"), 50)
        page = paginator.get_page(request.GET.get("page"))
        ctx.update(page_obj=page, is_paginated=page.has_other_pages(), problems=_problems(job, page), querystring="")
    return render(request, "registry/io/import_detail.html", ctx)


@never_cache
@login_required
def import_progress(request, pk: int):
    job = get_job(request.user, pk)
    response = render(request, "registry/io/import_detail.html#progress", {"job": job})
    if not job.is_running and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"  # show the result: errors, the commit button, the counts
    return response


@require_POST
@login_required
def import_commit(request, pk: int):
    job = get_job(request.user, pk)
    try:
        job = services.request_commit(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        services.start_commit(job)
    return HttpResponseRedirect(reverse("registry:import_detail", args=[job.pk]))


@require_POST
@login_required
def import_discard(request, pk: int):
    job = get_job(request.user, pk)
    try:
        services.discard(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("registry:import_detail", args=[job.pk]))
    messages.success(request, _("The file has been discarded."))
    return HttpResponseRedirect(reverse("registry:import_list"))


@never_cache
@login_required
def import_errors(request, pk: int):
    job = get_job(request.user, pk)
    if job.status != ImportStatus.INVALID:
        raise Http404
    out = services.error_file(actor=request.user, job=job)
    name = f"{job.file_name.rsplit('.', 1)[0]}-{_('errors')}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_template(request, kind: str):
    if kind not in SPECS:
        raise Http404
    data = build_template(kind, max_rows=limit("LINLI_IMPORT_MAX_ROWS"), max_mb=limit("LINLI_IMPORT_MAX_MB"))
    response = HttpResponse(data, content_type=XLSX)
    name = _("%(kind)s import template") % {"kind": ImportKind(kind).label} + ".xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# -- exports ------------------------------------------------------------------------------------------


def _description(request) -> dict:
    return {k: v for k, v in request.GET.items() if k not in ("download", "page") and v}


def _download(out, stem: str) -> FileResponse:
    name = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


def _confirm(request, *, title, count, form, back_url, errors=()):
    params = request.GET.copy()
    params["download"] = "1"
    return render(
        request,
        "registry/io/export_confirm.html",
        {
            "section": SECTION,
            "title": title,
            "count": count,
            "form": form,
            "errors": errors,
            "download_url": f"{request.path}?{params.urlencode()}",
            "back_url": back_url,
            "filters": _description(request),
        },
    )


@never_cache
@login_required
def resident_export(request):
    """The resident list with the list page's GET filters, as xlsx (masked, audited); a confirmation first."""
    user = request.user
    if not may_any(user, Resident, Action.EXPORT):
        raise PermissionDenied(_("You may not export residents."))
    form = ResidentFilterForm(request.GET, tags=list(selectors.visible_tags(user)))
    back = reverse("registry:resident_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    place = None
    if form.is_valid() and form.cleaned_data["place"]:
        try:
            place = place_by_code(user, form.cleaned_data["place"], field="place")
        except ValidationError as exc:
            apply_validation_error(form, exc)
    if not form.is_valid():
        return _confirm(request, title=_("Export residents"), count=None, form=form, back_url=back)
    data = form.cleaned_data
    filters = {
        "q": data["q"],
        "tag": data["tag"] or None,
        "age_min": data["age_min"],
        "age_max": data["age_max"],
        "status": data["status"] or None,
        "include_inactive": data["inactive"],
    }
    try:
        if request.GET.get("download"):
            out, _count = exporting.export_residents(
                actor=user, filters=filters, place=place, description=_description(request)
            )
            return _download(out, _("residents"))
        count = selectors.residents(user, place=place, action=Action.EXPORT, **filters).count()
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _confirm(request, title=_("Export residents"), count=None, form=form, back_url=back)
    return _confirm(request, title=_("Export residents"), count=count, form=form, back_url=back)


@never_cache
@login_required
def household_export(request):
    user = request.user
    if not may_any(user, Resident, Action.EXPORT):
        raise PermissionDenied(_("You may not export residents."))
    form = HouseholdFilterForm(request.GET)
    back = reverse("registry:household_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    place = None
    if form.is_valid() and form.cleaned_data["place"]:
        try:
            place = place_by_code(user, form.cleaned_data["place"], field="place")
        except ValidationError as exc:
            apply_validation_error(form, exc)
    if not form.is_valid():
        return _confirm(request, title=_("Export households"), count=None, form=form, back_url=back)
    if request.GET.get("download"):
        out, _count = exporting.export_households(
            actor=user, q=form.cleaned_data["q"], place=place, description=_description(request)
        )
        return _download(out, _("households"))
    count = selectors.households(user, q=form.cleaned_data["q"], place=place).count()
    return _confirm(request, title=_("Export households"), count=count, form=form, back_url=back)


@never_cache
@login_required
def organisation_export(request):
    from linli.orgs.forms import OrganisationFilterForm

    user = request.user
    if not may_any(user, Organisation, Action.VIEW):
        raise PermissionDenied(_("You may not export organisations."))
    form = OrganisationFilterForm(request.GET)
    back = reverse("orgs:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not form.is_valid():
        return _confirm(request, title=_("Export organisations"), count=None, form=form, back_url=back)
    q, kind = form.cleaned_data.get("q") or "", form.cleaned_data.get("kind") or ""
    if request.GET.get("download"):
        out, _count = exporting.export_organisations(actor=user, q=q, kind=kind, description=_description(request))
        return _download(out, _("organisations"))
    return _confirm(request, title=_("Export organisations"), count=None, form=form, back_url=back)
