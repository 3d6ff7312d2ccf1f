"""Reporting: 我要报事 (residents), patrol finds (grid workers), counter and phone reports, and the address
picker's cascade."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.accounts.roles import Role
from linli.areas.models import Place
from linli.core.paths import COMMUNITY, is_within, path_at
from linli.core.permissions import bindings_for
from linli.registry.selectors import resident_of

from .. import forms as f
from .. import services
from ..models import Case, Category, Source
from ..policy import COUNTER_ROLES, PATROL_ROLES, report_mode_allowed
from .common import SECTION, apply_validation_error


def report_roots(user) -> list[Place]:
    """Where the user may report: a resident anywhere in their home community, staff in their places."""
    paths = set()
    for b in bindings_for(user):
        if b.role == Role.RESIDENT and b.place_id:
            paths.add(path_at(b.place.path, COMMUNITY))
        elif b.role in COUNTER_ROLES | PATROL_ROLES:
            paths.update(Case.coverage_prefixes(b))
    if user.is_superuser and not paths:
        return list(Place.objects.filter(level=1, is_active=True).order_by("path"))
    return list(Place.objects.filter(path__in=paths, is_active=True).order_by("path"))


def place_children(place: Place):
    """The next choice down the picker: compounds, buildings, then houses (skipping units)."""
    if place.level >= 7:
        return Place.objects.none()
    if place.level == 5:
        qs = Place.objects.filter(path__startswith=place.path, level=7)
    else:
        qs = Place.objects.filter(parent=place)
    return qs.filter(is_active=True).select_related("parent").order_by("path")


def _picker_place(user, code: str) -> Place | None:
    """A place inside the user's report roots (place names are not personal data; the same rule as the
    reporting service's)."""
    if not code or not code.isdigit():
        return None
    place = Place.objects.filter(code=code, is_active=True).first()
    roots = [p.path for p in report_roots(user)]
    if place is None or not is_within(place.path, roots):
        return None
    return place


def picker_chain(user, roots: list[Place], chosen: Place | None) -> tuple[str, list[dict]]:
    """(the root's code, one select per level below it) with the chosen place's ancestors selected."""
    if chosen is not None:
        paths = [*chosen.ancestor_paths(), chosen.path]
        nodes = [
            p
            for p in Place.objects.filter(path__in=paths).order_by("path")
            if p.level != 6 and is_within(p.path, [r.path for r in roots])
        ]
    else:
        nodes = roots[:1] if len(roots) == 1 else []
    chain = []
    for i, node in enumerate(nodes):
        children = list(place_children(node))
        if not children:
            break
        chain.append({"place": node, "children": children, "selected": nodes[i + 1].code if i + 1 < len(nodes) else ""})
    return (nodes[0].code if nodes else ""), chain


@login_required
def place_options(request):
    """htmx: the select for the level below the chosen place (the address picker's cascade)."""
    codes = [c for c in request.GET.getlist("place") if c]
    place = _picker_place(request.user, request.GET.get("chosen") or (codes[-1] if codes else ""))
    chain = [{"place": place, "children": list(place_children(place)), "selected": ""}] if place else []
    return render(request, "workorders/_place_select.html", {"chain": chain})


SOURCE_FOR_MODE = {"resident": Source.RESIDENT, "patrol": Source.PATROL, "counter": Source.COUNTER}


@login_required
def report(request, mode: str = "resident"):
    """我要报事 (residents), patrol finds (grid workers), counter and phone reports on a resident's behalf."""
    user = request.user
    if mode not in SOURCE_FOR_MODE:
        raise Http404
    if not report_mode_allowed(user, mode):
        # 我要报事 in the menu: staff land on the report form that fits their role.
        if mode == "resident" and report_mode_allowed(user, "patrol"):
            return redirect("workorders:report_patrol")
        if mode == "resident" and report_mode_allowed(user, "counter"):
            return redirect("workorders:report_counter")
        raise PermissionDenied
    categories = Category.objects.filter(is_active=True).select_related("parent")
    if mode == "resident":
        categories = categories.filter(is_public=True)
    categories = list(categories)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        chosen = [c for c in request.POST.getlist("place") if c]
        data["place"] = chosen[-1] if chosen else ""
    form = f.ReportForm(data, request.FILES or None, categories=categories, mode=mode)
    roots = report_roots(user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            place = _picker_place(user, d["place"]) if d["place"] else (roots[0] if len(roots) == 1 else None)
            try:
                if place is None:
                    raise ValidationError({"place": _("Say where the problem is.")})
                case = services.case_create(
                    actor=user,
                    category=d["category"],
                    case_type=d["case_type"],
                    title=d["title"],
                    description=d["description"],
                    place=place,
                    address=d["address"],
                    lat=d["lat"],
                    lng=d["lng"],
                    source=SOURCE_FOR_MODE[mode],
                    confidentiality=d.get("confidentiality") or "none",
                    priority=d.get("priority") or "normal",
                    reporter_name=d.get("reporter_name", ""),
                    reporter_phone=d.get("reporter_phone", ""),
                    attachments=d["photos"],
                    reporter_resident=resident_of(user) if mode == "resident" else None,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Your report has been received. Number: %(n)s") % {"n": case.number})
                return redirect("workorders:case_detail", pk=case.pk)
    chosen = _picker_place(user, form.data.get("place", "")) if form.is_bound else None
    root_code, chain = picker_chain(user, roots, chosen)
    return render(
        request,
        "workorders/report.html",
        {
            "section": "services" if mode == "resident" else SECTION,
            "form": form,
            "mode": mode,
            "categories": categories,
            "category_groups": category_groups(categories),
            "roots": roots,
            "root_code": root_code,
            "chain": chain,
        },
        status=status,
    )


def category_groups(categories) -> list[tuple]:
    """Top-level categories, each with its subcategories (a subcategory is never shown as its parent's sibling);
    a subcategory whose parent is not offered stands as a group of its own."""
    offered = {c.pk for c in categories}
    children: dict[int, list] = {}
    for c in categories:
        if c.parent_id in offered:
            children.setdefault(c.parent_id, []).append(c)
    return [(c, children.get(c.pk, [])) for c in categories if c.parent_id not in offered]


# --- task forces and joint actions --------------------------------------------------------------------------
