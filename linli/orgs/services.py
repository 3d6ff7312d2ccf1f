"""Use cases for organisations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit
from linli.core.paths import is_under
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign

from .models import Organisation, OrgKind

UNCHANGED = object()

FIELDS = {"kind", "name", "short_name", "credit_code", "contact_name", "contact_phone", "address", "is_active"}


def _check_compounds(org: Organisation, compounds) -> list[Place]:
    compounds = list(compounds or [])
    bad = [c.name for c in compounds if c.level != Level.COMPOUND]
    if bad:
        raise ValidationError(
            {"managed_compounds": _("Only compounds can be managed: %(names)s") % {"names": "、".join(bad)}}
        )
    if compounds and org.kind != OrgKind.PROPERTY:
        raise ValidationError({"managed_compounds": _("Only property companies manage compounds.")})
    return compounds


def _check_location(org: Organisation) -> None:
    """The location, when given, lies within the area served (a compound, building or house there)."""
    location = org.location
    if location is not None and not is_under(location.path, org.area.path):
        raise ValidationError(
            {"location": _("The location must lie within the area served (%(area)s).") % {"area": org.area.name}}
        )


def _check_credit_code(org: Organisation) -> None:
    """One organisation per 统一社会信用代码: a duplicate is an error on the field, not a crash."""
    if org.credit_code and Organisation.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk).exists():
        raise ValidationError({"credit_code": _("Another organisation already has this unified social credit code.")})


def _save(org: Organisation) -> None:
    _check_location(org)
    _check_credit_code(org)
    org.full_clean()
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:  # a concurrent registration of the same credit code
        raise ValidationError(
            {"credit_code": _("Another organisation already has this unified social credit code.")}
        ) from exc


def _normalise(changes: dict) -> dict:
    for key in ("name", "short_name", "contact_name", "address"):
        if key in changes and changes[key] is not None:
            changes[key] = changes[key].strip()
    if changes.get("credit_code"):
        changes["credit_code"] = changes["credit_code"].strip().upper()
    return changes


@transaction.atomic
def organisation_create(
    *, actor, area: Place, managed_compounds=None, location: Place | None = None, **attrs
) -> Organisation:
    if area.level > Level.COMMUNITY:
        raise ValidationError({"area": _("Choose a district, street or community.")})
    require_at(actor, Action.ADD, Organisation, area.path)
    org = Organisation(area=area, scope_path=area.path, location=location)
    assign(org, _normalise(attrs), FIELDS)
    compounds = _check_compounds(org, managed_compounds)
    _save(org)
    org.managed_compounds.set(compounds)
    audit.record(actor=actor, action="create", obj=org, after=audit.snapshot(org))
    return org


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, managed_compounds=None, area=None, location=UNCHANGED, **changes
) -> Organisation:
    """Change an organisation; ``location=None`` clears the location, leaving it out keeps it."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(actor, Action.CHANGE, org)
    before = audit.snapshot(org)
    assign(org, _normalise(changes), FIELDS)
    if area is not None and area.pk != org.area_id:
        if area.level > Level.COMMUNITY:
            raise ValidationError({"area": _("Choose a district, street or community.")})
        require_at(actor, Action.ADD, Organisation, area.path)
        org.area, org.scope_path = area, area.path
    if location is not UNCHANGED:
        org.location = location
    if managed_compounds is not None:
        compounds = _check_compounds(org, managed_compounds)
    _save(org)
    if managed_compounds is not None:
        org.managed_compounds.set(compounds)
    audit.record(actor=actor, action="update", obj=org, before=before, after=audit.snapshot(org))
    return org
