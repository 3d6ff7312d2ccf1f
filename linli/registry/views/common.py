"""What the data-centre pages share: lookups that answer 404 out of scope, form fields by code, the export link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Place
from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, may_any
from linli.core.views import apply_validation_error

from .. import selectors
from ..models import Household, Resident

SECTION = "management"


# -- lookups (404 when out of scope) ----------------------------------------------------------------


def get_resident(user, pk: int) -> Resident:
    resident = selectors.resident_for(user, pk)
    if resident is None:
        raise Http404
    return resident


def get_household(user, pk: int) -> Household:
    household = selectors.household_for(user, pk)
    if household is None:
        raise Http404
    return household


def place_field(user, form, field: str, code: str) -> Place | None:
    """The place with ``code`` or None with a field error (unknown and unseen look alike)."""
    try:
        return place_by_code(user, code, field=field)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def resident_field(user, form, field: str, pk: int | None) -> Resident | None:
    resident = selectors.resident_for(user, pk) if pk else None
    if resident is None:
        form.add_error(field, _("No resident with this record number."))
    return resident


def export_url(user, querystring: str) -> str | None:
    """The export view (written by the import/export work) for the same filters, if it exists and the user
    may export somewhere."""
    if not may_any(user, Resident, Action.EXPORT):
        return None
    try:
        url = reverse("registry:resident_export")
    except NoReverseMatch:
        return None
    return f"{url}?{querystring}" if querystring else url


# -- residents --------------------------------------------------------------------------------------
