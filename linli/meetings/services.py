"""Every write to meetings: create/edit, agenda, invitees, the state machine, check-in, votes, minutes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.core import audit, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.core.templatetags.linli_dates import short_when
from linli.registry.selectors import resident_of

from .models import (
    AgendaItem,
    Choice,
    HostKind,
    Invitee,
    MajorityBase,
    Meeting,
    Outcome,
    State,
    Tally,
    Vote,
    majority_base_count,
    quorum_met,
    quorum_needed,
)

MEETING_FIELDS = (
    "title",
    "description",
    "host_kind",
    "party_org",
    "host_ref",
    "host_name",
    "starts_at",
    "ends_at",
    "location",
    "chair",
    "majority_base",
    "quorum_numerator",
    "quorum_denominator",
    "quorum_strict",
    "secret_ballot",
)
ITEM_FIELDS = ("title", "description", "is_vote", "position")


def _locked(meeting: Meeting) -> Meeting:
    # of="self": PostgreSQL cannot lock the nullable side of the outer join to the branch.
    return Meeting.objects.select_for_update(of=("self",)).select_related("party_org").get(pk=meeting.pk)


def _save(actor, meeting: Meeting, action: str, before: dict | None, note: str = "") -> Meeting:
    meeting.full_clean(exclude=["state"])
    meeting.save()
    audit.record(actor=actor, action=action, obj=meeting, before=before, after=audit.snapshot(meeting), note=note)
    return meeting


def _step(meeting: Meeting, method: str):
    if not can_proceed(getattr(meeting, method)):
        raise ValidationError(
            {"state": _("Not possible while the meeting is “%(state)s”.") % {"state": meeting.get_state_display()}}
        )


def _require_editable(meeting: Meeting):
    if not meeting.is_editable:
        raise ValidationError({"state": _("The agenda and invitees are fixed once the meeting has started.")})


def _committee_place(meeting: Meeting):
    """An owners' committee meeting belongs to the committee's compound (None for any other host)."""
    if meeting.owners_committee_id is None:
        return None
    from linli.owners.selectors import compound_of

    return compound_of(meeting.owners_committee_id)


def _url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


# -- meetings ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor, place, **attrs) -> Meeting:
    party_org = attrs.get("party_org")
    if attrs.get("host_kind") == HostKind.PARTY_BRANCH and party_org is not None:
        place = party_org.place
    place = _committee_place(Meeting(host_kind=attrs.get("host_kind", ""), host_ref=attrs.get("host_ref", ""))) or place
    if place is None:
        raise ValidationError({"place": _("Choose where the meeting belongs.")})
    require_at(actor, Action.ADD, Meeting, place.path)
    meeting = Meeting(place=place, scope_path=place.path, created_by=actor)
    assign(meeting, attrs, MEETING_FIELDS)
    _save(actor, meeting, "create", None)
    events.publish("meetings.meeting.created", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, place=None, **changes) -> Meeting:
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _require_editable(meeting)
    before = audit.snapshot(meeting)
    assign(meeting, changes, MEETING_FIELDS)
    if place is not None and place.pk != meeting.place_id:
        require_at(actor, Action.ADD, Meeting, place.path)
        meeting.place = place
    if meeting.host_kind == HostKind.PARTY_BRANCH and meeting.party_org_id:
        meeting.place = meeting.party_org.place
    meeting.place = _committee_place(meeting) or meeting.place
    if meeting.place.path != meeting.scope_path:
        require_at(actor, Action.ADD, Meeting, meeting.place.path)
    meeting.scope_path = meeting.place.path
    _save(actor, meeting, "update", before)
    AgendaItem.objects.filter(meeting=meeting).update(scope_path=meeting.scope_path)
    Invitee.objects.filter(meeting=meeting).update(scope_path=meeting.scope_path)
    return meeting


@transaction.atomic
def meeting_schedule(*, actor, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _step(meeting, "schedule")
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("user"))
    errors = {}
    if not invitees:
        errors["invitees"] = _("Invite at least one person before scheduling.")
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        errors["items"] = _("Add at least one agenda item before scheduling.")
    if meeting.ends_at <= timezone.now():
        errors["ends_at"] = _("This meeting would already be over.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(meeting)
    meeting.schedule()
    _save(actor, meeting, "schedule", before)
    _notify_invitation(meeting, [i.user for i in invitees])
    events.publish("meetings.meeting.scheduled", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


def _notify_invitation(meeting: Meeting, users):
    from linli.notifications.services import notify

    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    notify(
        users=users,
        title=_("Meeting invitation: %(title)s") % {"title": meeting.title},
        body=_("%(host)s invites you to an online meeting at %(when)s. Check in on the meeting page when it starts.")
        % {"host": meeting.host_label, "when": when},
        url=_url(meeting),
        kind="meetings.invited",
        obj=meeting,
    )


@transaction.atomic
def meeting_open(*, actor, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _step(meeting, "open")
    before = audit.snapshot(meeting)
    meeting.open()
    _save(actor, meeting, "open", before)
    events.publish("meetings.meeting.opened", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    """Close the meeting and freeze every vote's result (counts, base, outcome)."""
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _step(meeting, "close")
    before = audit.snapshot(meeting)
    n_inv, n_att = attendance(meeting)
    results = tallies(meeting, counts=(n_inv, n_att))
    for item in AgendaItem.objects.select_for_update().filter(meeting=meeting, is_vote=True):
        t = results[item.pk]
        item.yes_count, item.no_count, item.abstain_count, item.base_count = t.yes, t.no, t.abstain, t.base
        item.outcome = Outcome.PASSED if t.passed else Outcome.FAILED
        item.save(update_fields=["yes_count", "no_count", "abstain_count", "base_count", "outcome", "updated_at"])
    meeting.close(invitees=n_inv, attendees=n_att)
    _save(actor, meeting, "close", before)
    events.publish("meetings.meeting.closed", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _step(meeting, "cancel")
    was_announced = meeting.state != State.DRAFT
    before = audit.snapshot(meeting)
    meeting.cancel()
    _save(actor, meeting, "cancel", before, reason[:200])
    if was_announced:
        from linli.notifications.services import notify

        users = [i.user for i in Invitee.objects.filter(meeting=meeting).select_related("user")]
        notify(
            users=users,
            title=_("Meeting cancelled: %(title)s") % {"title": meeting.title},
            body=reason[:500],
            url=_url(meeting),
            kind="meetings.cancelled",
            obj=meeting,
        )
    return meeting


@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, minutes: str, decisions: dict[int, str] | None = None) -> Meeting:
    """Minutes and per-item decisions are written while the meeting runs or after it closed."""
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state not in (State.OPEN, State.CLOSED):
        raise ValidationError({"minutes": _("Minutes are recorded once the meeting has started.")})
    before = audit.snapshot(meeting)
    meeting.minutes = (minutes or "").strip()
    _save(actor, meeting, "minutes", before)
    items = {i.pk: i for i in AgendaItem.objects.select_for_update().filter(meeting=meeting)}
    for pk, text in (decisions or {}).items():
        item = items.get(int(pk))
        if item is None:
            raise ValidationError({"decisions": _("Unknown agenda item.")})
        text = (text or "").strip()
        if text != item.decision:
            item_before = audit.snapshot(item)
            item.decision = text
            save_audited(actor=actor, obj=item, action="decision", before=item_before)
    return meeting


