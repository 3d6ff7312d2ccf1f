"""Pages of 双报到: in-service members, employer registrations (共驻共建), posts and claims, service records,
and the quarterly record sheet for employers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, can_at, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView
from linli.orgs.models import Organisation
from linli.registry.selectors import resident_for

from .. import conf, exporting, selectors, services
from ..forms import ClaimForm, InServiceFilterForm, PostForm, RecordForm, RegistrationForm, ReportForm, SheetForm
from ..hooks import hooks
from ..models import EmployerRegistration, InServiceMember, PostClaim, ServicePost, ServiceRecord
from .common import SECTION, XLSX, place_field


def _employers(user):
    """Organisations a member may name as employer: every active registered organisation the user can see."""
    return restrict(Organisation.objects.filter(is_active=True), user).order_by("kind", "name")


class InServiceListView(ScopedListView):
    model = InServiceMember
    template_name = "party/inservice_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, InServiceMember):
            raise PermissionDenied
        form = self.filter_form = InServiceFilterForm(self.request.GET)
        self.under = None
        if not form.is_valid():
            return InServiceMember.objects.none()
        data = form.cleaned_data
        if data["under"]:
            self.under = place_field(user, form, "under", data["under"])
            if self.under is None:
                return InServiceMember.objects.none()
        qs = selectors.inservice(
            user, under=self.under.path if self.under else None, q=data["q"], stale=True if data["stale"] else None
        )
        return selectors.inservice_hours_in(qs, dates.today().year)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = dates.today()
        ctx.update(
            {
                "section": SECTION,
                "filter_form": self.filter_form,
                "under": self.under,
                "stale_before": conf.stale_before(today),
                "stale_months": conf.stale_months(),
                "year": today.year,
                "may_add": may_any(self.request.user, InServiceMember, Action.ADD),
            }
        )
        return ctx


def _panels(user, member) -> list[dict]:
    """The panels other domains add to the member's page (``hooks.inservice_panels``), each with its context."""
    out = []
    for panel in hooks.inservice_panels:
        ctx = panel.context(user, member)
        if ctx is not None:
            out.append({"panel": panel, "template": panel.template, **ctx})
    return out


@login_required
def inservice_detail(request, pk: int):
    user = request.user
    member = selectors.inservice_for(user, pk)
    today = dates.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    may_record = member.is_active and can_at(user, Action.ADD, ServiceRecord, member.scope_path)
    return render(
        request,
        "party/inservice_detail.html",
        {
            "section": SECTION,
            "member": member,
            "claims": list(selectors.claims_of(user, member)),
            "records": list(selectors.records(user, member=member)[:100]),
            "hours": selectors.service_hours(member, year),
            "year": year,
            "stale": member.is_stale(today),
            "stale_months": conf.stale_months(),
            "sheet_form": SheetForm(initial={"year": year, "quarter": quarter}),
            "may_export": can(user, Action.EXPORT, member),
            "may_record": may_record,
            "record_form": RecordForm(
                initial={"date": today}, posts=[c.post for c in selectors.claims_of(user, member) if c.is_active]
            )
            if may_record
            else None,
            "may_change": member.is_active and can(user, Action.CHANGE, member),
            "panels": _panels(user, member),
        },
    )


class ReportView(ServiceFormView):
    """在职党员报到 (first or repeated): employer, skills, intention."""

    template_name = "party/form.html"
    form_class = ReportForm

    def dispatch(self, request, *args, **kwargs):
        self.member = None
        if request.user.is_authenticated:
            if "pk" in kwargs:
                self.member = selectors.inservice_for(request.user, kwargs["pk"])
                if not can(request.user, Action.CHANGE, self.member):
                    raise PermissionDenied
            elif not may_any(request.user, InServiceMember, Action.ADD):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["organisations"] = list(_employers(self.request.user))
        return kw

    def get_initial(self):
        m = self.member
        if m is None:
            r = self.request.GET.get("resident", "")
            return {"reported_on": dates.today(), **({"resident": int(r)} if r.isdigit() else {})}
        return {
            "resident": m.resident_id,
            "community": m.community.code,
            "employer": m.employer_id,
            "employer_party_org": m.employer_party_org,
            "skills": m.skills,
            "service_intention": m.service_intention,
            "reported_on": dates.today(),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "title": _("In-service party member reports to the community"),
                "cancel_url": reverse("party:inservice_detail", args=[self.member.pk])
                if self.member
                else reverse("party:inservice_list"),
            }
        )
        return ctx

    def perform(self, form):
        user = self.request.user
        data = form.cleaned_data
        resident = resident_for(user, data["resident"])
        if resident is None:
            raise ValidationError({"resident": _("No resident with this record number.")})
        community = place_field(user, form, "community", data["community"])
        if community is None:
            raise ValidationError({"community": _("Unknown place code.")})
        employer = _employers(user).filter(pk=data["employer"]).first()
        if employer is None:
            raise ValidationError({"employer": _("Unknown organisation.")})
        return services.inservice_report(
            actor=user,
            resident=resident,
            community=community,
            employer=employer,
            reported_on=data["reported_on"],
            employer_party_org=data["employer_party_org"],
            skills=data["skills"],
            service_intention=data["service_intention"],
        )

    def get_success_url(self):
        return reverse("party:inservice_detail", args=[self.object.pk])


