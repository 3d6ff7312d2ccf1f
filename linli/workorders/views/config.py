"""The work-order settings pages: categories, time limits, the verdict scale.

Staff with view rights read them; district administrators change them. Thin: forms parse, ``restrict`` reads,
``services.config`` validates, writes and audits; its ValidationErrors come back as field errors (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import may_any, restrict

from .. import forms as f
from ..models import Category, TimeLimit, VerdictLevel
from ..services import config as svc
from .common import SECTION, apply_validation_error


def _may_read(user) -> bool:
    return may_any(user, Category) and may_any(user, TimeLimit) and may_any(user, VerdictLevel)


def _categories(user):
    return list(restrict(Category.objects.select_related("parent", "default_handler"), user))


def _tree(categories: list[Category]) -> list[Category]:
    """Top-level categories each followed by its subcategories."""
    children: dict[int, list[Category]] = {}
    for c in categories:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    ordered = []
    for c in categories:
        if not c.parent_id:
            ordered.append(c)
            ordered.extend(children.pop(c.pk, []))
    for rest in children.values():  # children of a parent the user cannot see (never, with today's grants)
        ordered.extend(rest)
    return ordered


@login_required
def config_home(request):
    user = request.user
    if not _may_read(user):
        raise PermissionDenied
    limits = list(
        restrict(TimeLimit.objects.select_related("category", "category__parent"), user).order_by(
            "category__sort", "category__code", "case_type"
        )
    )
    limits.sort(key=lambda t: (t.category_id is not None, t.case_type != "", str(t.category or ""), t.case_type))
    levels = list(restrict(VerdictLevel.objects.prefetch_related("reasons"), user).order_by("sort", "pk"))
    return render(
        request,
        "workorders/config/home.html",
        {
            "section": SECTION,
            "categories": _tree(_categories(user)),
            "limits": limits,
            "levels": levels,
            "may_edit": may_any(user, Category, "change"),
        },
    )


def _save(request, *, form, run, template: str, ctx: dict, success: str):
    """POST: parse, call the service, redirect to the settings page; refusals re-render with field errors."""
    if request.method != "POST":
        return render(request, template, {**ctx, "form": form})
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("workorders:config")
    return render(request, template, {**ctx, "form": form}, status=400)


def _pick(options: dict, pk, field: str):
    if pk is None:
        return None
    obj = options.get(pk)
    if obj is None:
        raise ValidationError({field: _("Choose one of the options offered.")})
    return obj


@login_required
def category_edit(request, pk: int | None = None):
    user = request.user
    creating = pk is None
    category = None if creating else get_object_or_404(restrict(Category.objects.all(), user), pk=pk)
    if not may_any(user, Category, "add" if creating else "change"):
        raise PermissionDenied
    parents = [
        c
        for c in restrict(Category.objects.filter(parent__isnull=True), user).order_by("sort", "code")
        if category is None or c.pk != category.pk
    ]
    handlers = svc.handler_choices()
    initial = {"is_active": True, "is_public": True, "sort": 100}
    if category is not None:
        initial = {
            "name": category.name,
            "parent": category.parent_id,
            "description": category.description,
            "keywords": category.keywords,
            "default_handler": category.default_handler_id,
            "handled_by_property": category.handled_by_property,
            "is_public": category.is_public,
            "is_active": category.is_active,
            "sort": category.sort,
        }
    form = f.CategoryForm(request.POST or None, initial=initial, parents=parents, handlers=handlers, creating=creating)

    def run(d):
        fields = {
            "name": d["name"],
            "parent": _pick(form.parents, d["parent"], "parent"),
            "description": d["description"],
            "keywords": d["keywords"],
            "default_handler": _pick(form.handlers, d["default_handler"], "default_handler"),
            "handled_by_property": d["handled_by_property"],
            "is_public": d["is_public"],
            "is_active": d["is_active"],
            "sort": d["sort"],
        }
        svc.category_save(actor=user, category=category, code=d.get("code", ""), **fields)

    title = _("New category") if creating else _("Category: %(name)s") % {"name": category.name}
    return _save(
        request,
        form=form,
        run=run,
        template="workorders/config/form.html",
        ctx={"section": SECTION, "title": title, "obj": category, "kind": "category"},
        success=_("Category saved."),
    )


@login_required
def time_limit_edit(request, pk: int | None = None):
    user = request.user
    creating = pk is None
    limit = None if creating else get_object_or_404(restrict(TimeLimit.objects.select_related("category"), user), pk=pk)
    if not may_any(user, TimeLimit, "add" if creating else "change"):
        raise PermissionDenied
    categories = list(restrict(Category.objects.select_related("parent"), user))
    initial = {"sign_days": 1}
    if limit is not None:
        initial = {
            "case_type": limit.case_type,
            "category": limit.category_id,
            "sign_days": limit.sign_days,
            "handle_days": limit.handle_days,
        }
    form = f.TimeLimitForm(request.POST or None, initial=initial, categories=categories)

    def run(d):
        svc.time_limit_save(
            actor=user,
            limit=limit,
            case_type=d["case_type"] or "",
            category=_pick(form.categories, d["category"], "category"),
            sign_days=d["sign_days"],
            handle_days=d["handle_days"],
        )

    title = _("New time limit") if creating else _("Time limit")
    is_default = limit is not None and limit.case_type == "" and limit.category_id is None
    return _save(
        request,
        form=form,
        run=run,
        template="workorders/config/form.html",
        ctx={
            "section": SECTION,
            "title": title,
            "obj": limit,
            "kind": "time_limit",
            "may_delete": limit is not None and not is_default and may_any(user, TimeLimit, "delete"),
        },
        success=_("Time limit saved."),
    )


@login_required
@require_POST
def time_limit_delete(request, pk: int):
    user = request.user
    limit = get_object_or_404(restrict(TimeLimit.objects.all(), user), pk=pk)
    try:
        svc.time_limit_delete(actor=user, limit=limit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workorders:time_limit_edit", pk=limit.pk)
    messages.success(request, _("Time limit deleted."))
    return redirect("workorders:config")


@login_required
def verdict_edit(request, pk: int | None = None):
    user = request.user
    creating = pk is None
    level = (
        None if creating else get_object_or_404(restrict(VerdictLevel.objects.prefetch_related("reasons"), user), pk=pk)
    )
    if not may_any(user, VerdictLevel, "add" if creating else "change"):
        raise PermissionDenied
    initial = {"is_active": True, "counts_as_satisfied": True, "sort": 100}
    if level is not None:
        initial = {
            "label": level.label,
            "counts_as_satisfied": level.counts_as_satisfied,
            "reopens": level.reopens,
            "is_active": level.is_active,
            "sort": level.sort,
            "reasons": "\n".join(r.text for r in level.reasons.all()),
        }
    form = f.VerdictLevelForm(request.POST or None, initial=initial, creating=creating)

    def run(d):
        svc.verdict_level_save(
            actor=user,
            level=level,
            code=d.get("code", ""),
            label=d["label"],
            counts_as_satisfied=d["counts_as_satisfied"],
            reopens=d["reopens"],
            is_active=d["is_active"],
            sort=d["sort"],
            reasons=d["reasons"],
        )

    title = _("New verdict") if creating else _("Verdict: %(label)s") % {"label": level.label}
    return _save(
        request,
        form=form,
        run=run,
        template="workorders/config/form.html",
        ctx={"section": SECTION, "title": title, "obj": level, "kind": "verdict"},
        success=_("Verdict saved."),
    )