# -- agenda and invitees -----------------------------------------------------------------------------------


@transaction.atomic
def item_add(*, actor, meeting: Meeting, **attrs) -> AgendaItem:
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _require_editable(meeting)
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").first()
    item = AgendaItem(meeting=meeting, scope_path=meeting.scope_path, position=(last.position + 1) if last else 1)
    assign(item, attrs, ITEM_FIELDS)
    save_audited(actor=actor, obj=item, action="create")
    return item


@transaction.atomic
def item_remove(*, actor, item: AgendaItem) -> None:
    meeting = _locked(item.meeting)
    require(actor, Action.CHANGE, meeting)
    _require_editable(meeting)
    audit.record(actor=actor, action="delete", obj=item, before=audit.snapshot(item))
    item.delete()


@transaction.atomic
def invite(*, actor, meeting: Meeting, users=(), residents=()) -> list[Invitee]:
    """Invite users and/or residents (through their login account). Already invited people are skipped."""
    meeting = _locked(meeting)
    require(actor, Action.CHANGE, meeting)
    _require_editable(meeting)
    wanted: dict[int, tuple] = {}
    missing = []
    for resident in residents:
        if resident.account_id is None:
            missing.append(resident.name)
            continue
        wanted.setdefault(resident.account_id, (resident.account, resident))
    for user in users:
        if user is None or not user.is_active:
            continue
        wanted.setdefault(user.pk, (user, resident_of(user)))
    if missing and not wanted:
        raise ValidationError(
            {
                "invitees": _("These residents have no login account and cannot take part online: %(names)s.")
                % {"names": "、".join(missing)}
            }
        )
    existing = set(Invitee.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    rows = [
        Invitee(meeting=meeting, user=u, resident=r, scope_path=meeting.scope_path)
        for uid, (u, r) in wanted.items()
        if uid not in existing
    ]
    Invitee.objects.bulk_create(rows)
    created = list(Invitee.objects.filter(meeting=meeting, user_id__in=[r.user_id for r in rows]))
    if created:
        audit.record(
            actor=actor,
            action="invite",
            obj=meeting,
            note=_("%(n)s invited") % {"n": len(created)},
            after={"users": [r.user_id for r in created]},
        )
        if meeting.state == State.SCHEDULED:
            _notify_invitation(meeting, [r.user for r in rows])
    return created


def invite_branch(*, actor, meeting: Meeting, org) -> list[Invitee]:
    """Invite a party branch's active members who have a login account."""
    from linli.party.models import PartyMember

    residents = [
        m.resident for m in PartyMember.objects.filter(org=org, is_active=True).select_related("resident__account")
    ]
    return invite(actor=actor, meeting=meeting, residents=[r for r in residents if r.account_id])


def invite_committee(*, actor, meeting: Meeting, committee) -> list[Invitee]:
    """Invite an owners' committee's members in office who have a login account."""
    from linli.owners.selectors import members_in_office

    seats = members_in_office(committee.pk).select_related("resident__account")
    return invite(actor=actor, meeting=meeting, residents=[s.resident for s in seats if s.resident.account_id])


@transaction.atomic
def uninvite(*, actor, invitee: Invitee) -> None:
    meeting = _locked(invitee.meeting)
    require(actor, Action.CHANGE, meeting)
    _require_editable(meeting)
    audit.record(
        actor=actor, action="uninvite", obj=meeting, note=invitee.display_name, before={"user": invitee.user_id}
    )
    invitee.delete()


# -- check-in and votes ------------------------------------------------------------------------------------


def _own_invitation(actor, meeting: Meeting) -> Invitee:
    invitee = Invitee.objects.select_for_update().filter(meeting=meeting, user_id=getattr(actor, "pk", None)).first()
    if invitee is None:
        raise ValidationError({"invitee": _("Only invitees take part in this meeting.")})
    return invitee


@transaction.atomic
def check_in(*, actor, meeting: Meeting, now=None) -> Invitee:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    invitee = _own_invitation(actor, meeting)
    now = now or timezone.now()
    if meeting.state not in (State.SCHEDULED, State.OPEN):
        raise ValidationError(
            {
                "state": _("Check-in is not possible while the meeting is “%(state)s”.")
                % {"state": meeting.get_state_display()}
            }
        )
    if not meeting.in_window(now):
        raise ValidationError(
            {
                "checked_in_at": _("Check-in is open only during the meeting (%(start)s–%(end)s).")
                % {
                    "start": short_when(meeting.starts_at),  # with the year when it is not this year's
                    "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
                }
            }
        )
    if invitee.checked_in_at is None:
        invitee.checked_in_at = now
        invitee.save(update_fields=["checked_in_at", "updated_at"])
        audit.record(actor=actor, action="check_in", obj=invitee)
    return invitee


@transaction.atomic
def vote(*, actor, item: AgendaItem, choice: str) -> Vote:
    """Cast or change the actor's vote. Refused outside an open meeting, for non-invitees, before checking in,
    and while the quorum is not met."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    item = AgendaItem.objects.get(pk=item.pk)
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    if not item.is_vote:
        raise ValidationError({"item": _("This agenda item is not put to a vote.")})
    invitee = _own_invitation(actor, meeting)
    if meeting.state != State.OPEN:
        raise ValidationError({"state": _("Voting is possible only while the meeting is in progress.")})
    if invitee.checked_in_at is None:
        raise ValidationError({"invitee": _("Check in first, then vote.")})
    voters = _voters(meeting)
    if voters is not None and not voters.filter(resident__account_id=invitee.user_id).exists():
        if _is_branch(meeting):
            raise ValidationError(
                {
                    "invitee": _(
                        "Only full members of %(branch)s vote: probationary members and guests attend without a vote."
                    )
                    % {"branch": meeting.party_org.name}
                }
            )
        raise ValidationError(
            {
                "invitee": _("Only the members of %(committee)s in office vote: guests attend without a vote.")
                % {"committee": meeting.host_label}
            }
        )
    n_inv, n_att = attendance(meeting)
    if not quorum_met(
        attendees=n_att,
        invitees=n_inv,
        numerator=meeting.quorum_numerator,
        denominator=meeting.quorum_denominator,
        strict=meeting.quorum_strict,
    ):
        raise ValidationError({"quorum": quorum_message(meeting, n_inv, n_att)})
    existing = Vote.objects.select_for_update().filter(item=item, invitee=invitee).first()
    if meeting.secret_ballot:
        return _secret_vote(actor, meeting, item, invitee, existing, choice)
    if existing is None:
        ballot = Vote.objects.create(item=item, invitee=invitee, choice=choice, scope_path=meeting.scope_path)
        action = "vote"
    else:
        ballot, action = existing, "change_vote"
        ballot.choice = choice
        ballot.save(update_fields=["choice", "updated_at"])
    audit.record(
        actor=actor, action=action, obj=ballot, after={"item": item.pk, "choice": choice}, object_repr=item.title
    )
    return ballot


def _secret_vote(
    actor, meeting: Meeting, item: AgendaItem, invitee: Invitee, existing: Vote | None, choice: str
) -> Vote:
    """A secret ballot leaves no trace of its choice but the ballot itself, and no exact time anywhere: the audit
    row says that the invitee cast a ballot on the item (turnout is public), on which day, and the same for a
    changed ballot (one action, "vote", so a change is not told apart either); the ballot row's own times keep the
    day only. With the counts hidden until the meeting closes (``published_tallies``), nothing links a voter's
    time to a movement of the counts."""
    day = audit.day_start(timezone.now())
    if existing is None:
        ballot = Vote.objects.create(
            item=item, invitee=invitee, choice=choice, scope_path=meeting.scope_path, created_at=day
        )
    else:
        ballot = existing
        ballot.choice = choice
    Vote.objects.filter(pk=ballot.pk).update(choice=choice, updated_at=day)
    ballot.updated_at = day
    audit.record(actor=actor, action="vote", obj=ballot, after={"item": item.pk}, object_repr=item.title, day_only=True)
    return ballot


def quorum_message(meeting: Meeting, invitees: int, attendees: int) -> str:
    need = quorum_needed(
        invitees=invitees,
        numerator=meeting.quorum_numerator,
        denominator=meeting.quorum_denominator,
        strict=meeting.quorum_strict,
    )
    if _is_branch(meeting):
        return _(
            "No quorum yet: %(att)s of the branch's %(inv)s full members (应到, with voting rights) have "
            "checked in and %(need)s are needed (%(rule)s). Voting opens when enough have checked in."
        ) % {"att": attendees, "inv": invitees, "need": need, "rule": quorum_rule(meeting)}
    if _is_committee(meeting):
        return _(
            "No quorum yet: %(att)s of the committee's %(inv)s members have checked in and %(need)s are "
            "needed (%(rule)s). Voting opens when enough have checked in."
        ) % {"att": attendees, "inv": invitees, "need": need, "rule": quorum_rule(meeting)}
    return _(
        "No quorum yet: %(att)s of %(inv)s invitees have checked in and %(need)s are needed "
        "(%(rule)s). Voting opens when enough have checked in."
    ) % {"att": attendees, "inv": invitees, "need": need, "rule": quorum_rule(meeting)}


def quorum_rule(meeting: Meeting) -> str:
    if meeting.quorum_numerator == 0:
        return _("no quorum")
    frac = f"{meeting.quorum_numerator}/{meeting.quorum_denominator}"
    if _is_branch(meeting):
        if meeting.quorum_strict:
            return _("more than %(frac)s of the full members") % {"frac": frac}
        return _("at least %(frac)s of the full members") % {"frac": frac}
    if _is_committee(meeting):
        if meeting.quorum_strict:
            return _("more than %(frac)s of all the committee's members") % {"frac": frac}
        return _("at least %(frac)s of all the committee's members") % {"frac": frac}
    if meeting.quorum_strict:
        return _("more than %(frac)s of the invitees") % {"frac": frac}
    return _("at least %(frac)s of the invitees") % {"frac": frac}


# -- reads used by services, selectors and pages ------------------------------------------------------------


def _is_branch(meeting: Meeting) -> bool:
    return meeting.host_kind == HostKind.PARTY_BRANCH and meeting.party_org_id is not None


def _is_committee(meeting: Meeting) -> bool:
    return meeting.owners_committee_id is not None


def _voters(meeting: Meeting):
    """The members entitled to vote (应到) when the host is a body with members, as a queryset of rows with a
    ``resident`` (``resident__account_id`` is their login); None for any other host (the invitees are the base).

    * a party branch: the members with voting rights of a 支部党员大会 (支部工作条例) as organisational life counts them
      (``orglife.entitlement``: a general branch's sub-branches included) — ``party.PartyMember``;
    * an owners' committee: its members in office (建房〔2009〕274号: it decides with more than half of ALL its
      members) — ``owners.CommitteeSeat``."""
    if _is_branch(meeting):
        from linli.orglife.entitlement import entitled
        from linli.orglife.models import Kind

        return entitled(meeting.party_org, Kind.GENERAL_ASSEMBLY)
    if _is_committee(meeting):
        from linli.owners.selectors import members_in_office

        return members_in_office(meeting.owners_committee_id)
    return None


def voting_user_ids(meeting: Meeting) -> set[int] | None:
    """The logins of the members who vote at a branch or committee meeting (None: every invitee votes). A checked-in
    invitee outside it — a probationary member at a branch meeting, a guest — attends without a vote (列席)."""
    voters = _voters(meeting)
    if voters is None:
        return None
    return set(voters.exclude(resident__account_id=None).values_list("resident__account_id", flat=True))


def attendance(meeting: Meeting) -> tuple[int, int]:
    """(invitees, checked-in attendees) in one query.

    A party-branch meeting counts its branch instead (domain rules §2): every active full member is 应到, invited or
    not (a member without a login cannot be invited yet still counts), and only full members who checked in are
    present — so a resolution passes with yes > 1/2 of the branch's full members (10 of 21 fails), not of those
    who happened to be invited. An owners' committee meeting counts the committee's members in office the same
    way (7 members: 4 present is a quorum, 4 yes pass; 3 yes of 5 present fail)."""
    voters = _voters(meeting)
    if voters is not None:
        return (
            voters.count(),
            Invitee.objects.filter(
                meeting_id=meeting.pk, checked_in_at__isnull=False, user_id__in=voters.values("resident__account_id")
            ).count(),
        )
    row = Invitee.objects.filter(meeting_id=meeting.pk).aggregate(
        n=Count("id"), att=Count("id", filter=Q(checked_in_at__isnull=False))
    )
    return row["n"], row["att"]


def results_hidden(meeting: Meeting) -> bool:
    """A secret ballot publishes no count (nor share, nor who voted how) until the meeting closes: counts polled
    while the vote runs, beside who checked in or voted when, would tell how each person voted."""
    return meeting.secret_ballot and meeting.state != State.CLOSED


def published_tallies(meeting: Meeting, *, counts: tuple[int, int] | None = None) -> dict[int, Tally]:
    """The tallies a page or the API may show: ``tallies`` on an open ballot; on a secret ballot nothing until the
    meeting closes, then the frozen results."""
    if results_hidden(meeting):
        return {}
    return tallies(meeting, counts=counts)


def tallies(meeting: Meeting, *, counts: tuple[int, int] | None = None) -> dict[int, Tally]:
    """Live (or, once closed, frozen) counts for every voting item, in two queries."""
    if meeting.state == State.CLOSED and meeting.frozen_invitees is not None:
        return {
            i.pk: Tally(i.yes_count or 0, i.no_count or 0, i.abstain_count or 0, i.base_count or 0)
            for i in AgendaItem.objects.filter(meeting=meeting, is_vote=True)
        }
    n_inv, n_att = counts or attendance(meeting)
    rows = (
        AgendaItem.objects.filter(meeting=meeting, is_vote=True)
        .annotate(
            y=Count("votes", filter=Q(votes__choice=Choice.YES)),
            n=Count("votes", filter=Q(votes__choice=Choice.NO)),
            a=Count("votes", filter=Q(votes__choice=Choice.ABSTAIN)),
        )
        .values_list("pk", "y", "n", "a")
    )
    out = {}
    for pk, y, n, a in rows:
        base = majority_base_count(meeting.majority_base, invitees=n_inv, attendees=n_att, cast=y + n + a)
        out[pk] = Tally(y, n, a, base)
    return out


__all__ = [
    "MajorityBase",
    "attendance",
    "check_in",
    "invite",
    "invite_branch",
    "invite_committee",
    "item_add",
    "item_remove",
    "meeting_cancel",
    "meeting_close",
    "meeting_create",
    "meeting_open",
    "meeting_schedule",
    "meeting_update",
    "minutes_save",
    "published_tallies",
    "quorum_message",
    "results_hidden",
    "tallies",
    "uninvite",
    "vote",
]
