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


def case_links(user, case) -> list[RecordLink]:
    matters = list(selectors.matters(user).filter(Q(from_case_id=case.pk) | Q(case_id=case.pk)))
    links = []
    for m in matters:
        if m.case_id == case.pk:
            links.append(matter_link(m, _("Handed over from the matter “%(title)s”"), "case-matter-handed"))
        if m.from_case_id == case.pk:
            links.append(matter_link(m, _("Raised for deliberation as “%(title)s”"), "case-matter-raised"))
    raised = any(m.from_case_id == case.pk for m in matters)
    if not raised and may_raise(user) and not Matter.objects.filter(from_case_id=case.pk).exists():
        url = reverse("deliberation:matter_create") + f"?case={case.pk}"
        links.append(RecordLink(_("Raise as a matter for deliberation"), url, "case-raise-matter"))
    return links


def problem_links(user, problem) -> list[RecordLink]:
    key = f"alliance.problem:{problem.pk}"
    matter = selectors.matters(user).filter(origin=key).first()
    if matter is not None:
        return [matter_link(matter, _("Matter for deliberation: “%(title)s”"), "problem-matter")]
    if may_raise(user) and not Matter.objects.filter(origin=key).exists():
        url = reverse("deliberation:matter_create") + f"?record={key}"
        return [RecordLink(_("Raise as a matter for deliberation"), url, "problem-raise-matter")]
    return []