@login_required
@require_POST
def record_add(request, pk: int):
    user = request.user
    member = selectors.inservice_for(user, pk)
    claims = [c for c in selectors.claims_of(user, member) if c.is_active]
    form = RecordForm(request.POST, posts=[c.post for c in claims])
    if form.is_valid():
        data = form.cleaned_data
        post = next((c.post for c in claims if c.post_id == data["post"]), None)
        try:
            services.service_record_add(
                actor=user,
                member=member,
                date=data["date"],
                content=data["content"],
                hours=data["hours"],
                post=post,
                source=data["source"],
            )
            messages.success(request, _("Service recorded."))
            return HttpResponseRedirect(reverse("party:inservice_detail", args=[member.pk]))
        except ValidationError as exc:
            from linli.core.views import apply_validation_error

            apply_validation_error(form, exc)
    return render(
        request,
        "party/form.html",
        {
            "section": SECTION,
            "form": form,
            "title": _("Record a service of %(name)s") % {"name": member.resident.name},
            "cancel_url": reverse("party:inservice_detail", args=[member.pk]),
        },
        status=400,
    )


@login_required
@require_POST
def record_delete(request, pk: int):
    record = get_object_or_404(restrict(ServiceRecord.objects.all(), request.user), pk=pk)
    services.service_record_delete(actor=request.user, record=record)
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("party:inservice_detail", args=[record.member_id]))


@login_required
def quarter_sheet(request, pk: int):
    """The quarterly service record sheet of one in-service member, for the employer (xlsx, audited)."""
    user = request.user
    member = selectors.inservice_for(user, pk)
    form = SheetForm(request.GET)
    if not form.is_valid():
        raise Http404
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    out = exporting.export_quarter_sheet(actor=user, members=[member], year=year, quarter=quarter)
    name = f"{member.resident.name}-{year}Q{quarter}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def employer_sheet(request, pk: int):
    """The quarterly sheets of every in-service member of one employer the user may export (one workbook)."""
    user = request.user
    employer = get_object_or_404(restrict(Organisation.objects.all(), user), pk=pk)
    form = SheetForm(request.GET)
    if not form.is_valid():
        raise Http404
    members = list(selectors.inservice(user, action=Action.EXPORT, employer=employer))
    if not members:
        raise Http404
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    out = exporting.export_quarter_sheet(actor=user, members=members, year=year, quarter=quarter)
    return FileResponse(out, as_attachment=True, filename=f"{employer.name}-{year}Q{quarter}.xlsx", content_type=XLSX)


@login_required
@require_POST
def inservice_end(request, pk: int):
    member = selectors.inservice_for(request.user, pk)
    services.inservice_end(actor=request.user, member=member)
    messages.success(request, _("The in-service registration has ended."))
    return HttpResponseRedirect(reverse("party:inservice_detail", args=[member.pk]))


# -- employers (共驻共建) ---------------------------------------------------------------------------------------------


