"""The party organisation tree and organisation pages: create, edit, move, archive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import ServiceFormView
from linli.orgs.models import Organisation

from .. import selectors, services
from ..forms import (
    MoveForm,
    OrgFilterForm,
    OrgForm,
)
from ..models import BRANCH_KINDS, PartyOrg, PartyOrgKind
from .common import SECTION, place_field

# -- the tree -------------------------------------------------------------------------------------------------------


@login_required
def tree(request):
    user = request.user
    if not may_any(user, PartyOrg):
        raise PermissionDenied
    form = OrgFilterForm(request.GET)
    under = None
    if form.is_valid() and form.cleaned_data["under"]:
        under = place_field(user, form, "under", form.cleaned_data["under"])
    path = under.path if under else None
    roots = selectors.org_tree(user, under=path) if (under or not form.errors) else []
    flagged = [n for n in _walk(roots) if n.flags and any(f.level == "error" for f in n.flags)]
    template = "party/tree.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "section": SECTION,
            "roots": roots,
            "form": form,
            "under": under,
            "flagged": flagged,
            "stats": selectors.dashboard(user, under=path),
            "may_add": may_any(user, PartyOrg, Action.ADD),
        },
    )


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.children)


@login_required
def org_detail(request, pk: int):
    user = request.user
    org = selectors.org_for(user, pk)
    org = selectors.annotate_flags(
        list(
            selectors.with_counts(PartyOrg.objects.filter(pk=org.pk).select_related("place", "parent", "organisation"))
        )
    )[0]
    rows = selectors.attach_badges(list(selectors.members(user, org=org)))
    children = selectors.annotate_flags(list(selectors.with_counts(selectors.orgs(user).filter(parent=org))))
    may_change = can(user, Action.CHANGE, org)
    return render(
        request,
        "party/org_detail.html",
        {
            "section": SECTION,
            "org": org,
            "members": rows,
            "children": children,
            "seats": list(selectors.seats(user, org)),
            "past_seats": list(selectors.seats(user, org, include_ended=True).filter(is_active=False)[:20]),
            "covered": list(org.covered_places.all()),
            "centers": list(selectors.centers(user).filter(member__in=[m.pk for m in rows])),
            "may_change": may_change,
            "may_add_member": may_change and org.kind in BRANCH_KINDS and org.is_active,
            "may_add_child": may_change and may_any(user, PartyOrg, Action.ADD) and org.kind != PartyOrgKind.GROUP,
            "child_kind": _child_kind(org),
        },
    )


def _child_kind(org):
    return {
        PartyOrgKind.STREET_COMMITTEE: PartyOrgKind.COMMUNITY_COMMITTEE,
        PartyOrgKind.COMMUNITY_COMMITTEE: PartyOrgKind.BRANCH,
        PartyOrgKind.GENERAL_BRANCH: PartyOrgKind.BRANCH,
        PartyOrgKind.BRANCH: PartyOrgKind.GROUP,
    }.get(org.kind, "")


class OrgFormView(ServiceFormView):
    template_name = "party/form.html"
    form_class = OrgForm
    org: PartyOrg | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if "pk" in kwargs:
            self.org = selectors.org_for(request.user, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.org):
                raise PermissionDenied
        elif not may_any(request.user, PartyOrg, Action.ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        user = self.request.user
        kw["parents"] = list(selectors.orgs(user).exclude(kind=PartyOrgKind.GROUP))
        kw["organisations"] = list(
            restrict(Organisation.objects.filter(kind="property", is_active=True), user).order_by("name")
        )
        kw["editing"] = self.org is not None
        return kw

    def get_initial(self):
        if self.org is not None:
            o = self.org
            return {
                "name": o.name,
                "branch_type": o.branch_type,
                "organisation": o.organisation_id,
                "term_start": o.term_start,
                "term_end": o.term_end,
                "covered": [p.code for p in o.covered_places.order_by("path")],
            }
        initial = {"kind": self.request.GET.get("kind", "")}
        parent = self.request.GET.get("parent")
        if parent and parent.isdigit():
            initial["parent"] = int(parent)
            p = selectors.orgs(self.request.user).filter(pk=int(parent)).select_related("place").first()
            if p:
                initial["place"] = p.place.code
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "org": self.org,
                "title": _("Edit %(name)s") % {"name": self.org.name} if self.org else _("New party organisation"),
                "cancel_url": reverse("party:org_detail", args=[self.org.pk]) if self.org else reverse("party:tree"),
            }
        )
        return ctx

    def _covered(self, form, data):
        """The picked places, each in the user's scope; the others are named by the text the picker sent."""
        places, refused = [], []
        for code in data.get("covered") or []:
            try:
                places.append(place_by_code(self.request.user, code, field="covered"))
            except ValidationError:
                refused.append(form.fields["covered"].widget.label(code))
        if refused:
            raise ValidationError({"covered": _("Not a place in your area: %(names)s") % {"names": "、".join(refused)}})
        return places

    def perform(self, form):
        user = self.request.user
        data = form.cleaned_data
        organisation = None
        if data.get("organisation"):
            organisation = get_object_or_404(restrict(Organisation.objects.all(), user), pk=data["organisation"])
        covered = self._covered(form, data)
        if self.org is not None:
            return services.org_update(
                actor=user,
                org=self.org,
                name=data["name"],
                branch_type=data["branch_type"] or "",
                organisation=organisation,
                term_start=data["term_start"],
                term_end=data["term_end"],
                covered_places=covered,
            )
        place = place_field(user, form, "place", data["place"])
        if place is None:
            raise ValidationError({"place": _("Unknown place code.")})
        parent = selectors.orgs(user).filter(pk=data["parent"]).first() if data.get("parent") else None
        if data.get("parent") and parent is None:
            raise ValidationError({"parent": _("Unknown organisation.")})
        return services.org_create(
            actor=user,
            place=place,
            kind=data["kind"],
            name=data["name"],
            parent=parent,
            branch_type=data["branch_type"] or "",
            organisation=organisation,
            term_start=data["term_start"],
            term_end=data["term_end"],
            covered_places=covered,
        )

    def get_success_url(self):
        return reverse("party:org_detail", args=[self.object.pk])


class OrgMoveView(ServiceFormView):
    template_name = "party/form.html"
    form_class = MoveForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.org = selectors.org_for(request.user, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.org):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["parents"] = list(selectors.orgs(self.request.user).exclude(kind=PartyOrgKind.GROUP).exclude(pk=self.org.pk))
        return kw

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "org": self.org,
                "title": _("Move %(name)s") % {"name": self.org.name},
                "cancel_url": reverse("party:org_detail", args=[self.org.pk]),
            }
        )
        return ctx

    def perform(self, form):
        parent = selectors.org_for(self.request.user, form.cleaned_data["parent"])
        return services.org_move(actor=self.request.user, org=self.org, new_parent=parent)

    def get_success_url(self):
        return reverse("party:org_detail", args=[self.org.pk])


@login_required
@require_POST
def org_archive(request, pk: int):
    org = selectors.org_for(request.user, pk)
    try:
        services.org_archive(actor=request.user, org=org)
        messages.success(request, _("Archived."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("party:org_detail", args=[org.pk]))
