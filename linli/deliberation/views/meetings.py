"""Meeting pages: the list, planning a meeting, a meeting's page (seats, agenda, minutes, photos), the compliance
calendar and the rhythm setting. Thin: parse → selector or service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core import dates
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from .. import calendar as cal
from .. import selectors, services
from ..forms import AgendaForm, DecisionForm, HoldForm, MeetingForm, ReasonForm, RhythmForm, SeatForm
from ..models import AgendaItem, Kind, Meeting, MeetingState, Rhythm
from .common import form_error_text, run_step

SECTION = "management"


class MeetingListView(ScopedListView):
    model = Meeting
    template_name = "deliberation/meeting_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Meeting):
            raise PermissionDenied
        self.kind = self.request.GET.get("kind", "") if self.request.GET.get("kind") in Kind.values else ""
        return selectors.meetings(user, kind=self.kind, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            section=SECTION,
            kinds=Kind.choices,
            kind=self.kind,
            may_add=may_any(self.request.user, Meeting, Action.ADD),
        )
        return ctx


class MeetingCreateView(ServiceFormView):
    template_name = "deliberation/form.html"
    form_class = MeetingForm
    success_message = gettext_lazy("The meeting has been planned.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, Meeting, Action.ADD):
            raise PermissionDenied(_("You cannot plan deliberation meetings."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": SECTION, "title": _("Plan a meeting")}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["compound"] = place_by_code(self.request.user, data["compound"], field="compound")
        return services.meeting_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("deliberation:meeting", args=[self.object.pk])


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = selectors.meeting_for(user, pk)
    seats = list(selectors.seats_of(user, meeting))
    may_change = can(user, Action.CHANGE, meeting)
    planned = meeting.state == MeetingState.PLANNED
    ctx = {
        "section": SECTION,
        "meeting": meeting,
        "seats": seats,
        "items": list(selectors.items_of(user, meeting)),
        "photos": list(selectors.photos_of(user, meeting)),
        "missing": selectors.missing_seats(seats) if meeting.kind == Kind.TRIPARTITE else [],
        "may_change": may_change,
    }
    if may_change and meeting.state != MeetingState.CANCELLED:
        from ..models import Matter
        from ..models.matter import UNDECIDED

        ctx.update(
            seat_form=SeatForm(),
            suggested=selectors.suggested_seats(meeting.compound) if planned else [],
            agenda_form=AgendaForm(
                matters=selectors.matters(user, action=Action.CHANGE, compound=meeting.compound).filter(
                    state__in=UNDECIDED
                )
                if planned
                else Matter.objects.none()
            ),
            hold_form=HoldForm(initial={"held_on": min(meeting.scheduled_on, dates.today())}) if planned else None,
            cancel_form=ReasonForm() if planned else None,
            decision_form=DecisionForm() if meeting.state == MeetingState.HELD else None,
        )
    return render(request, "deliberation/meeting_detail.html", ctx)


def _changeable(user, pk) -> Meeting:
    meeting = selectors.meeting_for(user, pk)
    if not can(user, Action.CHANGE, meeting):
        raise PermissionDenied(_("You cannot change this meeting."))
    return meeting


def _run(request, meeting, call, ok: str):
    return run_step(request, call, ok, back="deliberation:meeting", pk=meeting.pk)


@login_required
@require_POST
def seat_add(request, pk: int):
    meeting = _changeable(request.user, pk)
    form = SeatForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("deliberation:meeting", pk=meeting.pk)
    return _run(
        request,
        meeting,
        lambda: services.participant_add(actor=request.user, meeting=meeting, **form.cleaned_data),
        _("Participant added."),
    )


@login_required
@require_POST
def seats_suggested(request, pk: int):
    """One tap: the usual three seats of the compound (party branch, property company, owners' committee)."""
    meeting = _changeable(request.user, pk)
    taken = {p.seat for p in selectors.seats_of(request.user, meeting)}

    def add_all():
        for s in selectors.suggested_seats(meeting.compound):
            if s.seat not in taken:
                services.participant_add(
                    actor=request.user,
                    meeting=meeting,
                    seat=s.seat,
                    name=s.name,
                    party_org=s.party_org,
                    organisation=s.organisation,
                    committee=s.committee,
                )

    return _run(request, meeting, add_all, _("The usual seats have been added."))


@login_required
@require_POST
def agenda_add(request, pk: int):
    from ..models.matter import UNDECIDED

    user = request.user
    meeting = _changeable(user, pk)
    matters = selectors.matters(user, action=Action.CHANGE, compound=meeting.compound).filter(state__in=UNDECIDED)
    form = AgendaForm(request.POST, matters=matters)
    if not form.is_valid() or not (form.cleaned_data["matter"] or form.cleaned_data["title"].strip()):
        messages.error(request, _("Choose a matter or type an item."))
        return redirect("deliberation:meeting", pk=meeting.pk)
    return _run(
        request,
        meeting,
        lambda: services.agenda_add(
            actor=user, meeting=meeting, matter=form.cleaned_data["matter"], title=form.cleaned_data["title"]
        ),
        _("Added to the agenda."),
    )


@login_required
@require_POST
def meeting_hold(request, pk: int):
    meeting = _changeable(request.user, pk)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("deliberation:meeting", pk=meeting.pk)
    absent = [int(a) for a in request.POST.getlist("absent") if a.isdigit()]
    return _run(
        request,
        meeting,
        lambda: services.meeting_hold(actor=request.user, meeting=meeting, absent=absent, **form.cleaned_data),
        _("The meeting has been recorded as held."),
    )


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = _changeable(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the meeting is cancelled."))
        return redirect("deliberation:meeting", pk=meeting.pk)
    return _run(
        request,
        meeting,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]),
        _("The meeting has been cancelled."),
    )


@login_required
@require_POST
def photos_add(request, pk: int):
    meeting = _changeable(request.user, pk)
    return _run(
        request,
        meeting,
        lambda: services.photos_add(actor=request.user, meeting=meeting, files=request.FILES.getlist("photos")),
        _("Photos added."),
    )


@login_required
@require_POST
def item_decide(request, pk: int):
    from linli.core.permissions import restrict

    item = get_object_or_404(restrict(AgendaItem.objects.select_related("meeting"), request.user), pk=pk)
    meeting = _changeable(request.user, item.meeting_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the decision."))
        return redirect("deliberation:meeting", pk=meeting.pk)
    return _run(
        request,
        meeting,
        lambda: services.item_decide(actor=request.user, item=item, decision=form.cleaned_data["decision"]),
        _("Decision recorded."),
    )


@login_required
def photo(request, pk: int):
    p = selectors.photo_for(request.user, pk)
    try:
        handle = p.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=p.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def calendar(request):
    user = request.user
    if not may_any(user, Meeting):
        raise PermissionDenied
    today = dates.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    rows = selectors.calendar(user, year=year, today=today)
    return render(
        request,
        "deliberation/calendar.html",
        {
            "section": SECTION,
            "rows": rows,
            "year": year,
            "today": today,
            "states": cal.STATES,
            "rhythm_form": RhythmForm() if may_any(user, Rhythm, Action.CHANGE) else None,
        },
    )


@login_required
@require_POST
def rhythm_set(request):
    user = request.user
    if not may_any(user, Rhythm, Action.CHANGE):
        raise PermissionDenied
    form = RhythmForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["compound"] = place_by_code(user, data["compound"], field="compound")
            services.rhythm_set(actor=user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, form_error_text(form))
    return redirect("deliberation:calendar")
