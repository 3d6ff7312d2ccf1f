"""What the work-order pages share: the section, the page size, errors onto forms, the dispatch targets."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.paths import COMPOUND, path_at
from linli.core.permissions import restrict
from linli.core.views import apply_validation_error as _apply_core
from linli.orgs.models import Organisation, OrgKind

from ..models import Case, TaskForce

SECTION = "government"
PAGE_SIZE = 50
HANDLER_KINDS = (OrgKind.DEPARTMENT, OrgKind.PROPERTY, OrgKind.STATIONED)
FIELD_ALIASES = {"attachments": "photos", "files": "photos", "reasons": "reasons"}


def apply_validation_error(form, exc: ValidationError) -> None:
    """A service's errors onto the form; the service's "attachments" are the form's "photos"."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError({FIELD_ALIASES.get(k, k): v for k, v in exc.error_dict.items()})
    _apply_core(form, exc)


# --- who handles: organisations a case can be dispatched to ----------------------------------------------


def handler_orgs():
    """Active departments, property companies and stationed units: the dispatch targets. Organisation names
    are public reference data; only someone who controls the case's queue is offered them."""
    return list(Organisation.objects.filter(is_active=True, kind__in=HANDLER_KINDS).order_by("kind", "name"))


def suggested_lead(case: Case) -> Organisation | None:
    """The compound's property company when the category goes to property first, else the category's (or its
    parent's) default handler."""
    category = case.category
    by_property = category.handled_by_property or (category.parent_id and category.parent.handled_by_property)
    if by_property and len(case.scope_path) >= 15:
        company = Organisation.objects.filter(
            kind=OrgKind.PROPERTY, is_active=True, managed_compounds__path=path_at(case.scope_path, COMPOUND)
        ).first()
        if company:
            return company
    if category.default_handler_id:
        return category.default_handler
    if category.parent_id and category.parent.default_handler_id:
        return category.parent.default_handler
    return None


def task_forces(user):
    return list(restrict(TaskForce.objects.filter(is_active=True), user).select_related("lead").order_by("name"))


def org_choice(form, field: str, pk):
    """The organisation ``pk`` among those the form offered, or a field error."""
    if pk is None:
        return None
    org = form.orgs.get(pk)
    if org is None:
        raise ValidationError({field: _("Choose one of the organisations offered.")})
    return org
