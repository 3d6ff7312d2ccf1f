"""Score-card providers of 微心愿 (registered from ``registrations.py`` when score cards are installed): confirmed
micro-wishes a member, an in-service member or a branch's members fulfilled. Bulk: one or two queries a run.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.party.models import PartyMember
from linli.scorecards.providers import Value, record, resident_ids, subject_ids, url_for

from .selectors import fulfilled_claims


def wish_url(wish_id) -> str:
    """The link of a micro-wish record: the wish's page on the public board (``wishes:board_detail``), which every
    signed-in reader of a card may open — the member or organisation on their own card as well as staff — and
    which shows only what the board shows. The counted wishes are confirmed, so they are always on the board.
    (``wishes:detail`` is the staff review page: a 404 for the member reading their own card.)"""
    return url_for("wishes:board_detail", wish_id)


def wishes_by_resident(subs, year):
    by_resident = {s.extra.get("resident"): s.key for s in subs}
    n, recs = defaultdict(set), defaultdict(list)
    for resident_id, _org, wish_id, title, share in fulfilled_claims(residents=resident_ids(subs), year=year):
        key = by_resident[resident_id]
        n[key].add(wish_id)
        recs[key].append(record(f"wishes.wish:{wish_id}", f"{title} · {share}%", wish_url(wish_id)))
    return {
        s.key: Value(Decimal(len(n[s.key])), _("%(n)s micro-wishes fulfilled") % {"n": len(n[s.key])}, recs[s.key])
        for s in subs
    }


def wishes_branch_fulfilled(subs, year):
    member_org = dict(
        PartyMember.objects.filter(org_id__in=subject_ids(subs), is_active=True).values_list("resident_id", "org_id")
    )
    by_org = {s.pk: s.key for s in subs}
    n, recs = defaultdict(set), defaultdict(list)
    members = PartyMember.objects.filter(org_id__in=subject_ids(subs), is_active=True).values("resident_id")
    for resident_id, _org, wish_id, title, share in fulfilled_claims(residents=members, year=year):
        key = by_org[member_org[resident_id]]
        n[key].add(wish_id)
        recs[key].append(record(f"wishes.wish:{wish_id}", f"{title} · {share}%", wish_url(wish_id)))
    return {
        s.key: Value(
            Decimal(len(n[s.key])), _("%(n)s micro-wishes fulfilled by members") % {"n": len(n[s.key])}, recs[s.key]
        )
        for s in subs
    }


def register() -> None:
    from django.utils.translation import gettext_lazy

    from linli.scorecards.models import CardType
    from linli.scorecards.providers import providers

    providers.register(
        "wishes.member_fulfilled",
        wishes_by_resident,
        label=gettext_lazy("Micro-wishes fulfilled"),
        card_types=(CardType.MEMBER,),
    )
    providers.register(
        "wishes.inservice_fulfilled",
        wishes_by_resident,
        label=gettext_lazy("Micro-wishes fulfilled"),
        card_types=(CardType.INSERVICE,),
    )
    providers.register(
        "wishes.branch_fulfilled",
        wishes_branch_fulfilled,
        label=gettext_lazy("Micro-wishes fulfilled by members"),
        card_types=(CardType.BRANCH,),
    )
