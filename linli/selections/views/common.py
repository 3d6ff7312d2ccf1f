"""What the staff and phone pages share: run a step and come back with its message; look up picked records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from linli.areas.models import Place
from linli.core.permissions import restrict
from linli.registry.models import Household, Resident


def run_step(request, call, ok: str, *, back: str, pk: int):
    """Call the service; flash its refusal or ``ok``, then return to ``back``."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect(back, pk=pk)


def residents_for(user):
    return restrict(Resident.objects.filter(is_active=True), user)


def household_by_number(user, number: str) -> Household | None:
    number = (number or "").strip()
    return restrict(Household.objects.filter(number=number), user).first() if number else None


def place_in(user, code: str) -> Place | None:
    code = (code or "").strip()
    return restrict(Place.objects.filter(code=code), user).first() if code else None
