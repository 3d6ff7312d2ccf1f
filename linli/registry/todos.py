"""The data centre on the workbench: the user's own Excel imports waiting for them (checked and ready to import, or
with errors to fix), and the residents and households of their scope as figures."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.context_processors import is_staff_user
from linli.core.permissions import restrict
from linli.core.registry import Figure, Todo

from .models import Household, ImportJob, ImportStatus, Resident

SECTION = "management"


def collect(user) -> list[Todo]:
    # Import jobs are private to their uploader (ImportJob.scope_q): these are the user's own.
    counts = {
        r["status"]: r["n"]
        for r in ImportJob.objects.filter(created_by_id=user.pk, status__in=[ImportStatus.VALID, ImportStatus.INVALID])
        .values("status")
        .annotate(n=Count("id"))
    }
    url = reverse("registry:import_list")
    out = []
    if counts.get(ImportStatus.VALID):
        out.append(
            Todo(
                "registry.import_ready", _("Checked imports ready to import"), counts[ImportStatus.VALID], url, SECTION
            )
        )
    if counts.get(ImportStatus.INVALID):
        out.append(
            Todo("registry.import_errors", _("Imports with errors to fix"), counts[ImportStatus.INVALID], url, SECTION)
        )
    return out


def figures(user) -> list[Figure]:
    if not is_staff_user(user):
        return []
    residents = restrict(Resident.objects.active(), user)
    return [
        Figure(
            "registry.residents",
            _("Residents registered"),
            residents.count(),
            SECTION,
            url=reverse("registry:resident_list"),
        ),
        Figure(
            "registry.households",
            _("Households"),
            restrict(Household.objects.all(), user).count(),
            SECTION,
            url=reverse("registry:household_list"),
        ),
    ]
