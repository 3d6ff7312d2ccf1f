"""What the volunteering pages share: paging, errors as messages, who counts as staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from linli.core.permissions import Action, may_any

from ..models import (
    Activity,
    Volunteer,
)


def flash_error(request, exc: ValidationError):
    for msg in exc.messages:
        messages.error(request, msg)


def page_of(request, qs, per=50):
    return Paginator(qs, per).get_page(request.GET.get("page"))


def querystring(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def require_staff(user, model=Activity, action=Action.VIEW):
    if not may_any(user, model, action) or (not user.is_superuser and only_resident(user)):
        raise PermissionDenied(_("This page is for community staff."))


def only_resident(user) -> bool:
    from linli.core.permissions import bindings_for

    if user.is_superuser:
        return False
    roles = {b.role for b in bindings_for(user)}
    return roles <= {"resident"}


def may_register(user) -> bool:
    """May register volunteers for others (staff): the list's button and the page ask the same."""
    return may_any(user, Volunteer, Action.ADD) and not only_resident(user)
