"""Task forces (专班) and their joint actions (联合行动)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.permissions import can_at, may_any, restrict

from .. import forms as f
from .. import selectors
from ..models import JointAction, TaskForce
from ..services.taskforces import joint_action_record
from ..services.taskforces import taskforce_create as create
from .common import SECTION, apply_validation_error, handler_orgs, org_choice


@login_required
def taskforce_list(request):
    user = request.user
    if not may_any(user, TaskForce):
        raise PermissionDenied
    qs = restrict(TaskForce.objects.select_related("lead", "place"), user).order_by("-is_active", "name")
    return render(
        request,
        "workorders/taskforce_list.html",
        {"section": SECTION, "task_forces": qs, "may_add": may_any(user, TaskForce, "add")},
    )


@login_required
def taskforce_detail(request, pk: int):
    user = request.user
    tf = get_object_or_404(restrict(TaskForce.objects.select_related("lead", "place"), user), pk=pk)
    return render(
        request,
        "workorders/taskforce_detail.html",
        {
            "section": SECTION,
            "tf": tf,
            "members": list(tf.members.all()),
            "cases": list(selectors.cases(user).filter(task_force=tf)[:50]),
            "actions": list(
                restrict(JointAction.objects.filter(task_force=tf), user)
                .select_related("case")
                .prefetch_related("units")
            ),
            "may_record": may_any(user, JointAction, "add"),
        },
    )


@login_required
def taskforce_create(request):
    user = request.user
    if not may_any(user, TaskForce, "add"):
        raise PermissionDenied
    orgs = handler_orgs()
    form = f.TaskForceForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                # Places are found by code; the service checks the right to set up a task force there.
                place = Place.objects.filter(code=d["place"], is_active=True).first()
                if place is None or not can_at(user, "add", TaskForce, place.path):
                    raise ValidationError({"place": _("Unknown place code: %(code)s") % {"code": d["place"]}})
                tf = create(
                    actor=user,
                    kind=d["kind"],
                    name=d["name"],
                    place=place,
                    lead=org_choice(form, "lead", d["lead"]),
                    members=[org_choice(form, "members", pk) for pk in d["members"]],
                    road=d["road"],
                    people=d["people"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Task force set up."))
                return redirect("workorders:taskforce_detail", pk=tf.pk)
    return render(request, "workorders/taskforce_form.html", {"section": SECTION, "form": form}, status=status)


@login_required
def joint_action_create(request):
    """联合行动 for a task force (``?task_force=``) and/or a case (``?case=``)."""
    user = request.user
    tf = case = None
    tf_pk = request.GET.get("task_force") or ""
    case_pk = request.GET.get("case") or ""
    if tf_pk.isdigit():
        tf = get_object_or_404(restrict(TaskForce.objects.all(), user), pk=int(tf_pk))
    if case_pk.isdigit():
        case = selectors.case_for(user, int(case_pk))
    if tf is None and case is None:
        raise Http404
    orgs = handler_orgs()
    initial = {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
    if case is not None:
        initial["case"] = case.number
    form = f.JointActionForm(request.POST or None, orgs=orgs, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            linked = case
            try:
                if d["case"] and (case is None or d["case"].strip() != case.number):
                    linked = selectors.cases(user).filter(number=d["case"].strip()).first()
                    if linked is None:
                        raise ValidationError({"case": _("No case with this number.")})
                joint_action_record(
                    actor=user,
                    title=d["title"],
                    held_at=d["held_at"],
                    outcome=d["outcome"],
                    task_force=tf,
                    case=linked,
                    units=[org_choice(form, "units", pk) for pk in d["units"]],
                    participants=d["participants"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Joint action recorded."))
                if linked is not None:
                    return redirect("workorders:case_detail", pk=linked.pk)
                return redirect("workorders:taskforce_detail", pk=tf.pk)
    return render(
        request,
        "workorders/joint_action_form.html",
        {"section": SECTION, "form": form, "tf": tf, "case": case},
        status=status,
    )
