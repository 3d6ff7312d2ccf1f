"""What the party services share: saving with an audit row (a lost race on a unique constraint is a field error)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core.services import save_audited


def save_audited_row(*, actor, obj, action, before=None, note=""):
    """save_audited, turning a lost race on a unique constraint into a field error."""
    try:
        with transaction.atomic():
            return save_audited(actor=actor, obj=obj, action=action, before=before, note=note)
    except IntegrityError as exc:
        raise ValidationError(_("This conflicts with an existing record: %(error)s") % {"error": exc}) from exc
