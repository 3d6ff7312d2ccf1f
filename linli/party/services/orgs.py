"""Party organisations: create, update, move, archive, and the places they cover."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.paths import is_under
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign
from linli.core.workdays import add_years

from ..models import (
    BranchType,
    CommitteeSeat,
    PartyMember,
    PartyOrg,
    PartyOrgKind,
)

ORG_FIELDS = ("kind", "branch_type", "name", "parent", "place", "organisation", "term_start", "term_end", "notes")
ORG_CHANGE_FIELDS = ("branch_type", "name", "organisation", "term_start", "term_end", "notes")


def set_covered(org: PartyOrg, covered) -> None:
    if covered is None:
        return
    covered = list(covered)
    bad = [p for p in covered if not is_under(p.path, org.place.path) or p.level not in (4, 5)]
    if bad:
        raise ValidationError(
            {
                "covered_places": _("Covered places must be compounds or buildings inside %(place)s.")
                % {"place": org.place.name}
            }
        )
    org.covered_places.set(covered)


# -- organisations --------------------------------------------------------------------------------------------------


@transaction.atomic
def org_create(
    *, actor, place, kind: str, name: str, parent: PartyOrg | None = None, covered_places=None, **attrs
) -> PartyOrg:
    if place is None:
        raise ValidationError({"place": _("Choose where the organisation sits.")})
    require_at(actor, Action.ADD, PartyOrg, place.path)
    org = PartyOrg(place=place, scope_path=place.path, kind=kind, name=(name or "").strip(), parent=parent)
    assign(org, attrs, ORG_FIELDS)
    if org.kind == PartyOrgKind.BRANCH and not org.branch_type:
        org.branch_type = BranchType.COMPOUND  # as clean() defaults it, before the term is counted from it
    if org.term_start and not org.term_end:
        org.term_end = add_years(org.term_start, org.term_years)
    org.full_clean()
    org.save()
    set_covered(org, covered_places)
    audit.record(actor=actor, action="create", obj=org, after=audit.snapshot(org))
    events.publish("party.org.created", {"id": org.pk, "path": org.scope_path, "kind": org.kind})
    return org


@transaction.atomic
def org_update(*, actor, org: PartyOrg, covered_places=None, **changes) -> PartyOrg:
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    before = audit.snapshot(org)
    assign(org, changes, ORG_CHANGE_FIELDS)
    if "term_start" in changes and changes["term_start"] and "term_end" not in changes:
        org.term_end = add_years(org.term_start, org.term_years)
    org.full_clean()
    org.save()
    set_covered(org, covered_places)
    audit.record(actor=actor, action="update", obj=org, before=before, after=audit.snapshot(org))
    return org


@transaction.atomic
def org_move(*, actor, org: PartyOrg, new_parent: PartyOrg | None, place=None) -> PartyOrg:
    """Re-attach an organisation (and its subtree keeps its own places) under another parent."""
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    if new_parent is not None:
        require(actor, Action.CHANGE, new_parent)
        ancestor = new_parent
        while ancestor is not None:
            if ancestor.pk == org.pk:
                raise ValidationError({"parent": _("An organisation cannot sit under itself or its own children.")})
            ancestor = ancestor.parent
    before = audit.snapshot(org)
    org.parent = new_parent
    if place is not None:
        require_at(actor, Action.CHANGE, PartyOrg, place.path)
        org.place = place
        org.scope_path = place.path
    org.full_clean()
    org.save()
    audit.record(actor=actor, action="move", obj=org, before=before, after=audit.snapshot(org))
    events.publish("party.org.moved", {"id": org.pk, "path": org.scope_path})
    return org


@transaction.atomic
def org_archive(*, actor, org: PartyOrg) -> PartyOrg:
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    if not org.is_active:
        raise ValidationError(_("This organisation is already archived."))
    if org.children.filter(is_active=True).exists():
        raise ValidationError({"children": _("Archive or move its sub-organisations first.")})
    if PartyMember.objects.filter(org=org, is_active=True).exists():
        raise ValidationError({"members": _("Transfer its members to another branch first.")})
    before = audit.snapshot(org)
    org.is_active = False
    org.archived_on = dates.today()
    org.save(update_fields=["is_active", "archived_on", "updated_at"])
    PartyMember.objects.filter(group=org, is_active=True).update(group=None)
    CommitteeSeat.objects.filter(org=org, is_active=True).update(is_active=False, term_end=org.archived_on)
    audit.record(actor=actor, action="archive", obj=org, before=before, after=audit.snapshot(org))
    events.publish("party.org.archived", {"id": org.pk, "path": org.scope_path})
    return org
