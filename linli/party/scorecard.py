"""Score-card subjects and providers of the party domain (registered from ``registrations.py`` when score cards are
installed): who is scored — branches, 在册党员, 在职党员 — and the 双报到 service indicators.

Subjects:  branch → party branches (PartyOrg), member → 在册党员 (PartyMember), inservice → 在职党员 (InServiceMember).
Bulk: a few queries for all subjects of a run.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.core.paths import subtree_q
from linli.scorecards.providers import MISSING, Subject, SubjectList, Value, record, subject_ids, url_for

from .models import InServiceMember, PartyMember, PartyOrg, ServiceRecord
from .selectors import service_hours_many, service_quarters_many


def branch_subjects(place_path: str, year: int) -> list[Subject]:
    base = PartyOrg.objects.filter(
        subtree_q("scope_path", place_path), is_active=True, kind__in=["branch", "general_branch"]
    )
    rows = base.values_list("pk", "name", "scope_path", "parent__name").order_by("scope_path", "name")
    out = SubjectList(
        Subject(key=f"party.partyorg:{pk}", pk=pk, label=name, path=path, detail=parent or "")
        for pk, name, path, parent in rows
    )
    out.ids_query = base.values("pk")
    return out


def member_subjects(place_path: str, year: int) -> list[Subject]:
    base = PartyMember.objects.filter(subtree_q("scope_path", place_path), is_active=True)
    rows = base.values_list(
        "pk", "resident__name", "scope_path", "org__name", "resident__account_id", "resident_id"
    ).order_by("scope_path", "pk")
    out = SubjectList(
        Subject(
            key=f"party.partymember:{pk}",
            pk=pk,
            label=name,
            path=path,
            detail=org or "",
            account_id=account,
            extra={"resident": resident},
        )
        for pk, name, path, org, account, resident in rows
    )
    out.ids_query, out.residents_query = base.values("pk"), base.values("resident_id")
    return out


def inservice_subjects(place_path: str, year: int) -> list[Subject]:
    base = InServiceMember.objects.filter(subtree_q("scope_path", place_path), is_active=True)
    rows = base.values_list(
        "pk", "resident__name", "scope_path", "employer__name", "resident__account_id", "resident_id"
    ).order_by("scope_path", "pk")
    out = SubjectList(
        Subject(
            key=f"party.inservicemember:{pk}",
            pk=pk,
            label=name,
            path=path,
            detail=employer or "",
            account_id=account,
            extra={"resident": resident},
        )
        for pk, name, path, employer, account, resident in rows
    )
    out.ids_query, out.residents_query = base.values("pk"), base.values("resident_id")
    return out


def party_service_hours(subs, year):
    """在职党员 service hours in the community (§3: ≥ 50 hours a year by default)."""
    ids = [s.pk for s in subs]
    hours = service_hours_many(ids, year)
    recs = defaultdict(list)
    for pk, member_id, date, content, h in (
        ServiceRecord.objects.filter(member_id__in=subject_ids(subs), date__year=year)
        .values_list("pk", "member_id", "date", "content", "hours")
        .order_by("date", "pk")
    ):
        recs[member_id].append(
            record(
                f"party.servicerecord:{pk}", f"{date} {content} · {h} h", url_for("party:inservice_detail", member_id)
            )
        )
    return {
        s.key: Value(hours.get(s.pk, Decimal("0")), _("%(h)s hours") % {"h": hours.get(s.pk, Decimal("0"))}, recs[s.pk])
        for s in subs
    }


def party_service_quarters(subs, year):
    quarters = service_quarters_many([s.pk for s in subs], year)
    out = {}
    for s in subs:
        q = sorted(quarters.get(s.pk, set()))
        shown = "、".join(f"Q{i}" for i in q) or "—"
        url = url_for("party:inservice_detail", s.pk)
        out[s.key] = Value(
            Decimal(len(q)),
            _("served in quarters: %(q)s") % {"q": shown},
            [
                record(
                    f"party.inservicemember:{s.pk}",
                    (_("%(year)s Q%(q)s: served") if i in q else _("%(year)s Q%(q)s: no service"))
                    % {"year": year, "q": i},
                    url,
                    "" if i in q else MISSING,
                )
                for i in (1, 2, 3, 4)
            ],
        )
    return out


def register() -> None:
    from django.utils.translation import gettext_lazy

    from linli.scorecards.models import CardType
    from linli.scorecards.providers import providers, subjects

    subjects.register(CardType.BRANCH, branch_subjects)
    subjects.register(CardType.MEMBER, member_subjects)
    subjects.register(CardType.INSERVICE, inservice_subjects)
    providers.register(
        "party.service_hours",
        party_service_hours,
        label=gettext_lazy("Service hours in the community"),
        card_types=(CardType.INSERVICE,),
        unit="h",
    )
    providers.register(
        "party.service_quarters",
        party_service_quarters,
        label=gettext_lazy("Quarters with community service"),
        card_types=(CardType.INSERVICE,),
    )
