"""Use cases for organisations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign

from .models import Organisation, OrgKind

FIELDS = {"kind", "name", "short_name", "credit_code", "contact_name", "contact_phone", "address", "is_active"}


def _check_compounds(org: Organisation, compounds) -> list[Place]:
    compounds = list(compounds or [])
    bad = [c.name for c in compounds if c.level != Level.COMPOUND]
    if bad:
        raise ValidationError({"managed_compounds": _("Only compounds can be managed: %(names)s")
                               % {"names": "、".join(bad)}})
    if compounds and org.kind != OrgKind.PROPERTY:
        raise ValidationError({"managed_compounds": _("Only property companies manage compounds.")})
    return compounds


def _normalise(changes: dict) -> dict:
    for key in ("name", "short_name", "contact_name", "address"):
        if key in changes and changes[key] is not None:
            changes[key] = changes[key].strip()
    if changes.get("credit_code"):
        changes["credit_code"] = changes["credit_code"].strip().upper()
    return changes


@transaction.atomic
def organisation_create(*, actor, area: Place, managed_compounds=None, **attrs) -> Organisation:
    if area.level > Level.COMMUNITY:
        raise ValidationError({"area": _("Choose a district, street or community.")})
    require_at(actor, Action.ADD, Organisation, area.path)
    org = Organisation(area=area, scope_path=area.path)
    assign(org, _normalise(attrs), FIELDS)
    compounds = _check_compounds(org, managed_compounds)
    org.full_clean()
    org.save()
    org.managed_compounds.set(compounds)
    audit.record(actor=actor, action="create", obj=org, after=audit.snapshot(org))
    return org


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, managed_compounds=None, area=None,
                        **changes) -> Organisation:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(actor, Action.CHANGE, org)
    before = audit.snapshot(org)
    assign(org, _normalise(changes), FIELDS)
    if area is not None and area.pk != org.area_id:
        if area.level > Level.COMMUNITY:
            raise ValidationError({"area": _("Choose a district, street or community.")})
        require_at(actor, Action.ADD, Organisation, area.path)
        org.area, org.scope_path = area, area.path
    if managed_compounds is not None:
        compounds = _check_compounds(org, managed_compounds)
    org.full_clean()
    org.save()
    if managed_compounds is not None:
        org.managed_compounds.set(compounds)
    audit.record(actor=actor, action="update", obj=org, before=before, after=audit.snapshot(org))
    return org
