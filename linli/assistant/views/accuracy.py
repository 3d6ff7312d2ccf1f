"""The accuracy page for staff: acceptance over time and per category, the confusion matrix of the version in use,
the versions with training and rollback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import may_any
from linli.workorders.models import Category

from .. import selectors, services
from ..models import RoutingModel
from ..tasks import train_router


def _matrix(version: RoutingModel | None) -> dict | None:
    """Rows: the category on the held-out slice; columns: the suggested one (only categories that occur)."""
    if version is None or not version.metrics.get("confusion"):
        return None
    names = dict(Category.objects.filter(parent=None).values_list("code", "name"))
    labels, conf = version.metrics["labels"], version.metrics["confusion"]
    used = [i for i in range(len(labels)) if sum(conf[i]) or sum(row[i] for row in conf)]
    rows = [
        {
            "name": names.get(labels[i], labels[i]),
            "total": sum(conf[i]),
            "cells": [{"n": conf[i][j], "hit": i == j} for j in used],
        }
        for i in used
    ]
    return {"columns": [names.get(labels[j], labels[j]) for j in used], "rows": rows}


@login_required
def accuracy(request):
    user = request.user
    if not may_any(user, RoutingModel):
        raise PermissionDenied
    current = selectors.in_use(user)
    return render(
        request,
        "assistant/accuracy.html",
        {
            "section": "government",
            "totals": selectors.totals(user),
            "weeks": selectors.acceptance_by_week(user),
            "per_category": selectors.acceptance_by_category(user),
            "current": current,
            "matrix": _matrix(current),
            "versions": list(selectors.versions(user)[:20]),
            "may_manage": may_any(user, RoutingModel, "change"),
        },
    )


@login_required
@require_POST
def model_train(request):
    services.training.require_manage(request.user)
    train_router.enqueue(request.user.pk, _("Started from the accuracy page"))
    messages.success(request, _("Training started in the background; the new version appears here when it is done."))
    return redirect("assistant:accuracy")


@login_required
@require_POST
def model_rollback(request, pk: int):
    row = get_object_or_404(selectors.versions(request.user), pk=pk)
    try:
        services.rollback(actor=request.user, to=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Version %(v)s is in use again.") % {"v": row.version})
    return redirect("assistant:accuracy")


@login_required
@require_POST
def model_rules_only(request):
    services.rules_only(actor=request.user)
    messages.success(request, _("No model version is in use: the keyword rules answer alone."))
    return redirect("assistant:accuracy")
