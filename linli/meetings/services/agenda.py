"""The agenda and the invitees: items, inviting people, a branch or a committee, uninviting."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, require
from linli.core.services import assign, save_audited
from linli.registry.selectors import resident_of

from ..models import (
    AgendaItem,
    Invitee,
    Meeting,
    State,
)
from .common import ITEM_FIELDS, locked, require_editable
from .meetings import notify_invitation

# -- agenda and invitees -----------------------------------------------------------------------------------


@transaction.atomic
def item_add(*, actor, meeting: Meeting, **attrs) -> AgendaItem:
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    require_editable(meeting)
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").first()
    item = AgendaItem(meeting=meeting, scope_path=meeting.scope_path, position=(last.position + 1) if last else 1)
    assign(item, attrs, ITEM_FIELDS)
    save_audited(actor=actor, obj=item, action="create")
    return item


@transaction.atomic
def item_remove(*, actor, item: AgendaItem) -> None:
    meeting = locked(item.meeting)
    require(actor, Action.CHANGE, meeting)
    require_editable(meeting)
    audit.record(actor=actor, action="delete", obj=item, before=audit.snapshot(item))
    item.delete()


@transaction.atomic
def invite(*, actor, meeting: Meeting, users=(), residents=()) -> list[Invitee]:
    """Invite users and/or residents (through their login account). Already invited people are skipped."""
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    require_editable(meeting)
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
            notify_invitation(meeting, [r.user for r in rows])
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
    meeting = locked(invitee.meeting)
    require(actor, Action.CHANGE, meeting)
    require_editable(meeting)
    audit.record(
        actor=actor, action="uninvite", obj=meeting, note=invitee.display_name, before={"user": invitee.user_id}
    )
    invitee.delete()
