"""The outbox page (事件投递): deliveries that failed or died, with their error; administrators replay them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import outbox
from linli.core.models import DeliveryStatus, EventDelivery
from linli.core.permissions import Action, may_any, restrict

FILTERS = {
    "failing": (gettext_lazy("Failing or dead"), Q(status=DeliveryStatus.DEAD) | Q(status="pending", attempts__gt=0)),
    "dead": (gettext_lazy("Dead letters"), Q(status=DeliveryStatus.DEAD)),
    "pending": (gettext_lazy("Waiting"), Q(status=DeliveryStatus.PENDING)),
    "done": (gettext_lazy("Delivered"), Q(status=DeliveryStatus.DONE)),
}


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


@login_required
def outbox_page(request):
    user = request.user
    if not may_any(user, EventDelivery):
        raise PermissionDenied(_("Only administrators may see the event deliveries."))
    status = request.GET.get("status") if request.GET.get("status") in FILTERS else "failing"
    if request.method == "POST":
        if not may_any(user, EventDelivery, Action.CHANGE):
            raise PermissionDenied(_("Only administrators may replay events."))
        chosen = restrict(EventDelivery.objects.all(), user, Action.CHANGE)
        if request.POST.get("all_dead"):
            chosen = chosen.filter(status=DeliveryStatus.DEAD)
        else:
            chosen = chosen.filter(pk__in=_ids(request.POST.getlist("delivery")))
        n = outbox.replay(actor=user, deliveries=list(chosen.values_list("pk", flat=True)))
        if n:
            messages.success(request, _("%(n)s deliveries queued again.") % {"n": n})
        else:
            messages.warning(request, _("Nothing to replay: choose failed or dead deliveries."))
        return redirect(f"{request.path}?status={status}")
    rows = (
        restrict(EventDelivery.objects.all(), user)
        .filter(FILTERS[status][1])
        .select_related("event")
        .order_by("-event_id", "pk")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/outbox.html",
        {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "querystring": f"status={status}",
            "deliveries": page.object_list,
            "status": status,
            "filters": [(key, label) for key, (label, _q) in FILTERS.items()],
            "counts": outbox.counts(),
            "can_replay": may_any(user, EventDelivery, Action.CHANGE),
            "section": "management",
        },
    )
