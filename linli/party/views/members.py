"""Members, committee seats and 党员中心户 (add, list with export, edit, transfer, end); a building; my membership."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView
from linli.registry.models import Household
from linli.registry.selectors import resident_for, resident_of

from .. import exporting, selectors, services
from ..forms import (
    CenterForm,
    EndMembershipForm,
    MemberAddForm,
    MemberEditForm,
    MemberFilterForm,
    SeatForm,
    TransferForm,
)
from ..models import BRANCH_KINDS, CenterHousehold, CommitteeSeat, PartyMember, PartyOrg, PartyOrgKind
from .common import SECTION, XLSX, place_field

# -- members --------------------------------------------------------------------------------------------------------


class _OrgChildForm(ServiceFormView):
    template_name = "party/form.html"
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.org = selectors.org_for(request.user, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.org):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "org": self.org,
                "title": self.title % {"name": self.org.name},
                "cancel_url": reverse("party:org_detail", args=[self.org.pk]),
            }
        )
        return ctx

    def get_success_url(self):
        return reverse("party:org_detail", args=[self.org.pk])


class MemberAddView(_OrgChildForm):
    form_class = MemberAddForm

    @property
    def title(self):
        return _("Register a member in %(name)s")

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["groups"] = list(selectors.orgs(self.request.user).filter(parent=self.org, kind=PartyOrgKind.GROUP))
        return kw

    def get_initial(self):
        r = self.request.GET.get("resident", "")
        return {"resident": int(r)} if r.isdigit() else {}

    def perform(self, form):
        user = self.request.user
        data = form.cleaned_data
        resident = resident_for(user, data["resident"])
        if resident is None:
            raise ValidationError({"resident": _("No resident with this record number.")})
        group = selectors.orgs(user).filter(pk=data["group"]).first() if data["group"] else None
        return services.member_add(
            actor=user,
            org=self.org,
            resident=resident,
            joined_on=data["joined_on"],
            status=data["status"],
            full_on=data["full_on"],
            group=group,
            dues_paid_until=data["dues_paid_until"],
        )


class SeatAddView(_OrgChildForm):
    form_class = SeatForm

    @property
    def title(self):
        return _("Add a committee seat in %(name)s")

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        if self.org.kind in BRANCH_KINDS or self.org.kind == PartyOrgKind.GROUP:
            rows = selectors.members(self.request.user, org=self.org, status="full")
        else:  # 社区党委 and the like: members of the branches under it
            rows = selectors.members(self.request.user, under=self.org.scope_path, status="full")
        kw["members"] = list(rows)
        return kw

    def perform(self, form):
        data = form.cleaned_data
        member = selectors.member_for(self.request.user, data["member"])
        return services.seat_add(
            actor=self.request.user,
            org=self.org,
            member=member,
            position=data["position"],
            term_start=data["term_start"],
        )


@login_required
@require_POST
def seat_end(request, pk: int):
    seat = get_object_or_404(restrict(CommitteeSeat.objects.all(), request.user), pk=pk)
    try:
        services.seat_end(actor=request.user, seat=seat)
        messages.success(request, _("The seat has ended."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("party:org_detail", args=[seat.org_id]))


def _viewable_orgs(user, ids) -> set[int]:
    """Of these party organisations, those whose page opens for ``user`` (a grid worker reads the members of
    their grid but not every branch's page): the others are named without a link."""
    ids = {i for i in ids if i}
    return set(restrict(PartyOrg.objects.filter(pk__in=ids), user).values_list("pk", flat=True)) if ids else set()


class MemberListView(ScopedListView):
    model = PartyMember
    template_name = "party/member_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, PartyMember):
            raise PermissionDenied
        form = self.filter_form = MemberFilterForm(self.request.GET)
        self.under = None
        self.filters = {}
        if not form.is_valid():
            return PartyMember.objects.none()
        data = form.cleaned_data
        if data["under"]:
            self.under = place_field(user, form, "under", data["under"])
            if self.under is None:
                return PartyMember.objects.none()
        self.filters = {
            "under": self.under.path if self.under else None,
            "status": data["status"] or None,
            "q": data["q"],
            "dues_overdue": data["dues"],
            "include_ended": data["ended"],
            "badge": data["badge"] or None,
        }
        return selectors.members(user, **self.filters)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        selectors.attach_badges(list(ctx["object_list"]))
        export = None
        if may_any(self.request.user, PartyMember, Action.EXPORT):
            export = reverse("party:member_export") + (f"?{ctx['querystring']}" if ctx["querystring"] else "")
        rows = list(ctx["object_list"])
        ctx.update(
            {
                "section": SECTION,
                "filter_form": self.filter_form,
                "under": self.under,
                "export_url": export,
                "today": dates.today(),
                "viewable_orgs": _viewable_orgs(self.request.user, {m.org_id for m in rows}),
            }
        )
        return ctx


@login_required
def member_export(request):
    user = request.user
    if not may_any(user, PartyMember, Action.EXPORT):
        raise PermissionDenied
    form = MemberFilterForm(request.GET)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    under = None
    if data["under"]:
        under = place_field(user, form, "under", data["under"])
        if under is None:
            raise Http404
    filters = {
        "under": under.path if under else None,
        "status": data["status"] or None,
        "q": data["q"],
        "dues_overdue": data["dues"],
        "include_ended": data["ended"],
        "badge": data["badge"] or None,
    }
    out, _n = exporting.export_members(
        actor=user, filters=filters, description={k: v for k, v in request.GET.items() if v}
    )
    name = f"{_('Party members')}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def member_detail(request, pk: int):
    user = request.user
    member = selectors.member_for(user, pk)
    history = list(selectors.memberships_of(user, member.resident))
    selectors.attach_badges([member])
    ins = selectors.inservice(user, include_ended=True).filter(resident=member.resident).first()
    may_change = member.is_active and can(user, Action.CHANGE, member)
    return render(
        request,
        "party/member_detail.html",
        {
            "section": SECTION,
            "member": member,
            "history": history,
            "inservice": ins,
            "viewable_orgs": _viewable_orgs(user, {member.org_id, member.group_id}),
            "seats": list(
                CommitteeSeat.objects.filter(member__resident=member.resident)
                .select_related("org")
                .filter(member__in=[m.pk for m in history])
                .order_by("-term_start")
            ),
            "centers": list(selectors.centers(user).filter(member=member)),
            "may_change": may_change,
            "resident_visible": resident_for(user, member.resident_id) is not None,
        },
    )


class _MemberForm(ServiceFormView):
    template_name = "party/form.html"
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.member = selectors.member_for(request.user, kwargs["pk"])
            if not (self.member.is_active and can(request.user, Action.CHANGE, self.member)):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "member": self.member,
                "title": self.title % {"name": self.member.resident.name},
                "cancel_url": reverse("party:member_detail", args=[self.member.pk]),
            }
        )
        return ctx

    def get_success_url(self):
        return reverse("party:member_detail", args=[self.object.pk])


