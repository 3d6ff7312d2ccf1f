"""Volunteers: registration (志愿者注册), their record, achievements."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.permissions import Action, can, require, require_at
from linli.core.services import assign, save_audited

from ..models import (
    Achievement,
    Volunteer,
)
from .common import MIN_VOLUNTEER_AGE, community_of, is_self, lock_row, save_numbered


@transaction.atomic
def volunteer_register(
    *,
    actor,
    resident,
    skills=(),
    skills_note: str = "",
    availability: str = "weekends",
    contact_preference: str = "app",
) -> Volunteer:
    """Register a resident as a volunteer (by staff in scope, or by the resident themself)."""
    from linli.registry.models import Resident

    if resident is None:
        raise ValidationError({"resident": _("Choose a resident.")})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if not (getattr(actor, "is_authenticated", False) and resident.account_id == actor.pk):
        require_at(actor, Action.ADD, Volunteer, resident.scope_path)
    if not resident.is_active or resident.merged_into_id:
        raise ValidationError({"resident": _("This resident record is not active.")})
    if Volunteer.objects.filter(resident=resident).exists():
        raise ValidationError({"resident": _("This resident is already a registered volunteer.")})
    age = resident.age
    if age is not None and age < MIN_VOLUNTEER_AGE:
        raise ValidationError(
            {"resident": _("Volunteers must be at least %(age)s years old.") % {"age": MIN_VOLUNTEER_AGE}}
        )
    community = community_of(resident.scope_path)
    volunteer = Volunteer(
        resident=resident,
        community=community,
        scope_path=resident.scope_path,
        skills=list(dict.fromkeys(skills or [])),
        skills_note=(skills_note or "").strip(),
        availability=availability,
        contact_preference=contact_preference,
        registered_on=dates.today(),
    )
    save_numbered(volunteer, f"YS{dates.today().year}", actor=actor)
    events.publish(
        "volunteering.volunteer.registered",
        {"id": volunteer.pk, "resident_id": resident.pk, "path": volunteer.scope_path},
    )
    return volunteer


@transaction.atomic
def volunteer_update(*, actor, volunteer: Volunteer, **changes) -> Volunteer:
    volunteer = lock_row(volunteer)
    allowed = {"skills", "skills_note", "availability", "contact_preference"}
    if not is_self(actor, volunteer) or can(actor, Action.CHANGE, volunteer):
        require(actor, Action.CHANGE, volunteer)
        allowed.add("status")
    before = audit.snapshot(volunteer)
    if "skills" in changes:
        changes["skills"] = list(dict.fromkeys(changes["skills"] or []))
    assign(volunteer, changes, allowed)
    return save_audited(actor=actor, obj=volunteer, action="update", before=before)


@transaction.atomic
def achievement_add(
    *, actor, volunteer: Volunteer, kind: str, on, title: str, issuer: str = "", hours=None
) -> Achievement:
    require_at(actor, Action.ADD, Achievement, volunteer.scope_path)
    obj = Achievement(
        volunteer=volunteer,
        scope_path=volunteer.scope_path,
        kind=kind,
        on=on,
        title=(title or "").strip(),
        issuer=(issuer or "").strip(),
        hours=hours if kind == "training" else None,
    )
    return save_audited(actor=actor, obj=obj, action="create")
