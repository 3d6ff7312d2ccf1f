"""The alarm console: alarms in scope (active first by default), an alarm's page, acknowledge and clear with a
note."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView

from .. import selectors, services
from ..forms import NoteForm
from ..models import Alarm, AlarmState

SECTION = "workbench"


class AlarmListView(ScopedListView):
    model = Alarm
    template_name = "iot/alarm_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Alarm):
            raise PermissionDenied
        state = self.request.GET.get("state", "active")
        self.state = state if state in AlarmState.values or state in ("active", "all") else "active"
        q = self.request.GET.get("q", "").strip()[:60]
        return selectors.alarms(user, state="" if self.state == "all" else self.state, q=q)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            section=SECTION,
            states=[("active", _("Active")), *AlarmState.choices, ("all", _("All"))],
            state=self.state,
            note_form=NoteForm(),
        )
        return ctx


alarm_list = AlarmListView.as_view()


@login_required
def alarm_detail(request, pk: int):
    alarm = get_object_or_404(selectors.alarms(request.user), pk=pk)
    return render(
        request,
        "iot/alarm_detail.html",
        {
            "alarm": alarm,
            "form": NoteForm(),
            "may_change": can(request.user, Action.CHANGE, alarm),
            "case_visible": alarm.case_id is not None and can(request.user, Action.VIEW, alarm.case),
            "may_ack": alarm.state in (AlarmState.ACTIVE_UNACK, AlarmState.CLEARED_UNACK),
            "section": SECTION,
        },
    )


@login_required
@require_POST
def alarm_step(request, pk: int, step: str):
    alarm = get_object_or_404(selectors.alarms(request.user), pk=pk)
    if step not in ("ack", "clear"):
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if step == "ack":
            services.alarm_ack(actor=request.user, alarm=alarm, note=note)
            messages.success(request, _("Alarm acknowledged."))
        else:
            services.alarm_clear(actor=request.user, alarm=alarm, note=note)
            messages.success(request, _("Alarm cleared."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("iot:alarms")
    return redirect("iot:alarm", pk=alarm.pk)
