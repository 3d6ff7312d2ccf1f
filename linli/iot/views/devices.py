"""Device pages: the list (a compound's devices: ``?under=<code>``), provisioning (the secret shown once), a
device's page with its last values, 24-hour charts and alarms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, apply_validation_error

from .. import chart, selectors, services
from ..forms import DeviceForm
from ..models import AlarmRule, Device, DeviceStatus, RuleKind

SECTION = "management"


class DeviceListView(ScopedListView):
    model = Device
    template_name = "iot/device_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Device):
            raise PermissionDenied
        self.under = None
        code = self.request.GET.get("under", "").strip()
        if code:
            try:
                self.under = place_by_code(user, code)
            except ValidationError:
                self.under = None
        status = self.request.GET.get("status", "")
        self.status = status if status in DeviceStatus.values else ""
        q = self.request.GET.get("q", "").strip()[:60]
        return selectors.devices(user, under=self.under, q=q, status=self.status)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            section=SECTION,
            under=self.under,
            statuses=DeviceStatus.choices,
            status=self.status,
            may_add=may_any(self.request.user, Device, Action.ADD),
        )
        return ctx


device_list = DeviceListView.as_view()


@login_required
def device_new(request):
    user = request.user
    if not may_any(user, Device, Action.ADD):
        raise PermissionDenied(_("You cannot provision devices."))
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            place = place_by_code(user, data["place"], field="place")
            device, secret = services.device_create(
                actor=user, device_type=data["device_type"], place=place, name=data["name"], ident=data["ident"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            # The secret is shown on this response only; it is stored as a hash.
            return render(request, "iot/device_secret.html", {"device": device, "secret": secret, "section": SECTION})
    return render(request, "iot/device_form.html", {"form": form, "section": SECTION})


def thresholds(device: Device, key: str) -> list:
    rules = AlarmRule.objects.filter(is_active=True, kind=RuleKind.THRESHOLD, key=key).filter(
        device_id=device.pk
    ) | AlarmRule.objects.filter(is_active=True, kind=RuleKind.THRESHOLD, key=key, device_type=device.device_type_id)
    out = []
    for r in rules:
        if device.scope_path.startswith(r.scope_path):
            out += [r.raise_value, r.clear_value]
    return out


@login_required
def device_detail(request, pk: int):
    user = request.user
    device = get_object_or_404(selectors.devices(user), pk=pk)
    data = selectors.series(device)
    charts = []
    for key, spec in device.device_type.schema.items():
        points = data["series"].get(key) or []
        drawn = chart.svg(points, start=data["start"], end=data["end"], lines=thresholds(device, key))
        charts.append(
            {
                "key": key,
                "label": spec.get("label", key),
                "unit": spec.get("unit", ""),
                "svg": drawn,
                "n": len(points),
                "last": (device.last_values or {}).get(key),
            }
        )
    return render(
        request,
        "iot/device_detail.html",
        {
            "device": device,
            "charts": charts,
            "alarms": selectors.alarms(user).filter(device=device)[:20],
            "may_change": can(user, Action.CHANGE, device),
            "section": SECTION,
        },
    )
