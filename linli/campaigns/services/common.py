"""What the campaign services share: locking, permission at a compound, text checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from linli.core.permissions import bindings_for, can_at, role_may
from linli.core.validators import strip_control_chars

from ..models.base import BELOW_COMPOUND_ROLES, COMPOUND_PATH_LENGTH


def may_work_at(user, action: str, model, compound_path: str) -> bool:
    """``can_at`` plus the grid workers' reach: the compounds their buildings are in (models/base.py)."""
    if can_at(user, action, model, compound_path):
        return True
    return any(
        str(b.role) in BELOW_COMPOUND_ROLES
        and role_may(b.role, model, action)
        and any(p[:COMPOUND_PATH_LENGTH] == compound_path for p in b.place_prefixes())
        for b in bindings_for(user)
    )


def require_work_at(user, action: str, model, compound_path: str) -> None:
    if not may_work_at(user, action, model, compound_path):
        raise PermissionDenied(_("You do not have permission to do this here."))


def check_text(value, field: str, *, required: bool = True, limit: int = 100) -> str:
    text = strip_control_chars(str(value or "")).strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Ensure this value has at most %(limit)d characters.") % {"limit": limit}})
    return text
