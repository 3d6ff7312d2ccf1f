"""微会议 pages: my meetings, the phone-first meeting page (check in, vote, live tallies), host pages, minutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import Action, can, may_any
from linli.core.views import apply_validation_error

from . import selectors, services
from .forms import InviteForm, ItemForm, MeetingForm, MinutesForm
from .models import AgendaItem, Choice, Meeting, State


def _msg(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def meeting_list(request):
    mine = list(selectors.my_meetings(request.user)[:50])
    may_host = may_any(request.user, Meeting, Action.ADD)
    page = None
    state = request.GET.get("state", "")
    if may_host:
        qs = selectors.meetings(
            request.user, state=state if state in State.values else "", q=request.GET.get("q", "")[:60]
        )
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {
            "mine": mine,
            "may_host": may_host,
            "page_obj": page,
            "object_list": page.object_list if page else [],
            "states": State.choices,
            "state": state,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def meeting_create(request):
    if not may_any(request.user, Meeting, Action.ADD):
        raise Http404
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            place = form.cleaned_data["place"]
            org = form.cleaned_data.get("party_org")
            committee = form.cleaned_data.get("owners_committee")
            meeting = services.meeting_create(
                actor=request.user,
                place=place or (org.place if org else None) or (committee.compound if committee else None),
                **form.service_kwargs(),
            )
            messages.success(request, _("Meeting created. Add the agenda and the invitees, then schedule it."))
            return redirect("meetings:manage", pk=meeting.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(request, "meetings/form.html", {"form": form, "title": _("New meeting")})


def _detail_context(request, meeting: Meeting) -> dict:
    items = list(selectors.items(request.user, meeting))
    n_inv, n_att = services.attendance(meeting)
    tallies = services.published_tallies(meeting, counts=(n_inv, n_att))
    invitation = selectors.my_invitation(request.user, meeting)
    my_votes = selectors.my_votes(request.user, meeting) if invitation else {}
    ballot = selectors.open_ballot(request.user, meeting)
    from .models import quorum_met

    has_quorum = quorum_met(
        attendees=n_att,
        invitees=n_inv,
        numerator=meeting.quorum_numerator,
        denominator=meeting.quorum_denominator,
        strict=meeting.quorum_strict,
    )
    for item in items:
        item.tally = tallies.get(item.pk)
        item.my_vote = my_votes.get(item.pk, "")
        item.ballot = ballot.get(item.pk, [])
    return {
        "meeting": meeting,
        "items": items,
        "n_invitees": n_inv,
        "n_present": n_att,
        "invitation": invitation,
        "has_quorum": has_quorum,
        "results_hidden": services.results_hidden(meeting),
        "quorum_rule": services.quorum_rule(meeting),
        "quorum_message": "" if has_quorum else services.quorum_message(meeting, n_inv, n_att),
        "may_manage": can(request.user, Action.CHANGE, meeting),
        "choices": Choice.choices,
        "in_window": meeting.in_window(),
        "can_vote": bool(invitation and invitation.checked_in_at and meeting.state == State.OPEN and has_quorum),
    }


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    ctx = _detail_context(request, meeting)
    template = "meetings/detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#live"
    return render(request, template, ctx)


@login_required
@require_POST
def meeting_check_in(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    try:
        services.check_in(actor=request.user, meeting=meeting)
        messages.success(request, _("You have checked in."))
    except ValidationError as exc:
        messages.error(request, _msg(exc))
    return redirect("meetings:detail", pk=pk)


@login_required
@require_POST
def meeting_vote(request, pk, item_pk):
    meeting = selectors.meeting_for(request.user, pk)
    item = get_object_or_404(selectors.items(request.user, meeting), pk=item_pk)
    error = ""
    try:
        services.vote(actor=request.user, item=item, choice=request.POST.get("choice", ""))
    except ValidationError as exc:
        error = _msg(exc)
    if request.htmx:
        # The fragment shows the result itself (pressed button, tally, or the error), so no flash message.
        return render(request, "meetings/detail.html#live", {**_detail_context(request, meeting), "vote_error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("Your vote on “%(item)s” is recorded. You may change it until the meeting closes.")
            % {"item": item.title},
        )
    return redirect("meetings:detail", pk=pk)


STEPS = {
    "schedule": services.meeting_schedule,
    "open": services.meeting_open,
    "close": services.meeting_close,
    "cancel": services.meeting_cancel,
}
STEP_DONE = {
    "schedule": _("Scheduled; the invitees have been notified."),
    "open": _("The meeting is open."),
    "close": _("The meeting is closed and the results are final."),
    "cancel": _("The meeting is cancelled."),
}


@login_required
@require_POST
def meeting_step(request, pk, step):
    meeting = selectors.meeting_for(request.user, pk, Action.CHANGE)
    if step not in STEPS:
        raise Http404
    try:
        STEPS[step](actor=request.user, meeting=meeting)
        messages.success(request, str(STEP_DONE[step]))
    except ValidationError as exc:
        messages.error(request, _msg(exc))
    return redirect(
        "meetings:manage" if step == "schedule" and meeting.state == State.DRAFT else "meetings:detail", pk=pk
    )


@login_required
def meeting_manage(request, pk):
    meeting = selectors.meeting_for(request.user, pk, Action.CHANGE)
    form = MeetingForm(instance=meeting, user=request.user)
    item_form, invite_form = ItemForm(), InviteForm(user=request.user)
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "details":
                form = MeetingForm(request.POST, instance=Meeting.objects.get(pk=meeting.pk), user=request.user)
                if form.is_valid():
                    kwargs = form.service_kwargs()
                    if form.cleaned_data.get("place") and not kwargs.get("party_org"):
                        kwargs["place"] = form.cleaned_data["place"]
                    services.meeting_update(actor=request.user, meeting=meeting, **_update_fields(kwargs))
                    messages.success(request, _("Saved."))
                    return redirect("meetings:manage", pk=pk)
            elif do == "item":
                item_form = ItemForm(request.POST)
                if item_form.is_valid():
                    services.item_add(actor=request.user, meeting=meeting, **item_form.cleaned_data)
                    return redirect("meetings:manage", pk=pk)
            elif do == "remove_item":
                item = get_object_or_404(AgendaItem, meeting=meeting, pk=request.POST.get("item"))
                services.item_remove(actor=request.user, item=item)
                return redirect("meetings:manage", pk=pk)
            elif do == "invite":
                invite_form = InviteForm(request.POST, user=request.user)
                if invite_form.is_valid():
                    n = len(
                        services.invite(
                            actor=request.user, meeting=meeting, users=invite_form.cleaned_data["usernames"]
                        )
                    )
                    if invite_form.cleaned_data.get("branch"):
                        n += len(
                            services.invite_branch(
                                actor=request.user, meeting=meeting, org=invite_form.cleaned_data["branch"]
                            )
                        )
                    if invite_form.cleaned_data.get("committee"):
                        n += len(
                            services.invite_committee(
                                actor=request.user, meeting=meeting, committee=invite_form.cleaned_data["committee"]
                            )
                        )
                    messages.success(request, _("%(n)s invited.") % {"n": n})
                    return redirect("meetings:manage", pk=pk)
            elif do == "uninvite":
                invitee = get_object_or_404(selectors.invitees(request.user, meeting), pk=request.POST.get("invitee"))
                services.uninvite(actor=request.user, invitee=invitee)
                return redirect("meetings:manage", pk=pk)
        except ValidationError as exc:
            target = {"details": form, "item": item_form, "invite": invite_form}.get(do)
            if target is not None:
                apply_validation_error(target, exc)
            if target is None or not target.errors:
                messages.error(request, _msg(exc))
    return render(
        request,
        "meetings/manage.html",
        {
            "meeting": meeting,
            "form": form,
            "item_form": item_form,
            "invite_form": invite_form,
            "items": selectors.items(request.user, meeting),
            "invitees": selectors.invitees(request.user, meeting),
            "editable": meeting.is_editable,
        },
    )


def _update_fields(kwargs: dict) -> dict:
    from .services import MEETING_FIELDS

    out = {k: v for k, v in kwargs.items() if k in MEETING_FIELDS}
    if "place" in kwargs:
        out["place"] = kwargs["place"]
    return out


@login_required
def meeting_minutes(request, pk):
    meeting = selectors.meeting_for(request.user, pk)
    may_edit = can(request.user, Action.CHANGE, meeting) and meeting.state in (State.OPEN, State.CLOSED)
    items = list(selectors.items(request.user, meeting))
    form = MinutesForm(initial={"minutes": meeting.minutes})
    if request.method == "POST":
        if not may_edit:
            raise Http404
        form = MinutesForm(request.POST)
        if form.is_valid():
            decisions = {i.pk: request.POST.get(f"decision_{i.pk}", "")[:4000] for i in items}
            try:
                services.minutes_save(
                    actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"], decisions=decisions
                )
                messages.success(request, _("Minutes saved."))
                return redirect("meetings:minutes", pk=pk)
            except ValidationError as exc:
                apply_validation_error(form, exc)
    ctx = _detail_context(request, meeting)
    everyone = list(selectors.invitees(request.user, meeting))
    voting = services.voting_user_ids(meeting)
    ctx.update(
        {
            "form": form,
            "may_edit": may_edit,
            "items": ctx["items"],
            "present": [i for i in everyone if i.checked_in_at and (voting is None or i.user_id in voting)],
            "attending": [i for i in everyone if i.checked_in_at and voting is not None and i.user_id not in voting],
            "absent": [i for i in everyone if not i.checked_in_at],
        }
    )
    return render(request, "meetings/minutes.html", ctx)
