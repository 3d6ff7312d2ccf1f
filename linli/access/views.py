"""Pages: the doors of a compound, a door's aggregate statistics, the purpose-stated event search (granted roles
only), and a resident's phone page with their QR and visitor passes."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.areas.selectors import place_by_code
from linli.core.paths import BUILDING, path_at
from linli.core.permissions import Action, may_any
from linli.registry.selectors import resident_for, resident_of

from . import selectors, services
from .forms import CredentialForm, DoorForm, EventSearchForm, PassForm
from .models import AccessCredential, Door, VisitorPass


def _errors(form, exc: ValidationError) -> None:
    for field, errs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errs)


def _qr(token: str):
    return mark_safe(segno.make(token, error="m").svg_inline(scale=5))  # noqa: S308 - segno's own SVG


@login_required
def doors(request):
    user = request.user
    if not may_any(user, Door):
        raise PermissionDenied(_("You cannot see doors."))
    form = DoorForm(request.POST or None)
    can_add = may_any(user, Door, Action.ADD)
    secret = None
    if request.method == "POST" and can_add and form.is_valid():
        data = form.cleaned_data
        try:
            place = place_by_code(user, data["place"], field="place")
            door, secret = services.door_create(actor=user, place=place, name=data["name"], methods=data["methods"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Door set up. Enter the key id and secret into its controller now."))
            form = DoorForm()
            secret = {"door": door, "secret": secret}
    rows = selectors.doors_for(user).order_by("scope_path", "name")
    ctx = {"doors": rows, "form": form, "can_add": can_add, "secret": secret}
    return render(request, "access/doors.html", {**ctx, "can_read": selectors.may_read_events(user)})


@login_required
def door_stats(request, pk: int):
    user = request.user
    door = get_object_or_404(selectors.doors_for(user), pk=pk)
    end = timezone.now()
    start = end - dt.timedelta(days=7)
    data = selectors.heatmap(user, [door], start, end)
    peak = data["peak"] or 1
    cells = [(h, n, 100 - round(50 * n / peak)) for h, n in enumerate(data["grid"][door.pk])]
    return render(
        request,
        "access/door.html",
        {"door": door, "cells": cells, "totals": data["totals"][door.pk], "start": start, "end": end},
    )


@login_required
def event_search(request):
    user = request.user
    if not selectors.may_read_events(user):
        raise PermissionDenied(_("Your role may not read access records."))
    door_list = list(selectors.doors_for(user).order_by("scope_path", "name"))
    form = EventSearchForm(request.POST or None, doors=door_list)
    rows = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        door = next(x for x in door_list if x.pk == d["door"])
        try:
            rows = selectors.events_for_purpose(
                user, purpose=d["purpose"], case_ref=d["case_ref"], start=d["start"], end=d["end"], door=door
            )
        except ValidationError as exc:
            _errors(form, exc)
    return render(request, "access/events.html", {"form": form, "rows": rows})


@login_required
def mine(request):
    user = request.user
    resident = resident_of(user)
    building = None
    if resident is not None and resident.home is not None:
        building = Place.objects.filter(path=path_at(resident.home.path, BUILDING)).first()
    if resident is None or building is None:
        return render(request, "access/mine.html", {"resident": None})
    form = PassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        now = timezone.now()
        try:
            services.pass_issue(
                actor=user,
                building=building,
                valid_from=now,
                valid_until=now + dt.timedelta(hours=d["hours"]),
                max_uses=d["max_uses"],
                note=d["note"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Visitor pass issued: show or send this QR code to your visitor."))
            return redirect("access:mine")
    creds = list(AccessCredential.objects.filter(resident=resident, revoked_at__isnull=True).order_by("kind"))
    qr_codes = [_qr(services.credential_qr(c)) for c in creds if c.kind == "qr" and c.value_sealed]
    now = timezone.now()
    passes = [
        (vp, _qr(services.pass_token(vp)) if vp.usable_at(now, vp.scope_path) else None)
        for vp in VisitorPass.objects.filter(scope_path=building.path, issued_by=user).order_by("-valid_from")[:10]
    ]
    return render(
        request,
        "access/mine.html",
        {
            "resident": resident,
            "building": building,
            "creds": creds,
            "qr_codes": qr_codes,
            "passes": passes,
            "form": form,
        },
    )


@login_required
def resident_credentials(request, pk: int):
    """A resident's credentials (staff): issue a card, QR or password — never conditional on a face — or, with the
    resident's separate consent, record a face enrolment; revoke any (withdrawing face consent included)."""
    user = request.user
    resident = resident_for(user, pk)
    if resident is None:
        raise PermissionDenied(_("You cannot see this resident."))
    if not may_any(user, AccessCredential, Action.ADD):
        raise PermissionDenied(_("You cannot issue access credentials."))
    form = CredentialForm(request.POST or None)
    if request.method == "POST" and "revoke" in request.POST:
        cred = get_object_or_404(selectors.credentials_of(user, resident), pk=request.POST.get("revoke"))
        services.credential_revoke(actor=user, credential=cred)
        messages.success(request, _("Credential revoked."))
        return redirect("access:resident", pk=resident.pk)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.credential_issue(
                actor=user, resident=resident, kind=d["kind"], value=d["value"], consent=d["consent"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Credential issued."))
            return redirect("access:resident", pk=resident.pk)
    creds = selectors.credentials_of(user, resident)
    return render(request, "access/resident.html", {"resident": resident, "creds": creds, "form": form})
