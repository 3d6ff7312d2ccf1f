"""Links deliberation adds to other domains' record pages (``registry.add_record_links``; rendered there by
``{% record_links obj %}``), so a work order or an alliance problem shows its matter without importing this app:

* a work-order case: the matter raised from it and the matter handed to it (both ways), or "raise as a matter";
* an alliance problem: the matter raised from it, or "raise as a matter" (the prefilled staff form)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.context_processors import is_staff_user
from linli.core.permissions import Action, may_any
from linli.core.registry import RecordLink

from . import selectors
from .models import Matter


def may_raise(user) -> bool:
    return is_staff_user(user) and may_any(user, Matter, Action.ADD)


def matter_link(matter: Matter, label: str, testid: str) -> RecordLink:
    return RecordLink(label % {"title": matter.title}, reverse("deliberation:matter", args=[matter.pk]), testid)


def case_links(user, cases) -> dict:
    pks = [c.pk for c in cases]
    out: dict = {pk: [] for pk in pks}
    matters = list(selectors.matters(user).filter(Q(from_case_id__in=pks) | Q(case_id__in=pks)))
    for m in matters:
        if m.case_id in out:
            out[m.case_id].append(matter_link(m, _("Handed over from the matter “%(title)s”"), "case-matter-handed"))
        if m.from_case_id in out:
            out[m.from_case_id].append(
                matter_link(m, _("Raised for deliberation as “%(title)s”"), "case-matter-raised")
            )
    if may_raise(user):
        raised = set(Matter.objects.filter(from_case_id__in=pks).values_list("from_case_id", flat=True))
        for pk in pks:
            if pk not in raised:
                url = reverse("deliberation:matter_create") + f"?case={pk}"
                out[pk].append(RecordLink(_("Raise as a matter for deliberation"), url, "case-raise-matter"))
    return out


def problem_links(user, problems) -> dict:
    keys = {f"alliance.problem:{p.pk}": p.pk for p in problems}
    out: dict = {pk: [] for pk in keys.values()}
    raised = set()
    for m in selectors.matters(user).filter(origin__in=list(keys)):
        out[keys[m.origin]].append(matter_link(m, _("Matter for deliberation: “%(title)s”"), "problem-matter"))
        raised.add(m.origin)
    if may_raise(user):
        raised |= set(Matter.objects.filter(origin__in=list(keys)).values_list("origin", flat=True))
        for key, pk in keys.items():
            if key not in raised:
                url = reverse("deliberation:matter_create") + f"?record={key}"
                out[pk].append(RecordLink(_("Raise as a matter for deliberation"), url, "problem-raise-matter"))
    return out
