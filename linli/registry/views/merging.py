"""Merging duplicate resident records (一人一档): the list of suspected duplicates and the compare/merge page.

Thin: reads through ``merge.suspected_duplicates`` and ``restrict`` (out of scope → 404), writes through
``merge.merge`` (needs "change" on both records → 403 otherwise). Personal numbers appear masked only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from linli.core.permissions import Action, may_any, restrict
from linli.core.views import apply_validation_error

from .. import merge
from ..models import Resident

SECTION = "management"

# (key, label, value) rows of the compare table: masked numbers only.
COMPARED = [
    ("name", _("Name"), lambda r: r.name),
    ("gender", _("Gender"), lambda r: r.get_gender_display()),
    ("birth_date", _("Birth date"), lambda r: r.birth_date),
    ("id_type", _("ID number"), lambda r: r.id_masked),
    ("phone_cipher", _("Phone"), lambda r: r.phone_masked),
    ("home", _("Address"), lambda r: r.address),
    ("ethnicity", _("Ethnicity"), lambda r: r.ethnicity),
    ("political_status", _("Political status"), lambda r: r.get_political_status_display()),
    ("residence_status", _("Residence status"), lambda r: r.get_residence_status_display()),
    ("employer", _("Employer"), lambda r: r.employer),
    ("education", _("Education"), lambda r: r.get_education_display()),
    ("notes", _("Notes"), lambda r: r.notes),
    ("created_at", _("Registered on"), lambda r: r.created_at.date()),
]


class MergeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked that these two records are the same person"),
        required=True,
        error_messages={"required": _("Tick the box to confirm that these records are the same person.")},
    )


def _visible(user, pk: int) -> Resident:
    resident = (
        restrict(Resident.objects.filter(merged_into__isnull=True), user, Action.VIEW)
        .select_related("home")
        .filter(pk=pk)
        .first()
    )
    if resident is None:
        raise Http404
    return resident


@login_required
def duplicate_list(request):
    if not may_any(request.user, Resident, Action.CHANGE):
        raise PermissionDenied(_("You cannot merge resident records."))
    groups = merge.suspected_duplicates(request.user)
    return render(request, "registry/merge/duplicate_list.html", {"groups": groups, "section": SECTION})


@never_cache
@login_required
def merge_compare(request, keep: int, drop: int):
    if keep == drop:
        raise Http404
    keep_r, drop_r = _visible(request.user, keep), _visible(request.user, drop)
    form = MergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not merge.may_merge(request.user, keep_r, drop_r):
            raise PermissionDenied(_("You cannot merge these records."))
        if form.is_valid():
            try:
                report = merge.merge(actor=request.user, keep=keep_r, drop=drop_r)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Record #%(drop)s has been merged into this one (%(n)s references moved).")
                    % {"drop": drop_r.pk, "n": sum(report.moved.values())},
                )
                return HttpResponseRedirect(reverse("registry:resident_detail", args=[keep_r.pk]))
    filled = set(merge.fills(keep_r, drop_r))
    rows = [
        {"label": label, "keep": value(keep_r), "drop": value(drop_r), "fills": key in filled}
        for key, label, value in COMPARED
    ]
    keep_refs, drop_refs = dict(merge.reference_counts(keep_r)), dict(merge.reference_counts(drop_r))
    refs = [(what, keep_refs.get(what, 0), drop_refs.get(what, 0)) for what in dict.fromkeys([*keep_refs, *drop_refs])]
    return render(
        request,
        "registry/merge/compare.html",
        {
            "keep": keep_r,
            "drop": drop_r,
            "rows": rows,
            "form": form,
            "section": SECTION,
            "refs": refs,
            "may_merge": merge.may_merge(request.user, keep_r, drop_r),
        },
    )