class MemberEditView(_MemberForm):
    form_class = MemberEditForm

    @property
    def title(self):
        return _("Edit the membership of %(name)s")

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["groups"] = list(
            selectors.orgs(self.request.user).filter(parent_id=self.member.org_id, kind=PartyOrgKind.GROUP)
        )
        return kw

    def get_initial(self):
        m = self.member
        return {"status": m.status, "full_on": m.full_on, "group": m.group_id, "dues_paid_until": m.dues_paid_until}

    def perform(self, form):
        data = form.cleaned_data
        group = selectors.orgs(self.request.user).filter(pk=data["group"]).first() if data["group"] else None
        return services.member_update(
            actor=self.request.user,
            member=self.member,
            status=data["status"],
            full_on=data["full_on"],
            group=group,
            dues_paid_until=data["dues_paid_until"],
        )


class MemberTransferView(_MemberForm):
    form_class = TransferForm

    @property
    def title(self):
        return _("Transfer %(name)s to another branch")

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["branches"] = list(
            selectors.orgs(self.request.user, action=Action.CHANGE)
            .filter(kind__in=BRANCH_KINDS)
            .exclude(pk=self.member.org_id)
        )
        return kw

    def get_initial(self):
        return {"on": dates.today()}

    def perform(self, form):
        data = form.cleaned_data
        to_org = selectors.org_for(self.request.user, data["to_org"])
        return services.member_transfer(
            actor=self.request.user, member=self.member, to_org=to_org, on=data["on"], reason=data["reason"]
        )


class MemberEndView(_MemberForm):
    form_class = EndMembershipForm

    @property
    def title(self):
        return _("End the membership of %(name)s")

    def get_initial(self):
        return {"on": dates.today()}

    def perform(self, form):
        data = form.cleaned_data
        return services.member_end(actor=self.request.user, member=self.member, on=data["on"], reason=data["reason"])


class CenterAddView(_MemberForm):
    form_class = CenterForm

    @property
    def title(self):
        return _("Make the household of %(name)s a party member centre household")

    def perform(self, form):
        user = self.request.user
        household = (
            restrict(Household.objects.filter(is_active=True), user)
            .select_related("house__parent__parent")
            .filter(number=form.cleaned_data["household"].strip())
            .first()
        )
        if household is None:
            raise ValidationError({"household": _("No household with this number.")})
        services.center_household_add(
            actor=user, member=self.member, household=household, duties=form.cleaned_data["duties"]
        )
        return self.member


@login_required
@require_POST
def center_end(request, pk: int):
    center = get_object_or_404(restrict(CenterHousehold.objects.all(), request.user), pk=pk)
    services.center_household_end(actor=request.user, center=center)
    messages.success(request, _("No longer a centre household."))
    return HttpResponseRedirect(reverse("party:member_detail", args=[center.member_id]))


@login_required
def building(request, code: str):
    """A building's party view: 党员中心户 and the members living there."""
    user = request.user
    if not may_any(user, PartyMember):
        raise PermissionDenied
    from linli.areas.models import Place

    place = get_object_or_404(restrict(Place.objects.filter(level=5), user), code=code)
    rows = selectors.attach_badges(list(selectors.members(user, under=place.path)))
    return render(
        request,
        "party/building.html",
        {
            "section": SECTION,
            "building": place,
            "members": rows,
            "centers": list(selectors.centers(user, building=place)),
            "groups": list(selectors.orgs(user).filter(kind=PartyOrgKind.GROUP, covered_places=place)),
        },
    )


@login_required
def my_membership(request):
    """A resident's own party page: their membership, in-service registration and service hours."""
    user = request.user
    resident = resident_of(user)
    memberships = list(selectors.memberships_of(user, resident)) if resident else []
    ins = selectors.inservice(user).filter(resident=resident).first() if resident else None
    year = dates.today().year
    return render(
        request,
        "party/mine.html",
        {
            "section": SECTION,
            "resident": resident,
            "memberships": memberships,
            "inservice": ins,
            "hours": selectors.service_hours(ins, year) if ins else None,
            "year": year,
            "records": list(selectors.records(user, member=ins)[:20]) if ins else [],
        },
    )
