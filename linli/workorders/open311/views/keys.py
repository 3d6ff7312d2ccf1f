"""The staff page that issues and revokes Open311 API keys."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.models import Place
from linli.core.permissions import can_at, may_any, restrict

from ...models import (
    Open311Key,
)
from .. import services

# -- the staff page: issue and revoke keys ----------------------------------------------------------------------


def _key_places(user) -> list[Place]:
    """The districts, streets and communities ``user`` may issue keys for."""
    return [
        p
        for p in Place.objects.filter(level__lte=3, is_active=True).order_by("path")
        if can_at(user, "add", Open311Key, p.path)
    ]


@login_required
def keys_page(request):
    user = request.user
    if not may_any(user, Open311Key, "add"):
        raise PermissionDenied
    issued = raw = None
    errors: dict = {}
    if request.method == "POST":
        code = (request.POST.get("place") or "")[:24]
        place = next((p for p in _key_places(user) if p.code == code), None)
        try:
            if place is None:
                raise ValidationError({"place": _("Choose a district, street or community you manage.")})
            issued, raw = services.key_issue(actor=user, name=request.POST.get("name", ""), place=place)
        except ValidationError as exc:
            errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            errors["general"] = errors.pop("__all__", [])
    keys = restrict(Open311Key.objects.select_related("place", "issued_by", "revoked_by"), user)
    return render(
        request,
        "workorders/open311_keys.html",
        {
            "keys": keys,
            "places": _key_places(user),
            "issued": issued,
            "raw": raw,
            "errors": errors,
            "base_url": request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/",
        },
    )


@login_required
@require_POST
def key_revoke(request, pk: int):
    key = get_object_or_404(restrict(Open311Key.objects.all(), request.user), pk=pk)
    with contextlib.suppress(ValidationError):  # already revoked: nothing to do
        services.key_revoke(actor=request.user, key=key)
    return redirect("open311:keys")
