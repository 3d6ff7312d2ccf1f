"""Helpers shared by every domain's services (the only place writes happen)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from . import audit


def assign(obj: models.Model, data: dict, allowed: Iterable[str]) -> None:
    """Copy ``data`` onto ``obj``; unknown or forbidden keys are a validation error, not ignored."""
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed here.") for k in unknown})
    for key, value in data.items():
        setattr(obj, key, value)


def save_audited(
    *,
    actor,
    obj: models.Model,
    action: str,
    before: dict | None = None,
    note: str = "",
    validate: bool = True,
    exclude_from_validation: Iterable[str] = (),
) -> models.Model:
    """Validate, save and write the audit row in the caller's transaction."""
    if validate:
        obj.full_clean(exclude=list(exclude_from_validation) or None)
    obj.save()
    audit.record(actor=actor, action=action, obj=obj, before=before, after=audit.snapshot(obj), note=note)
    return obj
