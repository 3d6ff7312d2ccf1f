"""Teams (志愿服务队), their members and leader, duty logs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited

from ..models import (
    DutyLog,
    Team,
    TeamMember,
    Volunteer,
    VolunteerStatus,
)
from .common import lock_row

# --- teams -----------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, community: Place, name: str, kind: str, description: str = "", leader=None) -> Team:
    if community is None or community.level != 3:
        raise ValidationError({"community": _("A team belongs to a community.")})
    require_at(actor, Action.ADD, Team, community.path)
    name = (name or "").strip()
    if Team.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("This community already has a team with this name.")})
    team = Team(
        community=community, scope_path=community.path, name=name, kind=kind, description=(description or "").strip()
    )
    save_audited(actor=actor, obj=team, action="create")
    if leader is not None:
        team = team_set_leader(actor=actor, team=team, volunteer=leader)
    events.publish("volunteering.team.created", {"id": team.pk, "path": team.scope_path})
    return team


@transaction.atomic
def team_member_add(*, actor, team: Team, volunteer: Volunteer) -> TeamMember:
    team = lock_row(team)
    require(actor, Action.CHANGE, team)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    existing = TeamMember.objects.filter(team=team, volunteer=volunteer).first()
    if existing:
        return existing
    member = TeamMember(team=team, volunteer=volunteer, scope_path=team.scope_path)
    return save_audited(actor=actor, obj=member, action="create")


@transaction.atomic
def team_member_remove(*, actor, member: TeamMember) -> None:
    team = lock_row(member.team)
    require(actor, Action.CHANGE, team)
    if team.leader_id == member.volunteer_id:
        raise ValidationError({"volunteer": _("Choose another leader before removing the leader.")})
    audit.record(actor=actor, action="delete", obj=member, before=audit.snapshot(member))
    member.delete()


@transaction.atomic
def team_set_leader(*, actor, team: Team, volunteer: Volunteer) -> Team:
    team = lock_row(team)
    require(actor, Action.CHANGE, team)
    team_member_add(actor=actor, team=team, volunteer=volunteer)
    before = audit.snapshot(team)
    team.leader = volunteer
    return save_audited(actor=actor, obj=team, action="update", before=before)


@transaction.atomic
def duty_log_add(*, actor, team: Team, kind: str, on, findings: str, actions: str = "") -> DutyLog:
    require_at(actor, Action.ADD, DutyLog, team.scope_path)
    log = DutyLog(
        team=team,
        scope_path=team.scope_path,
        kind=kind,
        on=on,
        findings=(findings or "").strip(),
        actions=(actions or "").strip(),
        recorded_by=actor if actor.is_authenticated else None,
    )
    return save_audited(actor=actor, obj=log, action="create")
