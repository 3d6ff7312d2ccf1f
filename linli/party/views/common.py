"""What the party pages share: the section, the xlsx type, a place field by code."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action
from linli.core.views import apply_validation_error

SECTION = "party"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def place_field(user, form, field, code, action=Action.VIEW):
    try:
        return place_by_code(user, code, action=action, field=field)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
