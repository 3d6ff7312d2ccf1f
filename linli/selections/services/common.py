"""What the selection services share: text checks, locking, who a login is as a voter, the window checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from linli.core import events
from linli.registry.selectors import resident_of

from ..models import Selection


def check_text(value, field: str, *, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return text


def lock_selection(selection: Selection) -> Selection:
    return Selection.objects.select_for_update(of=("self",)).select_related("place").get(pk=selection.pk)


def day(value) -> str:
    return formats.date_format(value, "Y-m-d")


def publish(name: str, selection: Selection, **extra) -> None:
    events.publish(name, {"selection_id": selection.pk, "path": selection.scope_path, **extra})


def within(path: str, selection: Selection) -> bool:
    return bool(path) and path.startswith(selection.scope_path)


def local_resident(user, selection: Selection):
    """The registry resident linked to ``user`` if they live under the selection's place, else None."""
    resident = resident_of(user)
    if resident is None or not resident.is_active or not resident.home_id:
        return None
    return resident if within(resident.scope_path, selection) else None


def voter_of(user, selection: Selection):
    """The resident who votes as ``user``; a clear refusal when the login has no registry record or lives
    elsewhere."""
    resident = resident_of(user)
    if resident is None or not resident.is_active:
        raise ValidationError(
            {"voter": _("Your login is not linked to a resident record yet: ask your community to link it.")}
        )
    if not resident.home_id or not within(resident.scope_path, selection):
        raise ValidationError(
            {"voter": _("Only residents of %(place)s can take part in this selection.") % {"place": selection.place}}
        )
    return resident