@login_required
def employer_list(request):
    user = request.user
    if not may_any(user, EmployerRegistration):
        raise PermissionDenied
    regs = list(selectors.registrations(user))
    counts = {}
    for m in selectors.inservice(user):
        key = (m.employer_id, m.community_id)
        counts[key] = counts.get(key, 0) + 1
    for r in regs:
        r.n_members = counts.get((r.organisation_id, r.community_id), 0)
    today = dates.today()
    return render(
        request,
        "party/employer_list.html",
        {
            "section": SECTION,
            "registrations": regs,
            "year": today.year,
            "quarter": (today.month - 1) // 3 + 1,
            "may_add": may_any(user, EmployerRegistration, Action.ADD),
        },
    )


class RegistrationView(ServiceFormView):
    template_name = "party/form.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, EmployerRegistration, Action.ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["organisations"] = list(_employers(self.request.user))
        return kw

    def get_initial(self):
        return {"registered_on": dates.today()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "title": _("An organisation registers with the community"),
                "cancel_url": reverse("party:employer_list"),
            }
        )
        return ctx

    def perform(self, form):
        user = self.request.user
        data = dict(form.cleaned_data)
        organisation = _employers(user).filter(pk=data.pop("organisation")).first()
        if organisation is None:
            raise ValidationError({"organisation": _("Unknown organisation.")})
        community = place_field(user, form, "community", data.pop("community"))
        if community is None:
            raise ValidationError({"community": _("Unknown place code.")})
        return services.employer_register(actor=user, organisation=organisation, community=community, **data)

    def get_success_url(self):
        return reverse("party:employer_list")


# -- posts (认领岗位) ------------------------------------------------------------------------------------------------


@login_required
def post_list(request):
    user = request.user
    if not may_any(user, ServicePost):
        raise PermissionDenied
    return render(
        request,
        "party/post_list.html",
        {
            "section": SECTION,
            "posts": list(selectors.posts(user)),
            "may_add": may_any(user, ServicePost, Action.ADD),
        },
    )


class PostCreateView(ServiceFormView):
    template_name = "party/form.html"
    form_class = PostForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, ServicePost, Action.ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"section": SECTION, "title": _("New service post"), "cancel_url": reverse("party:post_list")})
        return ctx

    def perform(self, form):
        user = self.request.user
        data = dict(form.cleaned_data)
        community = place_field(user, form, "community", data.pop("community"))
        if community is None:
            raise ValidationError({"community": _("Unknown place code.")})
        return services.post_create(actor=user, community=community, **data)

    def get_success_url(self):
        return reverse("party:post_detail", args=[self.object.pk])


@login_required
def post_detail(request, pk: int):
    user = request.user
    post = selectors.post_for(user, pk)
    claims = list(
        restrict(PostClaim.objects.filter(post=post), user)
        .select_related("member__resident", "member__employer")
        .order_by("-is_active", "-claimed_on")
    )
    may_claim = post.is_open and can_at(user, Action.ADD, PostClaim, post.scope_path)
    form = None
    if may_claim:
        taken = {c.member_id for c in claims if c.is_active}
        form = ClaimForm(
            members=[m for m in selectors.inservice(user).filter(community=post.community) if m.pk not in taken]
        )
    return render(
        request,
        "party/post_detail.html",
        {
            "section": SECTION,
            "post": post,
            "claims": claims,
            "claim_form": form,
            "free": post.slots - sum(1 for c in claims if c.is_active),
            "may_change": can(user, Action.CHANGE, post),
        },
    )


@login_required
@require_POST
def post_claim(request, pk: int):
    user = request.user
    post = selectors.post_for(user, pk)
    form = ClaimForm(request.POST, members=list(selectors.inservice(user).filter(community=post.community)))
    if not form.is_valid():
        messages.error(request, _("Choose an in-service member of this community."))
    else:
        member = selectors.inservice_for(user, form.cleaned_data["member"])
        try:
            services.post_claim(actor=user, post=post, member=member)
            messages.success(request, _("Post claimed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("party:post_detail", args=[post.pk]))


@login_required
@require_POST
def post_toggle(request, pk: int):
    post = selectors.post_for(request.user, pk)
    services.post_update(actor=request.user, post=post, is_open=not post.is_open)
    return HttpResponseRedirect(reverse("party:post_detail", args=[post.pk]))


@login_required
@require_POST
def claim_release(request, pk: int):
    claim = get_object_or_404(restrict(PostClaim.objects.all(), request.user), pk=pk)
    try:
        services.post_release(actor=request.user, claim=claim)
        messages.success(request, _("Released."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("party:post_detail", args=[claim.post_id]))
