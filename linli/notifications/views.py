from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linli.core.permissions import restrict

from . import services
from .models import Notification


@login_required
def inbox(request):
    qs = restrict(Notification.objects.all(), request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def mark_read(request):
    ids = request.POST.getlist("id")
    services.mark_read(actor=request.user, ids=[int(i) for i in ids if i.isdigit()] if ids else None)
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:inbox")
